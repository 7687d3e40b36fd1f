/*
 * drivers/virt/ioapic.h - the I/O APIC a VM sees (one per VM) at
 * 0xFEC00000: 24 input pins (GSIs), each with a redirection entry that
 * turns it into an interrupt message for the local APICs. Pure logic;
 * its MMIO runs in the EPT-violation exit of any vCPU, ioapic_set_irq in
 * whatever raises a device line, ioapic_eoi from a vlapic's EOI; the VM
 * serializes them with one interrupt lock.
 * Intel 82093AA I/O APIC data sheet, "Register Description" (IOREGSEL,
 * IOWIN, IOAPICID, IOAPICVER, IOAPICARB, IOREDTBL); the EOI register of
 * version 0x20 I/O APICs (Intel ICH data sheets, "EOI Register").
 */
#ifndef DRIVERS_VIRT_IOAPIC_H
#define DRIVERS_VIRT_IOAPIC_H

#include "drivers/virt/vlapic.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_MMIO_SIZE    0x1000u
#define IOAPIC_PINS	    24

/* MMIO offsets */
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN	0x10
#define IOAPIC_EOI	0x40

/* register indexes behind IOREGSEL */
#define IOAPIC_REG_ID	   0x00
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_ARB	   0x02
#define IOAPIC_REG_REDTBL0 0x10 /* pin n: 0x10 + 2n (low), 0x11 + 2n */
#define IOAPIC_VERSION	   0x20
#define IOAPIC_ID_SHIFT	   24
#define IOAPIC_ID_MASK	   (0xfu << IOAPIC_ID_SHIFT)

/* redirection entry ("I/O Redirection Table Registers") */
#define IOREDTBL_VECTOR	       0xffULL
#define IOREDTBL_DELIVERY_MODE (7ULL << 8)
#define IOREDTBL_LOGICAL       BIT(11)
#define IOREDTBL_PENDING       BIT(12) /* delivery status, read-only */
#define IOREDTBL_ACTIVE_LOW    BIT(13)
#define IOREDTBL_REMOTE_IRR    BIT(14) /* read-only */
#define IOREDTBL_LEVEL	       BIT(15)
#define IOREDTBL_MASKED	       BIT(16)
#define IOREDTBL_DEST_SHIFT    56
#define IOREDTBL_WRITABLE                                              \
	(IOREDTBL_VECTOR | IOREDTBL_DELIVERY_MODE | IOREDTBL_LOGICAL | \
	 IOREDTBL_ACTIVE_LOW | IOREDTBL_LEVEL | IOREDTBL_MASKED |      \
	 (0xffULL << IOREDTBL_DEST_SHIFT))

/* deliver sends one message to the VM's local APICs (usually through
 * vlapic_route_deliver with no sender). eoi (may be NULL): an EOI has
 * just cleared the Remote IRR of pin; the callee may set the pin's line
 * again (ioapic_set_irq) before the IOAPIC looks at it, so that a line
 * whose source is polled is sampled now rather than delivered again
 * on its stale level. */
struct ioapic_ops {
	void (*deliver)(void *ctx, const struct apic_msg *m);
	void *ctx;
	void (*eoi)(void *ctx, unsigned pin);
};

struct ioapic {
	uint32_t id; /* IOAPICID bits 27:24 */
	uint8_t regsel;
	uint64_t redtbl[IOAPIC_PINS];
	bool line[IOAPIC_PINS]; /* input asserted now */
	uint64_t ignored_accesses;
	uint64_t deliveries;
	struct ioapic_ops ops;
};

/* After reset: every pin masked, edge, vector 0. */
void ioapic_init(struct ioapic *io, uint8_t id, const struct ioapic_ops *ops);

/* The 4 KiB register window (offset within it). IOREGSEL takes 1, 2
 * or 4 byte accesses, IOWIN and EOI 4 bytes; anything else is ignored
 * and counted. */
uint32_t ioapic_mmio_read(struct ioapic *io, uint32_t offset, unsigned size);
void ioapic_mmio_write(struct ioapic *io, uint32_t offset, unsigned size,
		       uint32_t value);

/* A device drives input pin gsi: asserted (true) or not. The input is
 * the logical request: the polarity bit is kept for the guest but the
 * model does not invert it (see docs/interrupts.md). An edge pin
 * delivers on each assertion; a level pin while asserted, once per EOI. */
void ioapic_set_irq(struct ioapic *io, unsigned gsi, bool asserted);
/* A local APIC EOIed a level-triggered vector: clear Remote IRR of the
 * pins using it, tell ops.eoi, and deliver again those still asserted. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

#endif
