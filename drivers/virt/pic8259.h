/*
 * drivers/virt/pic8259.h - the two cascaded 8259A interrupt controllers
 * of a PC as a VM sees them: master at 0x20/0x21, slave at 0xA0/0xA1 on
 * the master's IRQ2, and the edge/level control registers (ELCR) at
 * 0x4D0/0x4D1. Pure logic; its ports run in I/O exits of any vCPU,
 * pic8259_set_irq where a device line changes, pending/ack before VM
 * entry on the vCPU that takes ExtINT (vCPU 0); the VM serializes them.
 * Linux probes and masks it when it uses the IOAPIC; the BIOS-style
 * virtual wire (LINT0 = ExtINT) uses it until then.
 * Intel 8259A data sheet, "Initialization Command Words", "Operation
 * Command Words"; Intel PIIX4 data sheet, "ELCR1/ELCR2".
 */
#ifndef DRIVERS_VIRT_PIC8259_H
#define DRIVERS_VIRT_PIC8259_H

#include "drivers/virt/portbus.h"

#define PIC8259_MASTER 0x20
#define PIC8259_SLAVE  0xa0
#define PIC8259_ELCR   0x4d0
#define PIC8259_IRQS   16
#define PIC8259_NONE   (-1)

struct pic8259_chip {
	uint8_t irr, isr, imr, elcr, elcr_writable;
	uint8_t last_level;   /* input lines, for edge detection */
	uint8_t base;	      /* ICW2: vector of IR0 */
	uint8_t priority_add; /* IR with the lowest priority is this - 1 */
	uint8_t init_step;    /* 0 = operating, 2..4 = expecting ICWn */
	bool icw4_needed, single, auto_eoi, rotate_on_auto_eoi;
	bool read_isr, poll, special_mask, special_fully_nested;
};

struct pic8259 {
	struct pic8259_chip chip[2]; /* master, slave */
	uint64_t ignored_accesses;
	/* called when the master's INTR output goes from low to high: the
	 * VM kicks the vCPU that takes ExtINT. May be NULL. */
	void (*raise)(void *ctx);
	void *ctx;
	bool output;
};

void pic8259_init(struct pic8259 *p, void (*raise)(void *ctx), void *ctx);
/* The three port_devices for the bus: master, slave, ELCR. */
void pic8259_devices(struct pic8259 *p, struct port_device out[3]);

/* A device drives IRQ line irq (0-15; 2 is the cascade). */
void pic8259_set_irq(struct pic8259 *p, unsigned irq, bool level);
/* The vector INTR asks for now, or PIC8259_NONE (no side effects). */
int pic8259_pending_vector(const struct pic8259 *p);
/* The CPU's interrupt acknowledge: returns the vector to inject and
 * moves the IRQ to in-service (a spurious IRQ 7 / 15 when nothing is
 * pending any more). */
uint8_t pic8259_ack(struct pic8259 *p);

#endif
