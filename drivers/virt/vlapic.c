/*
 * drivers/virt/vlapic.c - registers and interrupt acceptance of the local
 * APIC a vCPU sees. Pure logic, run on the vCPU's CPU in APIC-access and
 * MSR exits and before VM entry; unit-tested on the host.
 * SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)":
 * "Local APIC Register Address Map", "x2APIC Register Address Space",
 * "Reserved Bit Checking", "Task and Processor Priorities",
 * "Interrupt Acceptance for Fixed Interrupts", "Signaling Interrupt
 * Servicing Completion", "Error Handling", "x2APIC State Transitions".
 */
#include "drivers/virt/vlapic.h"
#include "lib/string.h"

#define APIC_VERSION	  0x14 /* integrated APIC */
#define VERSION_MAX_LVT	  ((LVT_COUNT - 1) << 16)
#define SVR_RESET	  0xffu
#define SVR_WRITABLE	  0x3ffu
#define DFR_MODEL	  0xf0000000u
#define DFR_RESET	  0xffffffffu
#define XAPIC_LDR_ID	  0xff000000u
#define XAPIC_ID_SHIFT	  24
#define ICR_LO_WRITABLE	  0x000ccfffu
#define ICR_DELIVERY_MODE 8
#define ICR_LOGICAL	  BIT(11)
#define ICR_LEVEL	  BIT(14)
#define ICR_TRIGGER_LEVEL BIT(15)
#define ICR_SHORTHAND	  18
#define PRIO_CLASS	  0xf0u

/* What each register allows ("Local APIC Register Address Map",
 * "x2APIC Register Address Space"); an index without R or W is
 * reserved. */
#define R	   0x01 /* readable */
#define W	   0x02 /* writable */
#define XAPIC_ONLY 0x04 /* absent in x2APIC mode: #GP */
#define X2_ONLY	   0x08 /* absent in xAPIC mode */
#define X2_RO	   0x10 /* writable in xAPIC mode only */

struct reg_rule {
	uint8_t flags;
	uint32_t writable; /* bits a write may set; others reserved */
};

#define LVT_RULE(mask)        \
	{                     \
		R | W, (mask) \
	}
#define LVT_TIMER_BITS (LVT_VECTOR | LVT_MASKED | LVT_TIMER_MODE)
#define LVT_INTR_BITS  (LVT_VECTOR | LVT_DELIVERY_MODE | LVT_MASKED)
#define LVT_LINT_BITS  (LVT_INTR_BITS | LVT_POLARITY_LOW | LVT_TRIGGER_LEVEL)
#define LVT_ERROR_BITS (LVT_VECTOR | LVT_MASKED)

static const struct reg_rule reg_rules[APIC_REG_COUNT] = {
	[APIC_REG_ID] = {R, 0},
	[APIC_REG_VERSION] = {R, 0},
	[APIC_REG_TPR] = {R | W, 0xff},
	[APIC_REG_APR] = {R | XAPIC_ONLY, 0},
	[APIC_REG_PPR] = {R, 0},
	[APIC_REG_EOI] = {W, 0},
	[APIC_REG_RRD] = {R | XAPIC_ONLY, 0},
	[APIC_REG_LDR] = {R | W | X2_RO, XAPIC_LDR_ID},
	[APIC_REG_DFR] = {R | W | XAPIC_ONLY, DFR_MODEL},
	[APIC_REG_SVR] = {R | W, SVR_WRITABLE},
	[APIC_REG_ISR0... APIC_REG_IRR0 + 7] = {R, 0},
	[APIC_REG_ESR] = {R | W, 0},
	[APIC_REG_ICR_LO] = {R | W, ICR_LO_WRITABLE},
	[APIC_REG_ICR_HI] = {R | W | XAPIC_ONLY, XAPIC_LDR_ID},
	[APIC_REG_LVT_TIMER] = LVT_RULE(LVT_TIMER_BITS),
	[APIC_REG_LVT_THERMAL] = LVT_RULE(LVT_INTR_BITS),
	[APIC_REG_LVT_PERF] = LVT_RULE(LVT_INTR_BITS),
	[APIC_REG_LVT_LINT0] = LVT_RULE(LVT_LINT_BITS),
	[APIC_REG_LVT_LINT1] = LVT_RULE(LVT_LINT_BITS),
	[APIC_REG_LVT_ERROR] = LVT_RULE(LVT_ERROR_BITS),
	[APIC_REG_TIMER_ICR] = {R | W, 0xffffffffu},
	[APIC_REG_TIMER_CCR] = {R, 0},
	[APIC_REG_TIMER_DCR] = {R | W, 0xb},
	[APIC_REG_SELF_IPI] = {W | X2_ONLY, LVT_VECTOR},
};

/* ---- the register page ------------------------------------------------ */

#define REG(l, r) ((l)->regs[(r)*4])

/* Copy the registers the model keeps in fields into the page, where the
 * CPU reads them for the guest under APIC-register virtualization. */
static void vlapic_mirror(struct vlapic *l)
{
	REG(l, APIC_REG_ID) =
		vlapic_x2apic(l) ? l->id : l->id << XAPIC_ID_SHIFT;
	REG(l, APIC_REG_VERSION) = APIC_VERSION | VERSION_MAX_LVT;
	REG(l, APIC_REG_LDR) = l->ldr;
	REG(l, APIC_REG_DFR) = l->dfr;
	REG(l, APIC_REG_SVR) = l->svr;
	REG(l, APIC_REG_ESR) = l->esr;
	REG(l, APIC_REG_ICR_LO) = l->icr_lo;
	for (unsigned i = 0; i < LVT_COUNT; i++)
		REG(l, APIC_REG_LVT_TIMER + i) = l->lvt[i];
	REG(l, APIC_REG_TIMER_ICR) = l->timer_initial;
	REG(l, APIC_REG_TIMER_DCR) = l->timer_dcr;
	REG(l, APIC_REG_EOI) = 0;
}

/* ---- state ------------------------------------------------------------ */

bool vlapic_hw_enabled(const struct vlapic *l)
{
	return l->apic_base & APIC_BASE_EN;
}

bool vlapic_x2apic(const struct vlapic *l)
{
	return vlapic_hw_enabled(l) && (l->apic_base & APIC_BASE_EXTD);
}

bool vlapic_sw_enabled(const struct vlapic *l)
{
	return vlapic_hw_enabled(l) && (l->svr & SVR_SW_ENABLE);
}

gpa_t vlapic_mmio_base(const struct vlapic *l)
{
	return l->apic_base & APIC_BASE_ADDR;
}

/* "Logical Destination Mode": in x2APIC mode the LDR is the cluster
 * (ID[19:4]) and one bit of sixteen (ID[3:0]). */
static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Registers as after power-up or INIT ("Local APIC State After
 * Power-Up or Reset"): everything but the ID and IA32_APIC_BASE. */
static void vlapic_reset_regs(struct vlapic *l)
{
	for (unsigned i = 0; i < ARRAY_SIZE(l->regs); i++)
		l->regs[i] = 0;
	for (unsigned i = 0; i < 8; i++)
		__atomic_store_n(&l->posted[i], 0, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < LVT_COUNT; i++)
		l->lvt[i] = LVT_MASKED;
	l->esr = l->esr_pending = l->icr_lo = 0;
	l->ldr = vlapic_x2apic(l) ? x2apic_ldr(l->id) : 0;
	l->dfr = DFR_RESET;
	l->svr = SVR_RESET;
	l->lint_level[0] = l->lint_level[1] = false;
	l->nmi_pending = l->extint_pending = false;
	vlapic_timer_reset(l);
	vlapic_mirror(l);
}

void vlapic_init(struct vlapic *l, uint32_t index, uint32_t id, bool bsp,
		 uint32_t ticks_per_count, const struct vlapic_ops *ops)
{
	/* A reset of the VM keeps the vCPU's VMCS controls, so the way
	 * the CPU delivers interrupts stays what vmx/ set. */
	bool virtual_delivery = l->virtual_delivery;

	memset(l, 0, sizeof(*l));
	l->id = id;
	l->index = index;
	l->apic_base =
		VLAPIC_DEFAULT_BASE | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0);
	l->ticks_per_count = ticks_per_count ? ticks_per_count : 1;
	l->mp_state = bsp ? VLAPIC_MP_RUNNING : VLAPIC_MP_WAIT_FOR_SIPI;
	l->ops = *ops;
	l->virtual_delivery = virtual_delivery;
	vlapic_reset_regs(l);
}

/* ---- the 256-bit registers -------------------------------------------- */

/* ISR, TMR and IRR are eight registers of 32 vectors each, 16 bytes
 * apart; `base` is the first one's index. IRR's words include what is
 * posted but not yet moved in. */
static uint32_t vec_word(const struct vlapic *l, unsigned base, unsigned i)
{
	uint32_t w = REG(l, base + i);

	if (base == APIC_REG_IRR0)
		w |= __atomic_load_n(&l->posted[i], __ATOMIC_RELAXED);
	return w;
}

static bool bit_test(const struct vlapic *l, unsigned base, uint8_t vector)
{
	return vec_word(l, base, vector / 32) & (1u << (vector % 32));
}

static void bit_set(struct vlapic *l, unsigned base, uint8_t vector)
{
	REG(l, base + vector / 32) |= 1u << (vector % 32);
}

static void bit_clear(struct vlapic *l, unsigned base, uint8_t vector)
{
	REG(l, base + vector / 32) &= ~(1u << (vector % 32));
}

static int highest_bit(const struct vlapic *l, unsigned base)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = vec_word(l, base, (unsigned)i);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return VLAPIC_NO_VECTOR;
}

bool vlapic_test_irr(const struct vlapic *l, uint8_t vector)
{
	return bit_test(l, APIC_REG_IRR0, vector);
}

bool vlapic_test_isr(const struct vlapic *l, uint8_t vector)
{
	return bit_test(l, APIC_REG_ISR0, vector);
}

bool vlapic_test_tmr(const struct vlapic *l, uint8_t vector)
{
	return bit_test(l, APIC_REG_TMR0, vector);
}

uint8_t vlapic_tpr(const struct vlapic *l)
{
	return (uint8_t)REG(l, APIC_REG_TPR);
}

int vlapic_highest_irr(const struct vlapic *l)
{
	return highest_bit(l, APIC_REG_IRR0);
}

int vlapic_highest_isr(const struct vlapic *l)
{
	return highest_bit(l, APIC_REG_ISR0);
}

/* ---- priorities ("Task and Processor Priorities") --------------------- */

uint8_t vlapic_ppr(const struct vlapic *l)
{
	int isrv = highest_bit(l, APIC_REG_ISR0);
	uint8_t isr_class = isrv < 0 ? 0 : (uint8_t)(isrv & PRIO_CLASS);
	uint8_t tpr = vlapic_tpr(l);

	if ((tpr & PRIO_CLASS) >= isr_class)
		return tpr;
	return isr_class;
}

/* PPR as the page holds it: the CPU reads it for the guest, and keeps
 * it itself under virtual-interrupt delivery ("PPR Virtualization"). */
static void vlapic_update_ppr(struct vlapic *l)
{
	REG(l, APIC_REG_PPR) = vlapic_ppr(l);
}

/* "Arbitration Priority Register (APR)" */
static uint8_t vlapic_apr(const struct vlapic *l)
{
	int isrv = highest_bit(l, APIC_REG_ISR0);
	int irrv = highest_bit(l, APIC_REG_IRR0);
	int top = MAX(isrv, irrv);
	uint8_t top_class = top < 0 ? 0 : (uint8_t)(top & PRIO_CLASS);
	uint8_t tpr = vlapic_tpr(l);

	if ((tpr & PRIO_CLASS) >= top_class)
		return tpr;
	return top_class;
}

int vlapic_pending_vector(const struct vlapic *l)
{
	int irrv = highest_bit(l, APIC_REG_IRR0);

	if (irrv < 0 || (irrv & PRIO_CLASS) <= (vlapic_ppr(l) & PRIO_CLASS))
		return VLAPIC_NO_VECTOR;
	return irrv;
}

void vlapic_ack(struct vlapic *l, uint8_t vector)
{
	vlapic_sync_posted(l);
	bit_clear(l, APIC_REG_IRR0, vector);
	bit_set(l, APIC_REG_ISR0, vector);
	vlapic_update_ppr(l);
}

/* A fixed interrupt into IRR, or into `posted` while the CPU may be
 * delivering from the page. */
static void irr_set(struct vlapic *l, uint8_t vector)
{
	if (l->virtual_delivery)
		__atomic_fetch_or(&l->posted[vector / 32], 1u << (vector % 32),
				  __ATOMIC_SEQ_CST);
	else
		bit_set(l, APIC_REG_IRR0, vector);
}

/* ---- acceptance ------------------------------------------------------- */

/* "Error Handling": latch the error and signal it through LVT Error. */
static void vlapic_error(struct vlapic *l, uint32_t esr_bits)
{
	uint32_t lvt = l->lvt[LVT_ERROR];
	uint8_t vector = (uint8_t)(lvt & LVT_VECTOR);

	l->esr_pending |= esr_bits;
	if (!(lvt & LVT_MASKED) && vector >= 16 && vlapic_sw_enabled(l)) {
		bit_clear(l, APIC_REG_TMR0, vector);
		irr_set(l, vector);
	}
}

bool vlapic_set_irq(struct vlapic *l, uint8_t vector, bool trigger_level)
{
	if (!vlapic_sw_enabled(l))
		return false;
	if (vector < 16) {
		vlapic_error(l, ESR_RECEIVE_ILLEGAL);
		return false;
	}
	/* TMR first: whoever sees the IRR bit sees the right trigger */
	if (trigger_level)
		bit_set(l, APIC_REG_TMR0, vector);
	else
		bit_clear(l, APIC_REG_TMR0, vector);
	irr_set(l, vector);
	return true;
}

/* "Signaling Interrupt Servicing Completion": EOI retires the highest
 * ISR bit; a level-triggered one is broadcast to the IOAPICs. */
static void vlapic_eoi(struct vlapic *l)
{
	int vector = highest_bit(l, APIC_REG_ISR0);

	if (vector < 0)
		return;
	bit_clear(l, APIC_REG_ISR0, (uint8_t)vector);
	vlapic_update_ppr(l);
	vlapic_virtual_eoi(l, (uint8_t)vector);
}

void vlapic_virtual_eoi(struct vlapic *l, uint8_t vector)
{
	if (bit_test(l, APIC_REG_TMR0, vector) && l->ops.eoi_broadcast)
		l->ops.eoi_broadcast(l->ops.ctx, vector);
}

/* ---- APIC virtualization ---------------------------------------------- */

void vlapic_sync_posted(struct vlapic *l)
{
	for (unsigned i = 0; i < 8; i++) {
		uint32_t w =
			__atomic_exchange_n(&l->posted[i], 0, __ATOMIC_SEQ_CST);

		REG(l, APIC_REG_IRR0 + i) |= w;
	}
}

void vlapic_set_virtual_delivery(struct vlapic *l, bool on)
{
	l->virtual_delivery = on;
	vlapic_sync_posted(l);
	vlapic_update_ppr(l);
}

void vlapic_eoi_exit_bitmap(const struct vlapic *l, uint64_t bitmap[4])
{
	for (unsigned i = 0; i < 4; i++)
		bitmap[i] = REG(l, APIC_REG_TMR0 + 2 * i) |
			    (uint64_t)REG(l, APIC_REG_TMR0 + 2 * i + 1) << 32;
}

void vlapic_nmi(struct vlapic *l)
{
	if (vlapic_hw_enabled(l))
		l->nmi_pending = true;
}

void vlapic_extint(struct vlapic *l)
{
	if (vlapic_hw_enabled(l))
		l->extint_pending = true;
}

void vlapic_init_received(struct vlapic *l)
{
	vlapic_reset_regs(l);
	l->mp_state = VLAPIC_MP_WAIT_FOR_SIPI;
}

void vlapic_sipi_received(struct vlapic *l, uint8_t vector)
{
	if (l->mp_state != VLAPIC_MP_WAIT_FOR_SIPI)
		return; /* a running CPU, or a second SIPI: ignored */
	l->sipi_vector = vector;
	l->mp_state = VLAPIC_MP_STARTUP;
}

void vlapic_started(struct vlapic *l)
{
	if (l->mp_state == VLAPIC_MP_STARTUP)
		l->mp_state = VLAPIC_MP_RUNNING;
}

/* The LINT pins take effect on a rising edge, as their LVT says. */
void vlapic_set_lint(struct vlapic *l, unsigned pin, bool level)
{
	uint32_t lvt;
	bool rising;

	if (pin > 1)
		return;
	lvt = l->lvt[LVT_LINT0 + pin];
	rising = level && !l->lint_level[pin];
	l->lint_level[pin] = level;
	if (!rising || (lvt & LVT_MASKED) || !vlapic_hw_enabled(l))
		return;
	switch ((lvt & LVT_DELIVERY_MODE) >> 8) {
	case APIC_DM_FIXED:
		vlapic_set_irq(l, (uint8_t)(lvt & LVT_VECTOR),
			       lvt & LVT_TRIGGER_LEVEL);
		break;
	case APIC_DM_NMI: vlapic_nmi(l); break;
	case APIC_DM_EXTINT: vlapic_extint(l); break;
	default: break;
	}
}

bool vlapic_accepts_pic(const struct vlapic *l)
{
	uint32_t lint0 = l->lvt[LVT_LINT0];

	if (!vlapic_hw_enabled(l))
		return true;
	return !(lint0 & LVT_MASKED) &&
	       (lint0 & LVT_DELIVERY_MODE) == (APIC_DM_EXTINT << 8);
}

/* ---- IPIs ("Interrupt Command Register (ICR)") ------------------------ */

/* ICR's high half lives only in the page: under APIC-register
 * virtualization the guest writes it there without an exit, and the
 * write of the low half (which exits) sends with it. The guest may have
 * set reserved bits there: only the destination field counts. */
static uint32_t vlapic_icr_hi(const struct vlapic *l)
{
	uint32_t hi = REG(l, APIC_REG_ICR_HI);

	return vlapic_x2apic(l) ? hi : hi & XAPIC_LDR_ID;
}

static void vlapic_send_ipi(struct vlapic *l)
{
	uint32_t lo = l->icr_lo;
	struct apic_msg m = {
		.dest = vlapic_x2apic(l) ? vlapic_icr_hi(l)
					 : vlapic_icr_hi(l) >> XAPIC_ID_SHIFT,
		.logical = lo & ICR_LOGICAL,
		.shorthand = (uint8_t)((lo >> ICR_SHORTHAND) & 3),
		.delivery_mode = (uint8_t)((lo >> ICR_DELIVERY_MODE) & 7),
		.vector = (uint8_t)lo,
		.level = lo & ICR_LEVEL,
		.trigger_level = lo & ICR_TRIGGER_LEVEL,
		.x2apic_format = vlapic_x2apic(l),
	};
	bool fixed = m.delivery_mode == APIC_DM_FIXED ||
		     m.delivery_mode == APIC_DM_LOWEST;

	if (fixed && m.vector < 16) {
		vlapic_error(l, ESR_SEND_ILLEGAL);
		return;
	}
	if (m.shorthand == APIC_DEST_SELF) {
		/* only fixed is defined for "self" */
		if (m.delivery_mode == APIC_DM_FIXED)
			vlapic_set_irq(l, m.vector, m.trigger_level);
		return;
	}
	if (l->ops.deliver)
		l->ops.deliver(l->ops.ctx, l, &m);
}

/* ---- register reads --------------------------------------------------- */

static uint32_t vlapic_reg_value(struct vlapic *l, unsigned reg)
{
	bool x2 = vlapic_x2apic(l);

	if (reg >= APIC_REG_ISR0 && reg < APIC_REG_IRR0 + 8)
		return vec_word(l, reg & ~7u, reg & 7u);
	if (reg >= APIC_REG_LVT_TIMER && reg <= APIC_REG_LVT_ERROR)
		return l->lvt[reg - APIC_REG_LVT_TIMER];
	switch (reg) {
	case APIC_REG_ID: return x2 ? l->id : l->id << XAPIC_ID_SHIFT;
	case APIC_REG_VERSION: return APIC_VERSION | VERSION_MAX_LVT;
	case APIC_REG_TPR: return vlapic_tpr(l);
	case APIC_REG_APR: return vlapic_apr(l);
	case APIC_REG_PPR: return vlapic_ppr(l);
	case APIC_REG_LDR: return l->ldr;
	case APIC_REG_DFR: return l->dfr;
	case APIC_REG_SVR: return l->svr;
	case APIC_REG_ESR: return l->esr;
	case APIC_REG_ICR_LO: return l->icr_lo;
	case APIC_REG_ICR_HI: return vlapic_icr_hi(l);
	case APIC_REG_TIMER_ICR: return l->timer_initial;
	case APIC_REG_TIMER_CCR:
		return vlapic_timer_current(l, l->ops.now(l->ops.ctx));
	case APIC_REG_TIMER_DCR: return l->timer_dcr;
	default: return 0;
	}
}

/* ---- register writes -------------------------------------------------- */

static void vlapic_write_svr(struct vlapic *l, uint32_t value)
{
	l->svr = value & SVR_WRITABLE;
	if (!(l->svr & SVR_SW_ENABLE))
		for (unsigned i = 0; i < LVT_COUNT; i++)
			l->lvt[i] |= LVT_MASKED;
}

static void vlapic_write_lvt(struct vlapic *l, unsigned reg, uint32_t value)
{
	unsigned i = reg - APIC_REG_LVT_TIMER;

	value &= reg_rules[reg].writable;
	if (!vlapic_sw_enabled(l))
		value |= LVT_MASKED; /* "Local Vector Table": stays masked */
	if (i == LVT_TIMER)
		vlapic_timer_write_lvt(l, value);
	else
		l->lvt[i] = value;
}

/* value already holds only writable bits */
static void vlapic_reg_apply(struct vlapic *l, unsigned reg, uint32_t value)
{
	if (reg >= APIC_REG_LVT_TIMER && reg <= APIC_REG_LVT_ERROR) {
		vlapic_write_lvt(l, reg, value);
		return;
	}
	switch (reg) {
	case APIC_REG_TPR:
		REG(l, APIC_REG_TPR) = value;
		vlapic_update_ppr(l);
		break;
	case APIC_REG_EOI: vlapic_eoi(l); break;
	case APIC_REG_LDR: l->ldr = value; break;
	case APIC_REG_DFR: l->dfr = value | ~DFR_MODEL; break;
	case APIC_REG_SVR: vlapic_write_svr(l, value); break;
	case APIC_REG_ESR:
		/* a write latches the errors seen since the last one */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		break;
	case APIC_REG_ICR_LO:
		l->icr_lo = value;
		vlapic_send_ipi(l);
		break;
	case APIC_REG_ICR_HI: REG(l, APIC_REG_ICR_HI) = value; break;
	case APIC_REG_TIMER_ICR: vlapic_timer_write_initial(l, value); break;
	case APIC_REG_TIMER_DCR: vlapic_timer_write_dcr(l, value); break;
	case APIC_REG_SELF_IPI: vlapic_set_irq(l, (uint8_t)value, false); break;
	default: break;
	}
}

static void vlapic_reg_write(struct vlapic *l, unsigned reg, uint32_t value)
{
	vlapic_reg_apply(l, reg, value);
	vlapic_mirror(l);
}

void vlapic_apic_write(struct vlapic *l, uint32_t offset)
{
	unsigned reg = (offset / 16) % APIC_REG_COUNT;

	vlapic_mmio_write(l, offset & ~3u, 4, REG(l, reg));
	/* the page holds what a read gives (0 where the guest may not
	 * read): a write the model refused leaves no trace */
	if (reg < APIC_REG_ISR0 || reg >= APIC_REG_IRR0 + 8)
		REG(l, reg) = vlapic_mmio_read(l, reg * 16, 4);
	vlapic_mirror(l);
}

/* ---- the xAPIC page --------------------------------------------------- */

static bool xapic_has(unsigned reg, uint8_t flag)
{
	uint8_t f = reg_rules[reg].flags;

	return (f & flag) && !(f & X2_ONLY);
}

uint32_t vlapic_mmio_read(struct vlapic *l, uint32_t offset, unsigned size)
{
	unsigned reg = (offset / 16) % APIC_REG_COUNT;
	unsigned byte = offset % 16;
	uint32_t value;

	if (!vlapic_hw_enabled(l) || vlapic_x2apic(l) ||
	    offset >= VLAPIC_PAGE_SIZE ||
	    (size != 1 && size != 2 && size != 4) || byte + size > 4) {
		l->ignored_accesses++;
		return 0;
	}
	if (!xapic_has(reg, R))
		return 0;
	value = vlapic_reg_value(l, reg) >> (byte * 8);
	return size == 4 ? value : value & ((1u << (size * 8)) - 1);
}

void vlapic_mmio_write(struct vlapic *l, uint32_t offset, unsigned size,
		       uint32_t value)
{
	unsigned reg = (offset / 16) % APIC_REG_COUNT;

	if (!vlapic_hw_enabled(l) || vlapic_x2apic(l) ||
	    offset >= VLAPIC_PAGE_SIZE || size != 4 || offset % 16 ||
	    !xapic_has(reg, W)) {
		l->ignored_accesses++;
		return;
	}
	vlapic_reg_write(l, reg, value & reg_rules[reg].writable);
}

/* ---- x2APIC MSRs ------------------------------------------------------ */

static bool x2apic_has(unsigned reg, uint8_t flag)
{
	uint8_t f = reg_rules[reg].flags;

	return (f & flag) && !(f & XAPIC_ONLY);
}

static enum vlapic_result x2apic_read(struct vlapic *l, unsigned reg,
				      uint64_t *value)
{
	if (!vlapic_x2apic(l) || reg >= APIC_REG_COUNT || !x2apic_has(reg, R))
		return VLAPIC_INVALID;
	*value = vlapic_reg_value(l, reg);
	if (reg == APIC_REG_ICR_LO)
		*value |= (uint64_t)vlapic_icr_hi(l) << 32;
	return VLAPIC_OK;
}

static enum vlapic_result x2apic_write(struct vlapic *l, unsigned reg,
				       uint64_t value)
{
	uint64_t writable;

	if (!vlapic_x2apic(l) || reg >= APIC_REG_COUNT || !x2apic_has(reg, W) ||
	    (reg_rules[reg].flags & X2_RO))
		return VLAPIC_INVALID;
	writable = reg_rules[reg].writable;
	if (reg == APIC_REG_ICR_LO)
		writable |= 0xffffffff00000000ULL; /* 64-bit, dest in 63:32 */
	if (value & ~writable)
		return VLAPIC_INVALID; /* "Reserved Bit Checking" */
	if (reg == APIC_REG_ICR_LO)
		REG(l, APIC_REG_ICR_HI) = (uint32_t)(value >> 32);
	vlapic_reg_write(l, reg, (uint32_t)value);
	return VLAPIC_OK;
}

/* ---- IA32_APIC_BASE ("x2APIC State Transitions") ---------------------- */

enum apic_mode { MODE_DISABLED, MODE_INVALID, MODE_XAPIC, MODE_X2APIC };

static enum apic_mode apic_mode(uint64_t base)
{
	bool en = base & APIC_BASE_EN, extd = base & APIC_BASE_EXTD;

	if (!en)
		return extd ? MODE_INVALID : MODE_DISABLED;
	return extd ? MODE_X2APIC : MODE_XAPIC;
}

static enum vlapic_result vlapic_write_apic_base(struct vlapic *l,
						 uint64_t value)
{
	enum apic_mode from = apic_mode(l->apic_base), to = apic_mode(value);

	if ((value & APIC_BASE_RESERVED) || to == MODE_INVALID ||
	    (from == MODE_X2APIC && to == MODE_XAPIC) ||
	    (from == MODE_DISABLED && to == MODE_X2APIC))
		return VLAPIC_INVALID;
	/* the BSP flag is the platform's, not software's */
	l->apic_base =
		(value & ~APIC_BASE_BSP) | (l->apic_base & APIC_BASE_BSP);
	if (to == MODE_DISABLED && from != MODE_DISABLED)
		vlapic_reset_regs(l);
	if (to == MODE_X2APIC && from == MODE_XAPIC)
		l->ldr = x2apic_ldr(l->id);
	vlapic_mirror(l);
	return VLAPIC_OK;
}

bool vlapic_msr_is_apic(uint32_t msr)
{
	return msr == MSR_IA32_APIC_BASE || msr == MSR_IA32_TSC_DEADLINE ||
	       (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

enum vlapic_result vlapic_msr_read(struct vlapic *l, uint32_t msr,
				   uint64_t *value)
{
	*value = 0;
	if (msr == MSR_IA32_APIC_BASE) {
		*value = l->apic_base;
		return VLAPIC_OK;
	}
	if (msr == MSR_IA32_TSC_DEADLINE) {
		*value = vlapic_timer_read_tsc_deadline(l);
		return VLAPIC_OK;
	}
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return x2apic_read(l, msr - MSR_X2APIC_FIRST, value);
	return VLAPIC_INVALID;
}

enum vlapic_result vlapic_msr_write(struct vlapic *l, uint32_t msr,
				    uint64_t value)
{
	if (msr == MSR_IA32_APIC_BASE)
		return vlapic_write_apic_base(l, value);
	if (msr == MSR_IA32_TSC_DEADLINE) {
		vlapic_timer_write_tsc_deadline(l, value);
		return VLAPIC_OK;
	}
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return x2apic_write(l, msr - MSR_X2APIC_FIRST, value);
	return VLAPIC_INVALID;
}
