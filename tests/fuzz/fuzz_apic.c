/*
 * tests/fuzz/fuzz_apic.c - libFuzzer target for the VM's interrupt
 * controllers (drivers/virt/vlapic*.c, ioapic.c): two vCPUs' local APICs
 * and an IOAPIC wired as a VM wires them, driven by a guest that does
 * anything: register reads and writes of any size and offset, x2APIC and
 * APIC-base MSRs, IPIs, IOAPIC programming, device lines, time passing,
 * interrupts taken and EOIed. After every step the model's invariants
 * must hold: no vector below 16 in IRR/ISR/TMR, the pending vector is
 * deliverable and above PPR, reserved bits stay zero, the timer's count
 * and deadline are coherent, Remote IRR only on level entries.
 * SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)";
 * Intel 82093AA I/O APIC data sheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virt/ioapic.h"
#include "drivers/virt/vlapic_route.h"

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
static struct vlapic *lapics[NCPUS];
static struct ioapic io;
static uint64_t now;
static unsigned depth;

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

static void lapic_deliver(void *ctx, struct vlapic *src,
			  const struct apic_msg *m)
{
	CHECK(++depth < 4);
	vlapic_route_deliver(lapics, NCPUS, src, m);
	depth--;
}

static void io_deliver(void *ctx, const struct apic_msg *m)
{
	CHECK(++depth < 4);
	vlapic_route_deliver(lapics, NCPUS, NULL, m);
	depth--;
}

static void eoi_broadcast(void *ctx, uint8_t vector)
{
	ioapic_eoi(&io, vector);
}

static void setup(void)
{
	const struct vlapic_ops lops = {lapic_deliver, eoi_broadcast, fake_now,
					NULL};
	const struct ioapic_ops iops = {io_deliver, NULL};

	now = 1000;
	depth = 0;
	ioapic_init(&io, 1, &iops);
	for (unsigned i = 0; i < NCPUS; i++) {
		lapics[i] = &lapic[i];
		vlapic_init(&lapic[i], i, i, i == 0, 3, &lops);
		vlapic_started(&lapic[i]);
		/* start enabled, so short inputs reach deep states */
		vlapic_mmio_write(&lapic[i], APIC_REG_SVR * 16, 4, 0x1ff);
		vlapic_mmio_write(&lapic[i], APIC_REG_LDR * 16, 4,
				  1u << (24 + i));
	}
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		io.redtbl[pin] = (pin & 1 ? IOREDTBL_LEVEL : 0) |
				 (uint64_t)(pin & 1) << IOREDTBL_DEST_SHIFT |
				 (0x20 + pin * 8);
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
	int vector;

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
		ioapic_mmio_write(&io, 0, 4, (uint32_t)take_bytes(in, 1));
		ioapic_mmio_write(&io, op & 0x40 ? IOAPIC_EOI : IOAPIC_IOWIN,
				  op & 0x20 ? 1 : 4,
				  (uint32_t)take_bytes(in, 4));
		break;
	case 5:
		v = take_bytes(in, 1);
		ioapic_mmio_read(&io, (uint32_t)(v & 0x7f),
				 1u << (op >> 5 & 3));
		break;
	case 6: /* a device line */
		v = take_bytes(in, 1);
		ioapic_set_irq(&io, (unsigned)(v % 26), op & 0x40);
		break;
	case 7: /* VM entry: the vCPU takes its interrupt */
		vector = vlapic_pending_vector(l);
		if (vector != VLAPIC_NO_VECTOR)
			vlapic_ack(l, (uint8_t)vector);
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

	CHECK((l->irr[0] & 0xffff) == 0);
	CHECK((l->isr[0] & 0xffff) == 0);
	CHECK((l->tmr[0] & 0xffff) == 0);
	CHECK(l->tpr <= 0xff);
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

static void check_ioapic(void)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t e = io.redtbl[pin];

		CHECK((e & ~(IOREDTBL_WRITABLE | IOREDTBL_REMOTE_IRR)) == 0);
		CHECK(!(e & IOREDTBL_REMOTE_IRR) || (e & IOREDTBL_LEVEL));
	}
	CHECK((io.id & ~IOAPIC_ID_MASK) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};

	setup();
	while (in.left) {
		step(&in);
		CHECK(depth == 0);
		for (unsigned i = 0; i < NCPUS; i++)
			check_lapic(&lapic[i]);
		check_ioapic();
	}
	return 0;
}
