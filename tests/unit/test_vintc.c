/*
 * tests/unit/test_vintc.c - drivers/virt/vintc.c on the host: a VM of
 * three vCPUs with its local APICs, IOAPIC and 8259 wired together,
 * driven the way the VT-x code will drive it: guest-physical accesses,
 * device lines, and before each entry "what do I inject?", with the
 * guest's interruptibility as VMX reports it. Kicks are recorded.
 * SDM Vol. 3C, "Event Injection"; SDM Vol. 3A, "Advanced Programmable
 * Interrupt Controller (APIC)".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/vintc.h"

#define NCPUS	    3
#define LAPIC	    0xfee00000ULL
#define IOAPIC_BASE 0xfec00000ULL

static struct vintc vi;
static struct vlapic lapic[NCPUS];
static uint64_t kicked, now;

static void kick(void *ctx, uint64_t vcpus)
{
	assert_ptr_equal(ctx, &vi);
	kicked |= vcpus;
}

static uint64_t fake_now(void *ctx)
{
	return now;
}

static const struct vintc_guest open_guest = {.if_set = true};

static void lapic_wr(unsigned cpu, unsigned reg, uint32_t v)
{
	assert_true(vintc_mmio_write(&vi, cpu, LAPIC + reg * 16, 4, v));
}

static uint32_t lapic_rd(unsigned cpu, unsigned reg)
{
	uint32_t v = 0xdead;

	assert_true(vintc_mmio_read(&vi, cpu, LAPIC + reg * 16, 4, &v));
	return v;
}

static void ioapic_entry(unsigned pin, uint64_t entry)
{
	uint8_t reg = (uint8_t)(IOAPIC_REG_REDTBL0 + 2 * pin);

	assert_true(vintc_mmio_write(&vi, 0, IOAPIC_BASE, 4, reg + 1u));
	assert_true(vintc_mmio_write(&vi, 0, IOAPIC_BASE + 0x10, 4,
				     (uint32_t)(entry >> 32)));
	assert_true(vintc_mmio_write(&vi, 0, IOAPIC_BASE, 4, reg));
	assert_true(vintc_mmio_write(&vi, 0, IOAPIC_BASE + 0x10, 4,
				     (uint32_t)entry));
}

/* The master 8259 initialized as Linux does, IR0 at vector base */
static void pic_init_master(uint8_t base)
{
	struct port_device dev[3];
	const uint8_t icw[] = {base, 0x04, 0x01};

	pic8259_devices(&vi.pic, dev);
	dev[0].write(dev[0].opaque, 0, 1, 0x11); /* ICW1 */
	for (unsigned i = 0; i < ARRAY_SIZE(icw); i++)
		dev[0].write(dev[0].opaque, 1, 1, icw[i]);
}

static enum vintc_event next(unsigned cpu, uint8_t *vector)
{
	return vintc_next(&vi, cpu, &open_guest, vector);
}

static int setup(void **state)
{
	const struct vintc_ops ops = {kick, fake_now, &vi, NULL};

	kicked = 0;
	now = 5000;
	vintc_init(&vi, NCPUS, &ops);
	for (unsigned i = 0; i < NCPUS; i++) {
		memset(&lapic[i], 0,
		       sizeof(lapic[i])); /* no virtual delivery */
		vintc_attach(&vi, i, &lapic[i], 4);
		vlapic_started(&lapic[i]);
		lapic_wr(i, APIC_REG_SVR, 0x1ff);
	}
	return 0;
}

/* The APIC page is each vCPU's own; the IOAPIC is shared. */
static void test_mmio_dispatch(void **state)
{
	uint32_t v;

	assert_int_equal(lapic_rd(1, APIC_REG_ID), 1u << 24);
	assert_int_equal(lapic_rd(2, APIC_REG_ID), 2u << 24);
	assert_true(vintc_mmio_write(&vi, 2, IOAPIC_BASE, 4, 1));
	assert_true(vintc_mmio_read(&vi, 1, IOAPIC_BASE + 0x10, 4, &v));
	assert_int_equal(v, 0x170020);
	assert_true(vintc_mmio_write(&vi, 0, IOAPIC_BASE, 4, 0));
	assert_true(vintc_mmio_read(&vi, 0, IOAPIC_BASE + 0x10, 4, &v));
	assert_int_equal(v, (uint32_t)NCPUS << 24); /* ID from vintc_init */
	assert_false(vintc_mmio_read(&vi, 0, LAPIC + 0x1000, 4, &v));
	assert_false(vintc_mmio_read(&vi, 0, IOAPIC_BASE - 4, 4, &v));
	assert_false(vintc_mmio_write(&vi, 0, 0xfed00000, 4, 0));
	/* in x2APIC mode the page is no longer the APIC's */
	assert_int_equal(
		vlapic_msr_write(&lapic[1], MSR_IA32_APIC_BASE, 0xfee00c00),
		VLAPIC_OK);
	assert_false(vintc_mmio_read(&vi, 1, LAPIC + 0x20, 4, &v));
	assert_true(vintc_mmio_read(&vi, 0, LAPIC + 0x20, 4, &v));
}

/* An IPI kicks its target, whose next entry injects it. */
static void test_ipi_kicks_and_injects(void **state)
{
	uint8_t vector = 0;

	lapic_wr(0, APIC_REG_ICR_HI, 2u << 24);
	lapic_wr(0, APIC_REG_ICR_LO, 0x4051);
	assert_int_equal(kicked, 1u << 2);
	assert_int_equal(next(1, &vector), VINTC_NOTHING);
	assert_int_equal(next(2, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x51);
	assert_true(vlapic_test_isr(&lapic[2], 0x51));
	assert_int_equal(next(2, &vector), VINTC_NOTHING);
}

/* IF = 0, STI or MOV-SS blocking: open the window, keep it pending. */
static void test_blocked_interrupt_opens_window(void **state)
{
	const struct vintc_guest if_off = {.if_set = false};
	const struct vintc_guest sti = {.if_set = true, .sti_blocking = true};
	const struct vintc_guest movss = {.if_set = true,
					  .mov_ss_blocking = true};
	uint8_t vector = 0;

	vlapic_set_irq(&lapic[0], 0x61, false);
	assert_int_equal(vintc_next(&vi, 0, &if_off, &vector),
			 VINTC_OPEN_IRQ_WINDOW);
	assert_int_equal(vintc_next(&vi, 0, &sti, &vector),
			 VINTC_OPEN_IRQ_WINDOW);
	assert_int_equal(vintc_next(&vi, 0, &movss, &vector),
			 VINTC_OPEN_IRQ_WINDOW);
	assert_true(vlapic_test_irr(&lapic[0], 0x61));
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x61);
	/* a lower class waits for the EOI */
	vlapic_set_irq(&lapic[0], 0x41, false);
	assert_int_equal(next(0, &vector), VINTC_NOTHING);
	lapic_wr(0, APIC_REG_EOI, 0);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x41);
}

static void test_nmi_first_and_blocking(void **state)
{
	const struct vintc_guest nmi_blocked = {.if_set = true,
						.nmi_blocking = true};
	uint8_t vector = 0;

	vlapic_set_irq(&lapic[1], 0x70, false);
	lapic_wr(0, APIC_REG_ICR_HI, 1u << 24);
	lapic_wr(0, APIC_REG_ICR_LO, 0x400); /* NMI */
	assert_int_equal(vintc_next(&vi, 1, &nmi_blocked, &vector),
			 VINTC_OPEN_NMI_WINDOW);
	assert_int_equal(next(1, &vector), VINTC_INJECT_NMI);
	assert_int_equal(next(1, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x70);
}

/* BIOS-style virtual wire: the 8259 through vCPU 0's LINT0. */
static void test_pic_virtual_wire(void **state)
{
	uint8_t vector = 0;

	pic_init_master(0x20);
	vintc_set_irq(&vi, 4, true);
	assert_int_equal(kicked, 1u << 0);		   /* INTR went up */
	assert_int_equal(next(0, &vector), VINTC_NOTHING); /* LINT0 masked */
	lapic_wr(0, APIC_REG_LVT_LINT0, 0x700);		   /* ExtINT */
	assert_true(vintc_can_wake(&vi, 0, now));
	assert_false(vintc_can_wake(&vi, 1, now));
	assert_int_equal(next(1, &vector), VINTC_NOTHING);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x24);
	assert_int_equal(next(0, &vector), VINTC_NOTHING); /* in service */
}

/* An ISA line programmed in the IOAPIC, level-triggered: it comes back
 * after the EOI while the device still asserts it. */
static void test_ioapic_level_line(void **state)
{
	uint8_t vector = 0;

	ioapic_entry(4, (2ULL << IOREDTBL_DEST_SHIFT) | IOREDTBL_LEVEL | 0x34);
	vintc_set_irq(&vi, 4, true);
	assert_int_equal(kicked & (1u << 2), 1u << 2);
	assert_int_equal(next(2, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x34);
	kicked = 0;
	lapic_wr(2, APIC_REG_EOI, 0);
	assert_int_equal(kicked, 1u << 2); /* re-delivered */
	assert_int_equal(next(2, &vector), VINTC_INJECT_INTR);
	vintc_set_irq(&vi, 4, false);
	lapic_wr(2, APIC_REG_EOI, 0);
	assert_int_equal(next(2, &vector), VINTC_NOTHING);
	/* ISA line 4 reached the 8259 too (latched, masked there) */
	assert_int_equal(vi.pic.chip[0].irr, 1u << 4);
	vintc_set_irq(&vi, 20, true); /* not ISA: IOAPIC only */
	assert_int_equal(vi.pic.chip[0].irr, 1u << 4);
	assert_int_equal(vi.pic.chip[1].irr, 0);
	assert_true(vi.ioapic.line[20]);
}

/* vintc_ops resample: a polled line (GSI 11, a passed-through
 * device's INTx) is sampled at the EOI; a quiet source drops the line
 * at the IOAPIC and at the 8259 and nothing is delivered again. Other
 * pins are left alone (resample says false). */
static unsigned resamples;
static bool source_level;

static bool resample(void *ctx, unsigned gsi, bool *level)
{
	assert_ptr_equal(ctx, &vi);
	if (gsi != 11)
		return false;
	resamples++;
	*level = source_level;
	return true;
}

static void test_eoi_resample(void **state)
{
	uint8_t vector = 0;

	vi.ops.resample = resample;
	resamples = 0;
	ioapic_entry(11, IOREDTBL_LEVEL | IOREDTBL_ACTIVE_LOW | 0x3b);
	vintc_set_irq(&vi, 11, true);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x3b);
	assert_int_equal(vi.pic.chip[1].irr, 1u << 3); /* IRQ 11 */
	source_level = false;
	lapic_wr(0, APIC_REG_EOI, 0);
	assert_int_equal(resamples, 1);
	assert_false(vi.ioapic.line[11]);
	assert_int_equal(next(0, &vector), VINTC_NOTHING);
	/* asserting still: delivered again */
	vintc_set_irq(&vi, 11, true);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	source_level = true;
	lapic_wr(0, APIC_REG_EOI, 0);
	assert_int_equal(resamples, 2);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	/* another level pin: no resample, delivered again on its level */
	source_level = false;
	lapic_wr(0, APIC_REG_EOI, 0);
	ioapic_entry(4, IOREDTBL_LEVEL | 0x34);
	vintc_set_irq(&vi, 4, true);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x34);
	lapic_wr(0, APIC_REG_EOI, 0);
	assert_int_equal(resamples, 3);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x34);
}

/* A halted vCPU wakes when its timer is due; the entry injects it. */
static void test_timer_wakes_halted_vcpu(void **state)
{
	uint8_t vector = 0;

	lapic_wr(1, APIC_REG_TIMER_DCR, 0xb);
	lapic_wr(1, APIC_REG_LVT_TIMER, 0xec);
	lapic_wr(1, APIC_REG_TIMER_ICR, 100); /* 400 TSC ticks */
	assert_int_equal(vintc_deadline(&vi, 1), 5400);
	assert_false(vintc_can_wake(&vi, 1, 5399));
	assert_true(vintc_can_wake(&vi, 1, 5400));
	now = 5399;
	assert_int_equal(next(1, &vector), VINTC_NOTHING);
	now = 5400;
	assert_int_equal(next(1, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0xec);
	assert_int_equal(vintc_deadline(&vi, 1), VLAPIC_NO_DEADLINE);
}

/* An IOAPIC pin in ExtINT mode hands the 8259's vector to its target;
 * ISA IRQ 0 reaches pin 2 (the MADT's override). */
static void test_ioapic_extint(void **state)
{
	uint8_t vector = 0;

	pic_init_master(0x30);
	ioapic_entry(2, (1ULL << IOREDTBL_DEST_SHIFT) | (7 << 8));
	vintc_set_irq(&vi, 0, true);
	assert_true(lapic[1].extint_pending);
	assert_int_equal(next(1, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x30);
	assert_false(lapic[1].extint_pending);
}

static void test_aps_wait_for_sipi(void **state)
{
	struct vlapic ap = {0};
	uint64_t base = 0;

	vintc_attach(&vi, 1, &ap, 4);
	assert_int_equal(ap.mp_state, VLAPIC_MP_WAIT_FOR_SIPI);

	assert_int_equal(vlapic_msr_read(&ap, MSR_IA32_APIC_BASE, &base),
			 VLAPIC_OK);
	assert_int_equal(base & APIC_BASE_BSP, 0);
	assert_int_equal(vlapic_msr_read(&lapic[0], MSR_IA32_APIC_BASE, &base),
			 VLAPIC_OK);
	assert_int_equal(base & APIC_BASE_BSP, APIC_BASE_BSP);
}

/* With virtual-interrupt delivery (SDM Vol. 3C, "Virtual-Interrupt
 * Delivery") the CPU takes the local APIC's vectors from the page: the
 * model injects none, posts them, and hears the EOI of a level-triggered
 * one through the EOI-exit path; the 8259 is still injected. */
static void test_virtual_delivery(void **state)
{
	struct vlapic *l = &lapic[2];
	uint8_t vector = 0;
	uint64_t eoi_exit[4];

	vlapic_set_virtual_delivery(l, true);
	ioapic_entry(4, (2ULL << IOREDTBL_DEST_SHIFT) | IOREDTBL_LEVEL | 0x34);
	vintc_set_irq(&vi, 4, true);
	assert_int_equal(kicked & (1u << 2), 1u << 2);
	assert_int_equal(next(2, &vector), VINTC_NOTHING); /* the CPU's */
	assert_true(vintc_can_wake(&vi, 2, now));	   /* HLT ends */
	/* before entry: IRR from the posted bits, RVI, the EOI-exit bit */
	vlapic_sync_posted(l);
	assert_int_equal(vlapic_highest_irr(l), 0x34);
	vlapic_eoi_exit_bitmap(l, eoi_exit);
	assert_int_equal(eoi_exit[0], 1ull << 0x34);
	/* the CPU delivers it, the guest's EOI clears ISR and exits */
	l->regs[(APIC_REG_IRR0 + 1) * 4] = 0;
	kicked = 0;
	vlapic_virtual_eoi(l, 0x34);
	assert_int_equal(kicked, 1u << 2); /* line still up: again */
	assert_true(vlapic_test_irr(l, 0x34));
	vintc_set_irq(&vi, 4, false);
	vlapic_sync_posted(l);
	l->regs[(APIC_REG_IRR0 + 1) * 4] = 0;
	kicked = 0;
	vlapic_virtual_eoi(l, 0x34);
	assert_int_equal(kicked, 0);
	assert_false(vintc_can_wake(&vi, 2, now));
	/* the 8259 on the virtual wire is injected as before */
	vlapic_set_virtual_delivery(&lapic[0], true);
	pic_init_master(0x20);
	lapic_wr(0, APIC_REG_LVT_LINT0, 0x700);
	vintc_set_irq(&vi, 3, true);
	assert_int_equal(next(0, &vector), VINTC_INJECT_INTR);
	assert_int_equal(vector, 0x23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mmio_dispatch, setup),
		cmocka_unit_test_setup(test_ipi_kicks_and_injects, setup),
		cmocka_unit_test_setup(test_blocked_interrupt_opens_window,
				       setup),
		cmocka_unit_test_setup(test_nmi_first_and_blocking, setup),
		cmocka_unit_test_setup(test_pic_virtual_wire, setup),
		cmocka_unit_test_setup(test_ioapic_level_line, setup),
		cmocka_unit_test_setup(test_eoi_resample, setup),
		cmocka_unit_test_setup(test_timer_wakes_halted_vcpu, setup),
		cmocka_unit_test_setup(test_ioapic_extint, setup),
		cmocka_unit_test_setup(test_aps_wait_for_sipi, setup),
		cmocka_unit_test_setup(test_virtual_delivery, setup),
	};
	return cmocka_run_group_tests_name("vintc", tests, NULL, NULL);
}
