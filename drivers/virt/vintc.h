/*
 * drivers/virt/vintc.h - a VM's interrupt controllers together: its
 * vCPUs' local APICs, the IOAPIC and the 8259 pair, wired to each other
 * (IPIs, IOAPIC messages, EOI broadcasts, ExtINT), with what the VT-x
 * code asks of them: which device answers a guest-physical access, and
 * before each VM entry, what to inject. Pure logic; every call runs with
 * the VM's interrupt lock held, on any of the VM's CPUs.
 * SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)";
 * SDM Vol. 3C, "Event Injection" (the blocking rules vintc_next follows).
 * docs/interrupts.md says where vmx/ calls each function.
 */
#ifndef DRIVERS_VIRT_VINTC_H
#define DRIVERS_VIRT_VINTC_H

#include "drivers/virt/ioapic.h"
#include "drivers/virt/pic8259.h"
#include "drivers/virt/vlapic_route.h"

#define VINTC_VCPUS_MAX	 VLAPIC_ROUTE_MAX
#define VINTC_ISA_IRQS	 16
#define VINTC_EXTINT_CPU 0 /* the vCPU the 8259's INTR reaches */

/* kick: these vCPUs (bit i = vCPU i) have a new event: wake the ones
 * halted, make the ones running elsewhere exit. now: the guest TSC.
 * resample (may be NULL): an EOI cleared the Remote IRR of IOAPIC pin
 * gsi; for a level line whose source the caller polls (a
 * passed-through device's INTx), it returns true with the line's level
 * now in *level, which the line then takes before the IOAPIC decides
 * whether to deliver again (else a handled interrupt is delivered again
 * and again until the next poll). Called with the interrupt lock held. */
struct vintc_ops {
	void (*kick)(void *ctx, uint64_t vcpus);
	uint64_t (*now)(void *ctx);
	void *ctx;
	bool (*resample)(void *ctx, unsigned gsi, bool *level);
};

struct vintc {
	unsigned vcpus;
	struct vlapic *lapic[VINTC_VCPUS_MAX];
	struct ioapic ioapic;
	struct pic8259 pic;
	struct vintc_ops ops;
};

/* What the vCPU's guest state allows (VMCS guest interruptibility
 * state and RFLAGS.IF). */
struct vintc_guest {
	bool if_set;
	bool sti_blocking, mov_ss_blocking, nmi_blocking;
};

enum vintc_event {
	VINTC_NOTHING,	       /* nothing pending */
	VINTC_INJECT_NMI,      /* inject NMI (vector 2) */
	VINTC_INJECT_INTR,     /* inject external interrupt *vector */
	VINTC_OPEN_IRQ_WINDOW, /* pending but blocked: interrupt-window */
	VINTC_OPEN_NMI_WINDOW, /* NMI pending but blocked: NMI-window */
};

/* ioapic_id: the I/O APIC's ID, as the VM's MADT gives it. */
void vintc_init(struct vintc *vi, uint8_t ioapic_id,
		const struct vintc_ops *ops);
/* vCPU i's local APIC, kept by the caller (in its struct vcpu); vCPUs
 * are attached in order 0, 1, ...; vCPU 0 is the BSP; APIC ID = i. */
void vintc_attach(struct vintc *vi, unsigned i, struct vlapic *l,
		  uint32_t ticks_per_count);

/* A guest-physical access by vCPU i; false when no interrupt controller
 * is at gpa (then it is someone else's). */
bool vintc_mmio_read(struct vintc *vi, unsigned i, gpa_t gpa, unsigned size,
		     uint32_t *value);
bool vintc_mmio_write(struct vintc *vi, unsigned i, gpa_t gpa, unsigned size,
		      uint32_t value);

/* A device line: ISA IRQs (< 16) reach both the 8259 and the IOAPIC
 * pin of the same number (IRQ 0 pin 2), as on a PC; others only the
 * IOAPIC. */
void vintc_set_irq(struct vintc *vi, unsigned irq, bool level);

/* Before entering vCPU i (with no event being re-injected): fire its
 * timer if due, then decide. For VINTC_INJECT_INTR the vector is already
 * acknowledged in the model (in service), so inject it now. */
enum vintc_event vintc_next(struct vintc *vi, unsigned i,
			    const struct vintc_guest *g, uint8_t *vector);
/* Whether halted vCPU i has a reason to run again (an interrupt or NMI
 * it could take, or its timer due at now). */
bool vintc_can_wake(struct vintc *vi, unsigned i, uint64_t now);
/* The TSC at which vCPU i's APIC timer needs it, or VLAPIC_NO_DEADLINE. */
uint64_t vintc_deadline(const struct vintc *vi, unsigned i);

#endif
