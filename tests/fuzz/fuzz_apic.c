/*
 * tests/fuzz/fuzz_apic.c - libFuzzer target for the VM's interrupt
 * controllers (drivers/virt/vlapic*.c, ioapic.c, pic8259.c, vintc.c):
 * two vCPUs' local APICs, an IOAPIC and the 8259 pair wired by vintc as
 * a VM wires them, driven by a guest that does anything: register reads
 * and writes of any size and offset, x2APIC and APIC-base MSRs, IPIs,
 * IOAPIC and 8259 programming, device lines, time passing, entries with
 * any interruptibility, EOIs. After every step the invariants must hold:
 * no vector below 16 in IRR/ISR/TMR, the pending vector is deliverable
 * and above PPR, reserved bits stay zero, the timer's count and deadline
 * are coherent, Remote IRR only on level entries, an injected APIC
 * vector is in service, the 8259's state stays in range.
 * SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)";
 * Intel 82093AA I/O APIC data sheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virt/vintc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "fuzz_apic: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                           \
			abort();                                            \
		}                                                           \
	} while (0)

#define NCPUS 2

static struct vlapic lapic[NCPUS];
static struct vintc vi;
static struct port_device pic_ports[3];
static uint64_t now, kicked;

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take_bytes(struct input *in, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static uint64_t fake_now(void *ctx)
{
	return now;
}

static void kick(void *ctx, uint64_t vcpus)
{
	CHECK(vcpus && vcpus < (1u << NCPUS));
	kicked |= vcpus;
}

static void setup(void)
{
	const struct vintc_ops ops = {kick, fake_now, NULL, NULL};

	now = 1000;
	kicked = 0;
	vintc_init(&vi, NCPUS, &ops);
	pic8259_devices(&vi.pic, pic_ports);
	for (unsigned i = 0; i < NCPUS; i++) {
		vintc_attach(&vi, i, &lapic[i], 3);
		vlapic_started(&lapic[i]);
		/* start enabled, so short inputs reach deep states */
		vlapic_mmio_write(&lapic[i], APIC_REG_SVR * 16, 4, 0x1ff);
		vlapic_mmio_write(&lapic[i], APIC_REG_LDR * 16, 4,
				  1u << (24 + i));
	}
	vlapic_mmio_write(&lapic[0], APIC_REG_LVT_LINT0 * 16, 4, 0x700);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		vi.ioapic.redtbl[pin] = (pin & 1 ? IOREDTBL_LEVEL : 0) |
					(uint64_t)(pin & 1)
						<< IOREDTBL_DEST_SHIFT |
					(0x20 + pin * 8);
}

/* An entry as the VT-x code makes it, with the guest state as given. */
static void enter(unsigned cpu, uint8_t flags)
{
	const struct vintc_guest g = {
		.if_set = flags & 1,
		.sti_blocking = flags & 2,
		.mov_ss_blocking = flags & 4,
		.nmi_blocking = flags & 8,
	};
	int apic_vector = vlapic_pending_vector(&lapic[cpu]);
	uint8_t vector = 0;

	switch (vintc_next(&vi, cpu, &g, &vector)) {
	case VINTC_INJECT_INTR:
		CHECK(g.if_set && !g.sti_blocking && !g.mov_ss_blocking);
		if (apic_vector != VLAPIC_NO_VECTOR) {
			CHECK(vector >= 16);
			CHECK(vlapic_test_isr(&lapic[cpu], vector));
		}
		break;
	case VINTC_INJECT_NMI:
		CHECK(!g.nmi_blocking && !g.sti_blocking && !g.mov_ss_blocking);
		break;
	case VINTC_OPEN_IRQ_WINDOW:
		CHECK(!g.if_set || g.sti_blocking || g.mov_ss_blocking);
		break;
	default: break;
	}
}

static const uint32_t msrs[] = {MSR_IA32_APIC_BASE,
				MSR_IA32_TSC_DEADLINE,
				0x800,
				0x830,
				0x83f,
				0x80b,
				0x808,
				0x838};

static void step(struct input *in)
{
	uint8_t op = (uint8_t)take_bytes(in, 1);
	struct vlapic *l = &lapic[op >> 7];
	uint64_t v, ignored;
	uint32_t msr;
	switch (op & 0xf) {
	case 0: /* xAPIC write of a register, usually aligned */
		v = take_bytes(in, 2);
		vlapic_mmio_write(
			l, (uint32_t)(v & 0xfff) & ~(op & 0x40 ? 0 : 0xf),
			op & 0x20 ? 4 : 1u << ((v >> 12) & 3),
			(uint32_t)take_bytes(in, 4));
		break;
	case 1:
		v = take_bytes(in, 2);
		vlapic_mmio_read(l, (uint32_t)(v & 0x1fff),
				 1u << ((v >> 13) & 3));
		break;
	case 2: /* MSR write */
		v = take_bytes(in, 1);
		msr = v & 0x80 ? msrs[v & 7] : 0x800 + (uint32_t)(v & 0x7f);
		vlapic_msr_write(l, msr, take_bytes(in, op & 0x40 ? 8 : 4));
		break;
	case 3:
		v = take_bytes(in, 1);
		msr = v & 0x80 ? msrs[v & 7] : 0x800 + (uint32_t)(v & 0x7f);
		vlapic_msr_read(l, msr, &ignored);
		break;
	case 4: /* IOAPIC register write */
		ioapic_mmio_write(&vi.ioapic, 0, 4,
				  (uint32_t)take_bytes(in, 1));
		ioapic_mmio_write(
			&vi.ioapic, op & 0x40 ? IOAPIC_EOI : IOAPIC_IOWIN,
			op & 0x20 ? 1 : 4, (uint32_t)take_bytes(in, 4));
		break;
	case 5:
		v = take_bytes(in, 1);
		ioapic_mmio_read(&vi.ioapic, (uint32_t)(v & 0x7f),
				 1u << (op >> 5 & 3));
		break;
	case 6: /* a device line */
		v = take_bytes(in, 1);
		vintc_set_irq(&vi, (unsigned)(v % 26), op & 0x40);
		break;
	case 7: /* VM entry: what to inject */
		enter(op >> 7, (uint8_t)(op >> 4));
		break;
	case 8: /* time passes, the hypervisor checks the timer */
		now += take_bytes(in, 2) << (op >> 4 & 7);
		vlapic_timer_expire(l, now);
		break;
	case 9: /* the guest's interrupt handler ends */
		vlapic_mmio_write(l, APIC_REG_EOI * 16, 4, 0);
		vlapic_msr_write(l, 0x80b, 0);
		break;
	case 10: /* an IPI through the xAPIC ICR */
		vlapic_mmio_write(l, APIC_REG_ICR_HI * 16, 4,
				  (uint32_t)take_bytes(in, 1) << 24);
		vlapic_mmio_write(l, APIC_REG_ICR_LO * 16, 4,
				  (uint32_t)take_bytes(in, 3));
		break;
	case 11: /* an AP started after its SIPI */ vlapic_started(l); break;
	default: vlapic_set_irq(l, (uint8_t)take_bytes(in, 1), op & 0x40);
	}
}

static void check_lapic(const struct vlapic *l)
{
	int vector = vlapic_pending_vector(l);
	uint32_t ccr;

	for (unsigned v = 0; v < 16; v++)
		CHECK(!vlapic_test_irr(l, (uint8_t)v) &&
		      !vlapic_test_isr(l, (uint8_t)v) &&
		      !vlapic_test_tmr(l, (uint8_t)v));
	/* the page's PPR is what the priorities say ("PPR Virtualization") */
	CHECK(l->regs[APIC_REG_PPR * 4] == vlapic_ppr(l));
	CHECK((l->esr | l->esr_pending) ==
	      ((l->esr | l->esr_pending) &
	       (ESR_SEND_ILLEGAL | ESR_RECEIVE_ILLEGAL)));
	CHECK(l->svr <= 0x3ff);
	CHECK((l->timer_dcr & ~0xbu) == 0);
	if (vector != VLAPIC_NO_VECTOR) {
		CHECK(vector >= 16 && vector <= 255);
		CHECK(vlapic_test_irr(l, (uint8_t)vector));
		CHECK((vector & 0xf0) > (vlapic_ppr(l) & 0xf0));
	}
	if (!vlapic_sw_enabled(l) && vlapic_hw_enabled(l))
		for (unsigned i = 0; i < LVT_COUNT; i++)
			CHECK(l->lvt[i] & LVT_MASKED);
	CHECK(!(l->apic_base & APIC_BASE_EXTD) ||
	      (l->apic_base & APIC_BASE_EN));
	CHECK((l->apic_base & APIC_BASE_RESERVED) == 0);
	CHECK(l->mp_state <= VLAPIC_MP_STARTUP);
	ccr = vlapic_timer_current(l, now);
	CHECK(ccr <= l->timer_initial);
	if (vlapic_timer_deadline(l) != VLAPIC_NO_DEADLINE &&
	    vlapic_timer_mode(l) != TIMER_TSC_DEADLINE)
		CHECK(l->timer_initial &&
		      vlapic_timer_deadline(l) > l->timer_start);
	if (vlapic_timer_mode(l) == TIMER_TSC_DEADLINE)
		CHECK(vlapic_timer_deadline(l) ==
		      (l->tsc_deadline ? l->tsc_deadline : VLAPIC_NO_DEADLINE));
}

static void check_pic(const struct pic8259_chip *c)
{
	CHECK((c->base & 7) == 0);
	CHECK(c->priority_add < 8);
	CHECK(c->init_step == 0 || (c->init_step >= 2 && c->init_step <= 4));
	CHECK((c->elcr & ~c->elcr_writable) == 0);
}

static void check_ioapic(void)
{
	const struct ioapic *io = &vi.ioapic;

	check_pic(&vi.pic.chip[0]);
	check_pic(&vi.pic.chip[1]);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t e = io->redtbl[pin];

		CHECK((e & ~(IOREDTBL_WRITABLE | IOREDTBL_REMOTE_IRR)) == 0);
		CHECK(!(e & IOREDTBL_REMOTE_IRR) || (e & IOREDTBL_LEVEL));
	}
	CHECK((io->id & ~IOAPIC_ID_MASK) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};

	setup();
	while (in.left) {
		step(&in);
		for (unsigned i = 0; i < NCPUS; i++)
			check_lapic(&lapic[i]);
		check_ioapic();
	}
	return 0;
}
