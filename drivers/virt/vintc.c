/*
 * drivers/virt/vintc.c - a VM's local APICs, IOAPIC and 8259 wired
 * together, and the decision of what to inject at VM entry. Pure logic;
 * unit-tested on the host.
 * SDM Vol. 3C, "Event Injection", "Interruptibility State" (NMI is held
 * off by MOV-SS/STI blocking and NMI blocking, external interrupts by
 * RFLAGS.IF = 0 and STI/MOV-SS blocking).
 */
#include "drivers/virt/vintc.h"
#include "drivers/virt/pc_platform.h"

static void vintc_kick(struct vintc *vi, uint64_t vcpus)
{
	if (vcpus && vi->ops.kick)
		vi->ops.kick(vi->ops.ctx, vcpus);
}

static void lapic_deliver(void *ctx, struct vlapic *src,
			  const struct apic_msg *m)
{
	struct vintc *vi = ctx;

	vintc_kick(vi, vlapic_route_deliver(vi->lapic, vi->vcpus, src, m));
}

static void ioapic_deliver(void *ctx, const struct apic_msg *m)
{
	struct vintc *vi = ctx;

	vintc_kick(vi, vlapic_route_deliver(vi->lapic, vi->vcpus, NULL, m));
}

static void eoi_broadcast(void *ctx, uint8_t vector)
{
	struct vintc *vi = ctx;

	ioapic_eoi(&vi->ioapic, vector);
}

/* The line of pin gsi sampled again at its EOI; its ISA IRQ at the
 * 8259 follows (pins 1 to 15 other than the PIT's pin 2 are the ISA
 * IRQs of the same number; pin 0 is the 8259's own output). */
static void ioapic_eoi_resample(void *ctx, unsigned gsi)
{
	struct vintc *vi = ctx;
	bool level;

	if (!vi->ops.resample || !vi->ops.resample(vi->ops.ctx, gsi, &level))
		return;
	if (gsi > 0 && gsi < VINTC_ISA_IRQS && gsi != PC_GSI_PIT)
		pic8259_set_irq(&vi->pic, gsi, level);
	ioapic_set_irq(&vi->ioapic, gsi, level);
}

static uint64_t vintc_now(void *ctx)
{
	struct vintc *vi = ctx;

	return vi->ops.now(vi->ops.ctx);
}

static void pic_raise(void *ctx)
{
	vintc_kick(ctx, BIT(VINTC_EXTINT_CPU));
}

void vintc_init(struct vintc *vi, uint8_t ioapic_id,
		const struct vintc_ops *ops)
{
	const struct ioapic_ops io_ops = {ioapic_deliver, vi,
					  ioapic_eoi_resample};

	*vi = (struct vintc){.ops = *ops};
	ioapic_init(&vi->ioapic, ioapic_id, &io_ops);
	pic8259_init(&vi->pic, pic_raise, vi);
}

void vintc_attach(struct vintc *vi, unsigned i, struct vlapic *l,
		  uint32_t ticks_per_count)
{
	const struct vlapic_ops ops = {lapic_deliver, eoi_broadcast, vintc_now,
				       vi};

	if (i >= VINTC_VCPUS_MAX)
		return;
	vlapic_init(l, i, i, i == 0, ticks_per_count, &ops);
	vi->lapic[i] = l;
	vi->vcpus = MAX(vi->vcpus, i + 1);
}

/* ---- guest-physical accesses ------------------------------------------ */

static bool in_window(gpa_t gpa, gpa_t base, uint32_t size)
{
	return gpa >= base && gpa - base < size;
}

bool vintc_mmio_read(struct vintc *vi, unsigned i, gpa_t gpa, unsigned size,
		     uint32_t *value)
{
	struct vlapic *l = vi->lapic[i];

	if (vlapic_hw_enabled(l) && !vlapic_x2apic(l) &&
	    in_window(gpa, vlapic_mmio_base(l), VLAPIC_PAGE_SIZE)) {
		*value = vlapic_mmio_read(l, (uint32_t)(gpa & 0xfff), size);
		return true;
	}
	if (in_window(gpa, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE)) {
		*value = ioapic_mmio_read(&vi->ioapic, (uint32_t)(gpa & 0xfff),
					  size);
		return true;
	}
	return false;
}

bool vintc_mmio_write(struct vintc *vi, unsigned i, gpa_t gpa, unsigned size,
		      uint32_t value)
{
	struct vlapic *l = vi->lapic[i];

	if (vlapic_hw_enabled(l) && !vlapic_x2apic(l) &&
	    in_window(gpa, vlapic_mmio_base(l), VLAPIC_PAGE_SIZE)) {
		vlapic_mmio_write(l, (uint32_t)(gpa & 0xfff), size, value);
		return true;
	}
	if (in_window(gpa, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE)) {
		ioapic_mmio_write(&vi->ioapic, (uint32_t)(gpa & 0xfff), size,
				  value);
		return true;
	}
	return false;
}

/* ISA IRQ 0 (the PIT) reaches IOAPIC pin 2, as on a PC and as the
 * VM's MADT says (an Interrupt Source Override); pin 0 is the 8259's
 * output on a PC. */
static unsigned isa_gsi(unsigned irq)
{
	return irq == PC_IRQ_PIT ? PC_GSI_PIT : irq;
}

void vintc_set_irq(struct vintc *vi, unsigned irq, bool level)
{
	if (irq < VINTC_ISA_IRQS) {
		pic8259_set_irq(&vi->pic, irq, level);
		irq = isa_gsi(irq);
	}
	ioapic_set_irq(&vi->ioapic, irq, level);
}

/* ---- what to inject --------------------------------------------------- */

/* Whether the 8259 has something for vCPU i: an ExtINT message reached
 * its APIC, or it is the CPU on the virtual wire (LINT0). */
static bool pic_candidate(struct vintc *vi, unsigned i)
{
	struct vlapic *l = vi->lapic[i];
	bool wired = i == VINTC_EXTINT_CPU && vlapic_accepts_pic(l);

	return (l->extint_pending || wired) &&
	       pic8259_pending_vector(&vi->pic) != PIC8259_NONE;
}

enum vintc_event vintc_next(struct vintc *vi, unsigned i,
			    const struct vintc_guest *g, uint8_t *vector)
{
	struct vlapic *l = vi->lapic[i];
	int v;

	vlapic_timer_expire(l, vi->ops.now(vi->ops.ctx));
	if (l->nmi_pending) {
		if (g->nmi_blocking || g->sti_blocking || g->mov_ss_blocking)
			return VINTC_OPEN_NMI_WINDOW;
		l->nmi_pending = false;
		return VINTC_INJECT_NMI;
	}
	/* with virtual-interrupt delivery the CPU takes the local APIC's
	 * vectors from its page itself: only the 8259 is injected */
	v = l->virtual_delivery ? VLAPIC_NO_VECTOR : vlapic_pending_vector(l);
	if (v == VLAPIC_NO_VECTOR && !pic_candidate(vi, i)) {
		l->extint_pending = false;
		return VINTC_NOTHING;
	}
	if (!g->if_set || g->sti_blocking || g->mov_ss_blocking)
		return VINTC_OPEN_IRQ_WINDOW;
	if (v != VLAPIC_NO_VECTOR) {
		vlapic_ack(l, (uint8_t)v);
		*vector = (uint8_t)v;
	} else {
		*vector = pic8259_ack(&vi->pic);
		l->extint_pending = false;
	}
	return VINTC_INJECT_INTR;
}

bool vintc_can_wake(struct vintc *vi, unsigned i, uint64_t now)
{
	struct vlapic *l = vi->lapic[i];

	return l->nmi_pending || vlapic_pending_vector(l) != VLAPIC_NO_VECTOR ||
	       pic_candidate(vi, i) || vlapic_timer_deadline(l) <= now;
}

uint64_t vintc_deadline(const struct vintc *vi, unsigned i)
{
	return vlapic_timer_deadline(vi->lapic[i]);
}
