/*
 * tests/unit/test_vlapic.c - drivers/virt/vlapic.c, vlapic_timer.c and
 * vlapic_route.c on the host: a VM of four vCPUs' local APICs wired
 * together through vlapic_route_deliver, driven as a guest drives them
 * (xAPIC page accesses, x2APIC MSRs) with a fake TSC.
 * SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/vlapic_route.h"

#define NCPUS		4
#define TICKS_PER_COUNT 10
#define SVR_ON		0x1ff /* software enabled, spurious vector 0xff */

static struct vlapic lapic[NCPUS];
static struct vlapic *lapics[NCPUS];
static uint64_t now;
static uint8_t eoi_log[64];
static unsigned eoi_count;
static uint64_t last_delivered;

static uint64_t fake_now(void *ctx)
{
	assert_ptr_equal(ctx, lapics);
	return now;
}

static void route(void *ctx, struct vlapic *src, const struct apic_msg *m)
{
	last_delivered = vlapic_route_deliver(lapics, NCPUS, src, m);
}

static void eoi_broadcast(void *ctx, uint8_t vector)
{
	assert_true(eoi_count < sizeof(eoi_log));
	eoi_log[eoi_count++] = vector;
}

static const struct vlapic_ops ops = {
	.deliver = route,
	.eoi_broadcast = eoi_broadcast,
	.now = fake_now,
	.ctx = lapics,
};

static uint32_t rd(struct vlapic *l, unsigned reg)
{
	return vlapic_mmio_read(l, reg * 16, 4);
}

static void wr(struct vlapic *l, unsigned reg, uint32_t value)
{
	vlapic_mmio_write(l, reg * 16, 4, value);
}

/* xAPIC IPI: destination first, the low half sends */
static void ipi(struct vlapic *l, uint8_t dest, uint32_t icr_lo)
{
	wr(l, APIC_REG_ICR_HI, (uint32_t)dest << 24);
	wr(l, APIC_REG_ICR_LO, icr_lo);
}

static uint64_t msr_rd(struct vlapic *l, uint32_t msr)
{
	uint64_t v = 0xdead;

	assert_int_equal(vlapic_msr_read(l, msr, &v), VLAPIC_OK);
	return v;
}

static void msr_wr(struct vlapic *l, uint32_t msr, uint64_t v)
{
	assert_int_equal(vlapic_msr_write(l, msr, v), VLAPIC_OK);
}

static bool msr_wr_gp(struct vlapic *l, uint32_t msr, uint64_t v)
{
	return vlapic_msr_write(l, msr, v) == VLAPIC_INVALID;
}

static bool msr_rd_gp(struct vlapic *l, uint32_t msr)
{
	uint64_t v;

	return vlapic_msr_read(l, msr, &v) == VLAPIC_INVALID;
}

static void to_x2apic(struct vlapic *l)
{
	msr_wr(l, MSR_IA32_APIC_BASE,
	       msr_rd(l, MSR_IA32_APIC_BASE) | APIC_BASE_EXTD);
}

/* Which vCPUs have vector in IRR, as a mask */
static unsigned irr_mask(uint8_t vector)
{
	unsigned m = 0;

	for (unsigned i = 0; i < NCPUS; i++)
		if (vlapic_test_irr(&lapic[i], vector))
			m |= 1u << i;
	return m;
}

/* What the VT-x wiring does at VM entry: take the pending vector. */
static int take(struct vlapic *l)
{
	int v = vlapic_pending_vector(l);

	if (v != VLAPIC_NO_VECTOR)
		vlapic_ack(l, (uint8_t)v);
	return v;
}

static int setup(void **state)
{
	now = 1000;
	eoi_count = 0;
	last_delivered = 0;
	for (unsigned i = 0; i < NCPUS; i++) {
		lapics[i] = &lapic[i];
		memset(&lapic[i], 0,
		       sizeof(lapic[i])); /* virtual delivery off */
		vlapic_init(&lapic[i], i, i, i == 0, TICKS_PER_COUNT, &ops);
		wr(&lapic[i], APIC_REG_SVR, SVR_ON);
		vlapic_started(&lapic[i]);
	}
	return 0;
}

/* ---- reset state ------------------------------------------------------ */

static void test_power_up_state(void **state)
{
	struct vlapic l = {0};

	vlapic_init(&l, 1, 5, false, TICKS_PER_COUNT, &ops);
	assert_int_equal(msr_rd(&l, MSR_IA32_APIC_BASE), 0xfee00800);
	assert_int_equal(rd(&l, APIC_REG_ID), 5u << 24);
	assert_int_equal(rd(&l, APIC_REG_VERSION), 0x50014); /* max LVT 5 */
	assert_int_equal(rd(&l, APIC_REG_SVR), 0xff);
	assert_int_equal(rd(&l, APIC_REG_DFR), 0xffffffff);
	assert_int_equal(rd(&l, APIC_REG_TPR), 0);
	for (unsigned r = APIC_REG_LVT_TIMER; r <= APIC_REG_LVT_ERROR; r++)
		assert_int_equal(rd(&l, r), LVT_MASKED);
	assert_int_equal(l.mp_state, VLAPIC_MP_WAIT_FOR_SIPI);
	assert_int_equal(vlapic_timer_deadline(&l), VLAPIC_NO_DEADLINE);

	vlapic_init(&l, 0, 0, true, TICKS_PER_COUNT, &ops);
	assert_int_equal(msr_rd(&l, MSR_IA32_APIC_BASE), 0xfee00900);
	assert_int_equal(l.mp_state, VLAPIC_MP_RUNNING);
	assert_int_equal(vlapic_mmio_base(&l), 0xfee00000);
}

/* A software-disabled APIC drops fixed interrupts; SVR bit 8 on. */
static void test_software_disable_drops_and_masks(void **state)
{
	struct vlapic *l = &lapic[0];

	wr(l, APIC_REG_LVT_LINT0, 0x700);
	assert_int_equal(rd(l, APIC_REG_LVT_LINT0), 0x700);
	wr(l, APIC_REG_SVR, 0xff);
	assert_false(vlapic_sw_enabled(l));
	assert_int_equal(rd(l, APIC_REG_LVT_LINT0), 0x700 | LVT_MASKED);
	/* an LVT written while disabled stays masked */
	wr(l, APIC_REG_LVT_TIMER, 0x40);
	assert_int_equal(rd(l, APIC_REG_LVT_TIMER), 0x40 | LVT_MASKED);
	assert_false(vlapic_set_irq(l, 0x40, false));
	assert_int_equal(vlapic_pending_vector(l), VLAPIC_NO_VECTOR);
	wr(l, APIC_REG_SVR, SVR_ON);
	assert_true(vlapic_set_irq(l, 0x40, false));
	assert_int_equal(vlapic_pending_vector(l), 0x40);
}

/* ---- priorities ------------------------------------------------------- */

static void test_highest_vector_wins(void **state)
{
	struct vlapic *l = &lapic[0];

	vlapic_set_irq(l, 0x30, false);
	vlapic_set_irq(l, 0x81, false);
	vlapic_set_irq(l, 0x80, false);
	vlapic_set_irq(l, 0x5f, false);
	assert_int_equal(rd(l, APIC_REG_IRR0 + 4), 0x3); /* 0x80, 0x81 */
	assert_int_equal(take(l), 0x81);
	/* 0x80 is the same class as 0x81 in service: held */
	assert_int_equal(vlapic_pending_vector(l), VLAPIC_NO_VECTOR);
	wr(l, APIC_REG_EOI, 0);
	assert_int_equal(take(l), 0x80);
	wr(l, APIC_REG_EOI, 0);
	assert_int_equal(take(l), 0x5f);
	wr(l, APIC_REG_EOI, 0);
	assert_int_equal(take(l), 0x30);
	wr(l, APIC_REG_EOI, 0);
	assert_int_equal(take(l), VLAPIC_NO_VECTOR);
}

/* An IRR vector is deliverable only when its class is above PPR's. */
static void test_tpr_masks_by_class(void **state)
{
	struct vlapic *l = &lapic[0];

	vlapic_set_irq(l, 0x8f, false);
	wr(l, APIC_REG_TPR, 0x80);
	assert_int_equal(rd(l, APIC_REG_PPR), 0x80);
	assert_int_equal(vlapic_pending_vector(l), VLAPIC_NO_VECTOR);
	wr(l, APIC_REG_TPR, 0x7f);
	assert_int_equal(vlapic_pending_vector(l), 0x8f);
	wr(l, APIC_REG_TPR, 0x1ff); /* bits 31:8 reserved */
	assert_int_equal(rd(l, APIC_REG_TPR), 0xff);
	assert_int_equal(vlapic_pending_vector(l), VLAPIC_NO_VECTOR);
	vlapic_set_irq(l, 0xfe, false);
	assert_int_equal(vlapic_pending_vector(l), VLAPIC_NO_VECTOR);
	wr(l, APIC_REG_TPR, 0);
	assert_int_equal(vlapic_pending_vector(l), 0xfe);
}

/* PPR = max(TPR, class of the highest ISR vector). */
static void test_ppr_follows_isr(void **state)
{
	struct vlapic *l = &lapic[0];

	wr(l, APIC_REG_TPR, 0x25);
	assert_int_equal(rd(l, APIC_REG_PPR), 0x25);
	vlapic_set_irq(l, 0x61, false);
	assert_int_equal(take(l), 0x61);
	assert_int_equal(rd(l, APIC_REG_PPR), 0x60);
	assert_int_equal(rd(l, APIC_REG_ISR0 + 3), 1u << 1);
	vlapic_set_irq(l, 0x65, false);
	assert_int_equal(vlapic_pending_vector(l), VLAPIC_NO_VECTOR);
	vlapic_set_irq(l, 0x70, false); /* higher class nests */
	assert_int_equal(take(l), 0x70);
	assert_int_equal(rd(l, APIC_REG_PPR), 0x70);
	wr(l, APIC_REG_TPR, 0x90);
	assert_int_equal(rd(l, APIC_REG_PPR), 0x90);
	/* APR: TPR, or the class of the highest ISR/IRR if higher */
	assert_int_equal(rd(l, APIC_REG_APR), 0x90);
	wr(l, APIC_REG_TPR, 0);
	assert_int_equal(rd(l, APIC_REG_APR), 0x70);
}

/* EOI retires the highest in-service vector first. */
static void test_eoi_order(void **state)
{
	struct vlapic *l = &lapic[0];

	vlapic_set_irq(l, 0x40, false);
	assert_int_equal(take(l), 0x40);
	vlapic_set_irq(l, 0x90, false);
	assert_int_equal(take(l), 0x90);
	vlapic_set_irq(l, 0xc0, false);
	assert_int_equal(take(l), 0xc0);
	assert_true(vlapic_test_isr(l, 0x40) && vlapic_test_isr(l, 0x90));
	wr(l, APIC_REG_EOI, 0);
	assert_false(vlapic_test_isr(l, 0xc0));
	assert_true(vlapic_test_isr(l, 0x90));
	wr(l, APIC_REG_EOI, 0);
	assert_false(vlapic_test_isr(l, 0x90));
	assert_true(vlapic_test_isr(l, 0x40));
	wr(l, APIC_REG_EOI, 0);
	assert_false(vlapic_test_isr(l, 0x40));
	wr(l, APIC_REG_EOI, 0); /* nothing in service: harmless */
	assert_int_equal(rd(l, APIC_REG_PPR), 0);
	assert_int_equal(eoi_count, 0); /* all edge */
}

/* A level-triggered vector (TMR set) is broadcast on EOI. */
static void test_level_eoi_broadcast(void **state)
{
	struct vlapic *l = &lapic[1];

	vlapic_set_irq(l, 0x51, true);
	assert_int_equal(rd(l, APIC_REG_TMR0 + 2), 1u << 17);
	assert_int_equal(take(l), 0x51);
	vlapic_set_irq(l, 0x62, false);
	assert_int_equal(take(l), 0x62);
	wr(l, APIC_REG_EOI, 0);
	assert_int_equal(eoi_count, 0);
	wr(l, APIC_REG_EOI, 0);
	assert_int_equal(eoi_count, 1);
	assert_int_equal(eoi_log[0], 0x51);
	/* the same vector arriving edge-triggered clears TMR */
	vlapic_set_irq(l, 0x51, false);
	assert_int_equal(rd(l, APIC_REG_TMR0 + 2), 0);
}

/* Vectors 0-15 are illegal: dropped, ESR bit 6 after an ESR write, and
 * the LVT error entry fires. */
static void test_illegal_vector_sets_esr(void **state)
{
	struct vlapic *l = &lapic[0];

	wr(l, APIC_REG_LVT_ERROR, 0xee);
	assert_false(vlapic_set_irq(l, 0x0f, false));
	assert_false(vlapic_test_irr(l, 0x0f));
	assert_int_equal(rd(l, APIC_REG_ESR), 0); /* not latched yet */
	wr(l, APIC_REG_ESR, 0);
	assert_int_equal(rd(l, APIC_REG_ESR), ESR_RECEIVE_ILLEGAL);
	assert_int_equal(take(l), 0xee);
	wr(l, APIC_REG_ESR, 0);
	assert_int_equal(rd(l, APIC_REG_ESR), 0);
	/* sending one is an error too, and nothing is sent */
	ipi(l, 1, 0x05);
	assert_int_equal(irr_mask(0x05), 0);
	assert_int_equal(last_delivered, 0);
	wr(l, APIC_REG_ESR, 0);
	assert_int_equal(rd(l, APIC_REG_ESR), ESR_SEND_ILLEGAL);
}

/* ---- IPIs ------------------------------------------------------------- */

static void test_ipi_physical(void **state)
{
	ipi(&lapic[0], 2, 0x4041); /* fixed, assert, vector 0x41 */
	assert_int_equal(irr_mask(0x41), 1u << 2);
	assert_int_equal(last_delivered, 1u << 2);
	assert_int_equal(rd(&lapic[0], APIC_REG_ICR_LO), 0x4041);
	assert_int_equal(rd(&lapic[0], APIC_REG_ICR_HI), 2u << 24);
	ipi(&lapic[3], 0, 0x42);
	assert_int_equal(irr_mask(0x42), 1u << 0);
	ipi(&lapic[3], 9, 0x43); /* nobody */
	assert_int_equal(irr_mask(0x43), 0);
	ipi(&lapic[1], 0xff, 0x44); /* physical broadcast */
	assert_int_equal(irr_mask(0x44), 0xf);
}

static void test_ipi_logical_flat(void **state)
{
	for (unsigned i = 0; i < NCPUS; i++)
		wr(&lapic[i], APIC_REG_LDR, (1u << i) << 24);
	assert_int_equal(rd(&lapic[2], APIC_REG_LDR), 0x04000000);
	ipi(&lapic[0], 0x06, 0x850); /* logical, vector 0x50 */
	assert_int_equal(irr_mask(0x50), 0x6);
	ipi(&lapic[0], 0x09, 0x851);
	assert_int_equal(irr_mask(0x51), 0x9);
	ipi(&lapic[0], 0xff, 0x852);
	assert_int_equal(irr_mask(0x52), 0xf);
	ipi(&lapic[0], 0x30, 0x853); /* no CPU has these bits */
	assert_int_equal(irr_mask(0x53), 0);
}

static void test_ipi_logical_cluster(void **state)
{
	/* clusters 1 and 2, two CPUs each */
	static const uint8_t ldr[NCPUS] = {0x11, 0x12, 0x21, 0x22};

	for (unsigned i = 0; i < NCPUS; i++) {
		wr(&lapic[i], APIC_REG_DFR, 0x0fffffff);
		wr(&lapic[i], APIC_REG_LDR, (uint32_t)ldr[i] << 24);
	}
	assert_int_equal(rd(&lapic[0], APIC_REG_DFR), 0x0fffffff);
	ipi(&lapic[0], 0x13, 0x860);
	assert_int_equal(irr_mask(0x60), 0x3);
	ipi(&lapic[0], 0x22, 0x861);
	assert_int_equal(irr_mask(0x61), 0x8);
	ipi(&lapic[0], 0x31, 0x862); /* no cluster 3 */
	assert_int_equal(irr_mask(0x62), 0);
	ipi(&lapic[0], 0xff, 0x863); /* broadcast */
	assert_int_equal(irr_mask(0x63), 0xf);
}

static void test_ipi_shorthands(void **state)
{
	ipi(&lapic[1], 3, 0x40070); /* self: destination ignored */
	assert_int_equal(irr_mask(0x70), 0x2);
	ipi(&lapic[1], 3, 0x80071); /* all including self */
	assert_int_equal(irr_mask(0x71), 0xf);
	ipi(&lapic[1], 3, 0xc0072); /* all excluding self */
	assert_int_equal(irr_mask(0x72), 0xd);
}

/* Lowest priority goes, as fixed, to the lowest-numbered destination. */
static void test_ipi_lowest_priority(void **state)
{
	for (unsigned i = 0; i < NCPUS; i++)
		wr(&lapic[i], APIC_REG_LDR, (1u << i) << 24);
	ipi(&lapic[0], 0x0c, 0x973); /* logical, lowest, CPUs 2 and 3 */
	assert_int_equal(irr_mask(0x73), 0x4);
	/* a software-disabled destination is passed over */
	wr(&lapic[2], APIC_REG_SVR, 0xff);
	ipi(&lapic[0], 0x0c, 0x974);
	assert_int_equal(irr_mask(0x74), 0x8);
}

static void test_ipi_nmi(void **state)
{
	ipi(&lapic[0], 3, 0x400); /* NMI, vector ignored */
	assert_true(lapic[3].nmi_pending);
	assert_false(lapic[1].nmi_pending);
	assert_int_equal(irr_mask(0), 0);
}

/* INIT-SIPI-SIPI, as Linux starts an AP. */
static void test_init_sipi(void **state)
{
	struct vlapic *ap = &lapic[2];

	wr(ap, APIC_REG_TPR, 0x30);
	vlapic_set_irq(ap, 0x99, false);
	ipi(&lapic[0], 2, 0xc500); /* INIT, level assert */
	assert_int_equal(ap->mp_state, VLAPIC_MP_WAIT_FOR_SIPI);
	/* INIT resets the registers but not the ID */
	assert_int_equal(rd(ap, APIC_REG_TPR), 0);
	assert_int_equal(rd(ap, APIC_REG_SVR), 0xff);
	assert_false(vlapic_test_irr(ap, 0x99));
	assert_int_equal(rd(ap, APIC_REG_ID), 2u << 24);
	ipi(&lapic[0], 2, 0x8500); /* INIT level de-assert: no effect */
	assert_int_equal(last_delivered, 0);
	ipi(&lapic[0], 2, 0x4609); /* start-up, vector 9: 0x9000 */
	assert_int_equal(ap->mp_state, VLAPIC_MP_STARTUP);
	assert_int_equal(ap->sipi_vector, 0x09);
	ipi(&lapic[0], 2, 0x460a); /* the second SIPI is ignored */
	assert_int_equal(ap->sipi_vector, 0x09);
	vlapic_started(ap);
	assert_int_equal(ap->mp_state, VLAPIC_MP_RUNNING);
	ipi(&lapic[0], 2, 0x460b); /* a running CPU ignores SIPI */
	assert_int_equal(ap->mp_state, VLAPIC_MP_RUNNING);
	/* INIT to all but self, as some kernels do */
	ipi(&lapic[0], 0, 0xcc500);
	assert_int_equal(lapic[0].mp_state, VLAPIC_MP_RUNNING);
	for (unsigned i = 1; i < NCPUS; i++)
		assert_int_equal(lapic[i].mp_state, VLAPIC_MP_WAIT_FOR_SIPI);
}

static void test_lint_pins(void **state)
{
	struct vlapic *l = &lapic[0];

	assert_false(vlapic_accepts_pic(l)); /* LINT0 masked */
	wr(l, APIC_REG_LVT_LINT0, 0x700);    /* ExtINT: virtual wire */
	wr(l, APIC_REG_LVT_LINT1, 0x400);    /* NMI */
	assert_true(vlapic_accepts_pic(l));
	vlapic_set_lint(l, 1, true);
	assert_true(l->nmi_pending);
	vlapic_set_lint(l, 0, true);
	assert_true(l->extint_pending);
	l->nmi_pending = false;
	vlapic_set_lint(l, 1, true); /* still high: no new edge */
	assert_false(l->nmi_pending);
	wr(l, APIC_REG_LVT_LINT0, 0x8035); /* fixed, level, vector 0x35 */
	vlapic_set_lint(l, 0, false);
	vlapic_set_lint(l, 0, true);
	assert_int_equal(vlapic_pending_vector(l), 0x35);
	assert_true(vlapic_test_tmr(l, 0x35));
	/* a globally disabled APIC passes INTR straight through */
	msr_wr(l, MSR_IA32_APIC_BASE, 0xfee00100);
	assert_true(vlapic_accepts_pic(l));
}

/* ---- xAPIC page accesses ---------------------------------------------- */

static void test_mmio_odd_accesses(void **state)
{
	struct vlapic *l = &lapic[1];
	uint64_t ignored = l->ignored_accesses;

	assert_int_equal(vlapic_mmio_read(l, 0x30, 1), 0x14);
	assert_int_equal(vlapic_mmio_read(l, 0x32, 1), 0x05);
	assert_int_equal(vlapic_mmio_read(l, 0x32, 2), 0x0005);
	assert_int_equal(vlapic_mmio_read(l, 0x23, 1), 0x01); /* ID 1 */
	assert_int_equal(l->ignored_accesses, ignored);
	vlapic_mmio_write(l, 0x80, 1, 0x70); /* byte write: ignored */
	vlapic_mmio_write(l, 0x84, 4, 0x70); /* not at the register */
	vlapic_mmio_write(l, 0x80, 8, 0x70);
	assert_int_equal(rd(l, APIC_REG_TPR), 0);
	assert_int_equal(vlapic_mmio_read(l, 0x34, 4), 0); /* past dword */
	assert_int_equal(vlapic_mmio_read(l, 0x1000, 4), 0);
	assert_int_equal(l->ignored_accesses, ignored + 5);
	/* read-only registers ignore writes; reserved read 0 */
	wr(l, APIC_REG_ID, 0x07000000);
	wr(l, APIC_REG_VERSION, 0);
	wr(l, APIC_REG_PPR, 0xff);
	assert_int_equal(rd(l, APIC_REG_ID), 1u << 24);
	assert_int_equal(rd(l, APIC_REG_VERSION), 0x50014);
	assert_int_equal(rd(l, APIC_REG_PPR), 0);
	assert_int_equal(rd(l, 0x3a), 0);
	assert_int_equal(rd(l, APIC_REG_SELF_IPI), 0); /* x2APIC only */
	wr(l, APIC_REG_SELF_IPI, 0x40);
	assert_int_equal(irr_mask(0x40), 0);
	/* reserved bits of writable registers read as 0 */
	wr(l, APIC_REG_LVT_ERROR, 0xffffffff);
	assert_int_equal(rd(l, APIC_REG_LVT_ERROR), 0x100ff);
	wr(l, APIC_REG_TIMER_DCR, 0xff);
	assert_int_equal(rd(l, APIC_REG_TIMER_DCR), 0xb);
	wr(l, APIC_REG_SVR, 0xffffffff);
	assert_int_equal(rd(l, APIC_REG_SVR), 0x3ff);
}

/* ---- x2APIC ----------------------------------------------------------- */

static void test_x2apic_registers(void **state)
{
	struct vlapic *l = &lapic[3];

	assert_true(msr_rd_gp(l, 0x802)); /* xAPIC mode: no MSRs */
	to_x2apic(l);
	assert_true(vlapic_x2apic(l));
	assert_int_equal(msr_rd(l, 0x802), 3);	 /* full 32-bit ID */
	assert_int_equal(msr_rd(l, 0x80d), 0x8); /* cluster 0, bit 3 */
	assert_int_equal(msr_rd(l, 0x803), 0x50014);
	assert_int_equal(msr_rd(l, 0x80f), SVR_ON); /* kept */
	msr_wr(l, 0x808, 0x40);
	assert_int_equal(msr_rd(l, 0x808), 0x40);
	assert_int_equal(msr_rd(l, 0x80a), 0x40);
	/* the xAPIC page is gone */
	assert_int_equal(vlapic_mmio_read(l, 0x80, 4), 0);
}

static void test_x2apic_ldr_from_id(void **state)
{
	struct vlapic l = {0};

	vlapic_init(&l, 0, 0x23, true, TICKS_PER_COUNT, &ops);
	to_x2apic(&l);
	assert_int_equal(msr_rd(&l, 0x80d), 0x20008); /* cluster 2, bit 3 */
}

/* What x2APIC mode turns into #GP. */
static void test_x2apic_gp_cases(void **state)
{
	struct vlapic *l = &lapic[0];

	to_x2apic(l);
	assert_true(msr_wr_gp(l, 0x802, 1));	/* ID read-only */
	assert_true(msr_wr_gp(l, 0x803, 0));	/* version */
	assert_true(msr_wr_gp(l, 0x80a, 0));	/* PPR */
	assert_true(msr_wr_gp(l, 0x80d, 0x10)); /* LDR read-only */
	assert_true(msr_rd_gp(l, 0x80e));	/* no DFR */
	assert_true(msr_wr_gp(l, 0x80e, 0));
	assert_true(msr_rd_gp(l, 0x809));    /* no APR */
	assert_true(msr_rd_gp(l, 0x80b));    /* EOI write-only */
	assert_true(msr_wr_gp(l, 0x80b, 1)); /* EOI non-zero */
	assert_true(msr_rd_gp(l, 0x831));    /* no ICR high */
	assert_true(msr_wr_gp(l, 0x831, 0));
	assert_true(msr_rd_gp(l, 0x83f));	      /* SELF IPI write-only */
	assert_true(msr_wr_gp(l, 0x83f, 0x100));      /* reserved bits */
	assert_true(msr_wr_gp(l, 0x808, 0x100));      /* TPR bits 31:8 */
	assert_true(msr_wr_gp(l, 0x808, 1ULL << 32)); /* 32-bit register */
	assert_true(msr_wr_gp(l, 0x828, 1));	      /* ESR non-zero */
	assert_true(msr_wr_gp(l, 0x810, 0));	      /* ISR read-only */
	assert_true(msr_wr_gp(l, 0x839, 0));	      /* current count */
	assert_true(msr_rd_gp(l, 0x82f));	      /* no CMCI LVT */
	assert_true(msr_rd_gp(l, 0x840));	      /* past the registers */
	assert_true(msr_rd_gp(l, 0x8ff));
	assert_true(msr_wr_gp(l, 0x830, 1u << 12)); /* delivery status */
	assert_true(msr_rd_gp(l, 0x900));
	assert_false(vlapic_msr_is_apic(0x900));
	/* none of those changed anything */
	assert_int_equal(msr_rd(l, 0x808), 0);
	assert_int_equal(msr_rd(l, 0x80d), 0x1);
	msr_wr(l, 0x80b, 0);
	msr_wr(l, 0x828, 0);
}

static void test_x2apic_icr_and_self_ipi(void **state)
{
	for (unsigned i = 0; i < NCPUS; i++)
		to_x2apic(&lapic[i]);
	msr_wr(&lapic[0], 0x830, (2ULL << 32) | 0x4045);
	assert_int_equal(irr_mask(0x45), 0x4);
	assert_int_equal(msr_rd(&lapic[0], 0x830), (2ULL << 32) | 0x4045);
	/* logical: cluster 0, members 0 and 3 */
	msr_wr(&lapic[1], 0x830, (0x9ULL << 32) | 0x846);
	assert_int_equal(irr_mask(0x46), 0x9);
	/* cluster 1 does not exist here */
	msr_wr(&lapic[1], 0x830, (0x10009ULL << 32) | 0x847);
	assert_int_equal(irr_mask(0x47), 0);
	/* broadcast is 0xffffffff; 0xff is just an ID */
	msr_wr(&lapic[1], 0x830, (0xffffffffULL << 32) | 0x48);
	assert_int_equal(irr_mask(0x48), 0xf);
	msr_wr(&lapic[1], 0x830, (0xffULL << 32) | 0x49);
	assert_int_equal(irr_mask(0x49), 0);
	msr_wr(&lapic[2], 0x83f, 0x4a);
	assert_int_equal(irr_mask(0x4a), 0x4);
	assert_int_equal(msr_rd(&lapic[2], 0x822) & (1u << 10), 1u << 10);
	assert_int_equal(take(&lapic[2]), 0x4a);
	msr_wr(&lapic[2], 0x80b, 0);
	assert_false(vlapic_test_isr(&lapic[2], 0x4a));
}

/* "x2APIC State Transitions" */
static void test_apic_base_transitions(void **state)
{
	struct vlapic *l = &lapic[0];
	const uint64_t base = 0xfee00000 | APIC_BASE_BSP;
	const uint64_t xapic = base | APIC_BASE_EN;
	const uint64_t x2 = xapic | APIC_BASE_EXTD;

	assert_true(msr_wr_gp(l, MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD));
	assert_true(msr_wr_gp(l, MSR_IA32_APIC_BASE, xapic | 1)); /* rsvd */
	assert_true(msr_wr_gp(l, MSR_IA32_APIC_BASE, xapic | BIT(9)));
	msr_wr(l, MSR_IA32_APIC_BASE, x2);
	assert_true(msr_wr_gp(l, MSR_IA32_APIC_BASE, xapic)); /* x2 -> x */
	assert_int_equal(msr_rd(l, MSR_IA32_APIC_BASE), x2);
	msr_wr(l, MSR_IA32_APIC_BASE, base); /* x2 -> disabled */
	assert_false(vlapic_hw_enabled(l));
	assert_int_equal(vlapic_mmio_read(l, 0x30, 4), 0);
	assert_true(msr_rd_gp(l, 0x803));
	assert_true(msr_wr_gp(l, MSR_IA32_APIC_BASE, x2)); /* disabled->x2 */
	msr_wr(l, MSR_IA32_APIC_BASE, xapic); /* disabled -> xAPIC */
	/* back as after reset: software-disabled */
	assert_int_equal(rd(l, APIC_REG_SVR), 0xff);
	assert_false(vlapic_set_irq(l, 0x40, false));
	/* the BSP flag is read-only */
	msr_wr(l, MSR_IA32_APIC_BASE, xapic & ~APIC_BASE_BSP);
	assert_int_equal(msr_rd(l, MSR_IA32_APIC_BASE), xapic);
	/* relocation is recorded */
	msr_wr(l, MSR_IA32_APIC_BASE, 0xfed00000 | APIC_BASE_EN);
	assert_int_equal(vlapic_mmio_base(l), 0xfed00000);
	assert_true(msr_wr_gp(l, 0x6e1, 0));
}

/* ---- timer ------------------------------------------------------------ */

static void test_timer_one_shot_fires_once(void **state)
{
	struct vlapic *l = &lapic[0];

	wr(l, APIC_REG_TIMER_DCR, 0xb); /* divide by 1 */
	wr(l, APIC_REG_LVT_TIMER, 0xec);
	wr(l, APIC_REG_TIMER_ICR, 100);
	assert_int_equal(vlapic_timer_deadline(l), 1000 + 100 * 10);
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 100);
	now = 1000 + 255;
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 75);
	assert_false(vlapic_timer_expire(l, now));
	assert_false(vlapic_test_irr(l, 0xec));
	now = 2000;
	assert_true(vlapic_timer_expire(l, now));
	assert_int_equal(take(l), 0xec);
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 0);
	assert_int_equal(vlapic_timer_deadline(l), VLAPIC_NO_DEADLINE);
	wr(l, APIC_REG_EOI, 0);
	now = 100000;
	assert_false(vlapic_timer_expire(l, now));
	assert_int_equal(vlapic_pending_vector(l), VLAPIC_NO_VECTOR);
	assert_int_equal(rd(l, APIC_REG_TIMER_ICR), 100);
}

/* 1000 periods, each handled a little late: the deadlines stay on the
 * grid start + n * period and every period fires once. */
static void test_timer_periodic_no_drift(void **state)
{
	struct vlapic *l = &lapic[0];
	const uint64_t period = 1000 * 10 * 2; /* count, ticks, divide 2 */
	unsigned fired = 0;

	wr(l, APIC_REG_TIMER_DCR, 0x0);
	wr(l, APIC_REG_LVT_TIMER, 0x20000 | 0xef);
	wr(l, APIC_REG_TIMER_ICR, 1000);
	for (uint64_t n = 1; n <= 1000; n++) {
		uint64_t deadline = 1000 + n * period;

		assert_int_equal(vlapic_timer_deadline(l), deadline);
		now = deadline + (n * 37) % 5000; /* late by up to 5000 */
		assert_true(vlapic_timer_expire(l, now));
		if (take(l) == 0xef) {
			fired++;
			wr(l, APIC_REG_EOI, 0);
		}
		assert_false(vlapic_timer_expire(l, now));
	}
	assert_int_equal(fired, 1000);
	assert_int_equal(vlapic_timer_deadline(l), 1000 + 1001 * period);
	/* current count inside a period */
	now = 1000 + 1001 * period - 10 * 2 * 5;
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 5);
}

/* Far behind, a periodic timer fires once and keeps its grid. */
static void test_timer_periodic_catches_up(void **state)
{
	struct vlapic *l = &lapic[0];

	wr(l, APIC_REG_TIMER_DCR, 0xb);
	wr(l, APIC_REG_LVT_TIMER, 0x20000 | 0xef);
	wr(l, APIC_REG_TIMER_ICR, 10); /* period 100 ticks */
	now = 1000 + 1050;
	assert_true(vlapic_timer_expire(l, now));
	assert_int_equal(vlapic_timer_deadline(l), 1000 + 1100);
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 5);
}

static void test_timer_divide_values(void **state)
{
	static const struct {
		uint32_t dcr, divisor;
	} table[] = {{0x0, 2},	{0x1, 4},  {0x2, 8},   {0x3, 16},
		     {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};
	struct vlapic *l = &lapic[1];

	wr(l, APIC_REG_LVT_TIMER, 0x30);
	for (unsigned i = 0; i < ARRAY_SIZE(table); i++) {
		wr(l, APIC_REG_TIMER_DCR, table[i].dcr);
		wr(l, APIC_REG_TIMER_ICR, 7);
		assert_int_equal(vlapic_timer_deadline(l),
				 now + 7ULL * TICKS_PER_COUNT *
						 table[i].divisor);
	}
}

static void test_timer_zero_count_stops(void **state)
{
	struct vlapic *l = &lapic[0];

	wr(l, APIC_REG_LVT_TIMER, 0x20000 | 0x31);
	wr(l, APIC_REG_TIMER_ICR, 50);
	assert_int_not_equal(vlapic_timer_deadline(l), VLAPIC_NO_DEADLINE);
	now += 100;
	wr(l, APIC_REG_TIMER_ICR, 0);
	assert_int_equal(vlapic_timer_deadline(l), VLAPIC_NO_DEADLINE);
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 0);
	now += 1000000;
	assert_false(vlapic_timer_expire(l, now));
	assert_false(vlapic_test_irr(l, 0x31));
}

/* A masked timer counts down and expires but sets no IRR bit. */
static void test_timer_masked_counts(void **state)
{
	struct vlapic *l = &lapic[0];

	wr(l, APIC_REG_LVT_TIMER, LVT_MASKED | 0x20000 | 0x32);
	wr(l, APIC_REG_TIMER_DCR, 0xb);
	wr(l, APIC_REG_TIMER_ICR, 10);
	now += 35;
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 7);
	now += 100;
	assert_true(vlapic_timer_expire(l, now));
	assert_false(vlapic_test_irr(l, 0x32));
	assert_int_equal(vlapic_timer_deadline(l), 1000 + 200);
	wr(l, APIC_REG_LVT_TIMER, 0x20000 | 0x32); /* unmask */
	now = 1200;
	assert_true(vlapic_timer_expire(l, now));
	assert_true(vlapic_test_irr(l, 0x32));
}

static void test_timer_tsc_deadline(void **state)
{
	struct vlapic *l = &lapic[0];

	/* one-shot mode: the MSR reads 0 and ignores writes */
	msr_wr(l, MSR_IA32_TSC_DEADLINE, 5000);
	assert_int_equal(msr_rd(l, MSR_IA32_TSC_DEADLINE), 0);
	assert_int_equal(vlapic_timer_deadline(l), VLAPIC_NO_DEADLINE);
	wr(l, APIC_REG_TIMER_ICR, 10);
	wr(l, APIC_REG_LVT_TIMER, 0x40000 | 0xd0); /* disarms the count */
	assert_int_equal(vlapic_timer_deadline(l), VLAPIC_NO_DEADLINE);
	assert_int_equal(rd(l, APIC_REG_TIMER_ICR), 0);
	wr(l, APIC_REG_TIMER_ICR, 10); /* ignored in this mode */
	assert_int_equal(rd(l, APIC_REG_TIMER_ICR), 0);
	msr_wr(l, MSR_IA32_TSC_DEADLINE, 5000);
	assert_int_equal(msr_rd(l, MSR_IA32_TSC_DEADLINE), 5000);
	assert_int_equal(vlapic_timer_deadline(l), 5000);
	assert_int_equal(rd(l, APIC_REG_TIMER_CCR), 0);
	assert_false(vlapic_timer_expire(l, 4999));
	assert_true(vlapic_timer_expire(l, 5000));
	assert_int_equal(take(l), 0xd0);
	assert_int_equal(msr_rd(l, MSR_IA32_TSC_DEADLINE), 0); /* disarmed */
	assert_int_equal(vlapic_timer_deadline(l), VLAPIC_NO_DEADLINE);
	/* writing 0 disarms */
	msr_wr(l, MSR_IA32_TSC_DEADLINE, 9000);
	msr_wr(l, MSR_IA32_TSC_DEADLINE, 0);
	assert_false(vlapic_timer_expire(l, 10000));
	/* a deadline in the past fires at the next check */
	msr_wr(l, MSR_IA32_TSC_DEADLINE, 10);
	assert_true(vlapic_timer_expire(l, 10000));
	/* leaving the mode disarms it */
	msr_wr(l, MSR_IA32_TSC_DEADLINE, 20000);
	wr(l, APIC_REG_LVT_TIMER, 0xd0);
	assert_int_equal(vlapic_timer_deadline(l), VLAPIC_NO_DEADLINE);
}

/* ---- the register page under APIC virtualization ----------------------
 * SDM Vol. 3C, "Virtual APIC State": the CPU reads the guest's registers
 * from the virtual-APIC page at their xAPIC offsets. */

static uint32_t page(const struct vlapic *l, uint32_t offset)
{
	return l->regs[offset / 4];
}

static void test_page_holds_registers_at_xapic_offsets(void **state)
{
	struct vlapic *l = &lapic[2];

	assert_int_equal(page(l, 0x20), 2u << 24); /* ID */
	assert_int_equal(page(l, 0x30), 0x50014);  /* version */
	assert_int_equal(page(l, 0xf0), SVR_ON);
	wr(l, APIC_REG_TPR, 0x35);
	assert_int_equal(page(l, 0x80), 0x35);
	assert_int_equal(page(l, 0xa0), 0x35); /* PPR follows TPR */
	wr(l, APIC_REG_LVT_TIMER, 0x20041);
	assert_int_equal(page(l, 0x320), 0x20041);
	wr(l, APIC_REG_LDR, 0xffffffff);
	assert_int_equal(page(l, 0xd0), 0xff000000); /* writable bits only */
	wr(l, APIC_REG_TIMER_DCR, 0xb);
	assert_int_equal(page(l, 0x3e0), 0xb);
	/* IRR 0x200, TMR 0x180, ISR 0x100: 32 vectors a register, 16 bytes
	 * apart */
	assert_true(vlapic_set_irq(l, 0x61, true));
	assert_int_equal(page(l, 0x230), 1u << 1);
	assert_int_equal(page(l, 0x1b0), 1u << 1);
	assert_int_equal(take(l), 0x61);
	assert_int_equal(page(l, 0x230), 0);
	assert_int_equal(page(l, 0x130), 1u << 1);
	assert_int_equal(page(l, 0xa0), 0x60); /* ISR's class beats TPR */
}

static void test_posted_while_cpu_delivers(void **state)
{
	struct vlapic *l = &lapic[1];
	uint64_t bitmap[4];

	vlapic_set_virtual_delivery(l, true);
	/* an IPI from vCPU 0 while vCPU 1 may be in guest mode: posted,
	 * the page untouched */
	ipi(&lapic[0], 1, 0x45);
	assert_int_equal(page(l, 0x220), 0);
	assert_int_equal(l->posted[2], 1u << 5);
	assert_true(vlapic_test_irr(l, 0x45)); /* the model counts it */
	assert_int_equal(vlapic_pending_vector(l), 0x45);
	assert_int_equal(vlapic_highest_irr(l), 0x45);
	/* before entry, on vCPU 1's CPU: into IRR */
	vlapic_sync_posted(l);
	assert_int_equal(page(l, 0x220), 1u << 5);
	assert_int_equal(l->posted[2], 0);
	/* the CPU delivers it (IRR -> ISR, as "Virtual-Interrupt Delivery"
	 * does) and the guest's EOI is virtualized: the model sees ISR */
	l->regs[0x220 / 4] = 0;
	l->regs[0x120 / 4] = 1u << 5;
	assert_int_equal(vlapic_highest_isr(l), 0x45);
	assert_int_equal(vlapic_ppr(l), 0x40);
	/* edge-triggered: no EOI exit wanted, none broadcast */
	vlapic_eoi_exit_bitmap(l, bitmap);
	assert_int_equal(bitmap[1], 0);
	vlapic_virtual_eoi(l, 0x45);
	assert_int_equal(eoi_count, 0);
	/* level-triggered (an IOAPIC line): its EOI must exit and reach the
	 * IOAPIC */
	assert_true(vlapic_set_irq(l, 0x52, true));
	vlapic_eoi_exit_bitmap(l, bitmap);
	assert_int_equal(bitmap[1], 1ull << (0x52 - 64));
	vlapic_virtual_eoi(l, 0x52);
	assert_int_equal(eoi_count, 1);
	assert_int_equal(eoi_log[0], 0x52);
	/* delivery by the CPU ends: what was posted is in IRR */
	vlapic_set_virtual_delivery(l, false);
	assert_int_equal(l->posted[2], 0);
	assert_true(page(l, 0x220) & (1u << (0x52 - 64)));
}

static void test_apic_write_exit(void **state)
{
	struct vlapic *l = &lapic[0];

	/* the guest's write lands in the page, then the exit: the model
	 * does what the write means and keeps only the writable bits */
	/* ICR high: vCPU 3, written in the page without an exit, as the
	 * CPU does; the low half's exit sends */
	l->regs[0x310 / 4] = 3u << 24;
	l->regs[0x300 / 4] = 0x4077;
	vlapic_apic_write(l, 0x300);
	assert_int_equal(irr_mask(0x77), 1u << 3);
	l->regs[0xf0 / 4] = 0xffffffff;
	vlapic_apic_write(l, 0xf0);
	assert_int_equal(page(l, 0xf0), 0x3ff);
	assert_int_equal(rd(l, APIC_REG_SVR), 0x3ff);
	/* a register the model refuses (self IPI is x2APIC-only): the page
	 * forgets the write, nothing is sent */
	l->regs[0x3f0 / 4] = 0x66;
	vlapic_apic_write(l, 0x3f0);
	assert_int_equal(page(l, 0x3f0), 0);
	assert_int_equal(irr_mask(0x66), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_power_up_state, setup),
		cmocka_unit_test_setup(test_software_disable_drops_and_masks,
				       setup),
		cmocka_unit_test_setup(test_highest_vector_wins, setup),
		cmocka_unit_test_setup(test_tpr_masks_by_class, setup),
		cmocka_unit_test_setup(test_ppr_follows_isr, setup),
		cmocka_unit_test_setup(test_eoi_order, setup),
		cmocka_unit_test_setup(test_level_eoi_broadcast, setup),
		cmocka_unit_test_setup(test_illegal_vector_sets_esr, setup),
		cmocka_unit_test_setup(test_ipi_physical, setup),
		cmocka_unit_test_setup(test_ipi_logical_flat, setup),
		cmocka_unit_test_setup(test_ipi_logical_cluster, setup),
		cmocka_unit_test_setup(test_ipi_shorthands, setup),
		cmocka_unit_test_setup(test_ipi_lowest_priority, setup),
		cmocka_unit_test_setup(test_ipi_nmi, setup),
		cmocka_unit_test_setup(test_init_sipi, setup),
		cmocka_unit_test_setup(test_lint_pins, setup),
		cmocka_unit_test_setup(test_mmio_odd_accesses, setup),
		cmocka_unit_test_setup(test_x2apic_registers, setup),
		cmocka_unit_test_setup(test_x2apic_ldr_from_id, setup),
		cmocka_unit_test_setup(test_x2apic_gp_cases, setup),
		cmocka_unit_test_setup(test_x2apic_icr_and_self_ipi, setup),
		cmocka_unit_test_setup(test_apic_base_transitions, setup),
		cmocka_unit_test_setup(test_timer_one_shot_fires_once, setup),
		cmocka_unit_test_setup(test_timer_periodic_no_drift, setup),
		cmocka_unit_test_setup(test_timer_periodic_catches_up, setup),
		cmocka_unit_test_setup(test_timer_divide_values, setup),
		cmocka_unit_test_setup(test_timer_zero_count_stops, setup),
		cmocka_unit_test_setup(test_timer_masked_counts, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
		cmocka_unit_test_setup(
			test_page_holds_registers_at_xapic_offsets, setup),
		cmocka_unit_test_setup(test_posted_while_cpu_delivers, setup),
		cmocka_unit_test_setup(test_apic_write_exit, setup),
	};
	return cmocka_run_group_tests_name("vlapic", tests, NULL, NULL);
}
