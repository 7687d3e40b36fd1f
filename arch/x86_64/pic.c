/*
 * arch/x86_64/pic.c - remap and mask the two 8259A PICs.
 * Runs once on the boot CPU, interrupts off; pic_line_raised later on
 * the boot CPU.
 * Intel 8259A data sheet, "Programming the 8259A" (ICW1-ICW4, OCW1,
 * OCW3 "read IRR").
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"

#define PIC1_CMD	 0x20
#define PIC1_DATA	 0x21
#define PIC2_CMD	 0xa0
#define PIC2_DATA	 0xa1
#define ICW1_INIT_ICW4	 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086	 0x01
#define PIC1_VECTOR_BASE 0x20
#define PIC2_VECTOR_BASE 0x28
#define PIC2_ON_IRQ2	 0x04 /* ICW3 of the master: slave on IRQ 2 */
#define PIC2_CASCADE_ID	 0x02 /* ICW3 of the slave */
#define MASK_ALL	 0xff
#define OCW3_READ_IRR	 0x0a
#define PIC_LINES	 8

void pic_disable(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, PIC1_VECTOR_BASE);
	outb(PIC2_DATA, PIC2_VECTOR_BASE);
	outb(PIC1_DATA, PIC2_ON_IRQ2);
	outb(PIC2_DATA, PIC2_CASCADE_ID);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, MASK_ALL);
	outb(PIC2_DATA, MASK_ALL);
}

bool pic_line_raised(unsigned irq)
{
	uint16_t cmd = irq < PIC_LINES ? PIC1_CMD : PIC2_CMD;

	if (irq >= 2 * PIC_LINES)
		return false;
	outb(cmd, OCW3_READ_IRR);
	return inb(cmd) & BIT(irq % PIC_LINES);
}
