/*
 * arch/x86_64/pic.h - the legacy 8259A interrupt controllers, which the
 * hypervisor does not use: moved off the exception vectors and masked.
 * pic_disable runs once on the boot CPU, interrupts off; pic_line_raised
 * later on the boot CPU (passthrough INTx, vmx/passthrough.c).
 */
#ifndef ARCH_X86_64_PIC_H
#define ARCH_X86_64_PIC_H

#include "lib/types.h"

/* The BIOS leaves IRQ 0-7 on vectors 8-15, the CPU's exception vectors:
 * remap them to 0x20-0x2f and mask every line. */
void pic_disable(void);

/* Is ISA line irq (0-15) raised? The Interrupt Request Register, read
 * with OCW3; masked lines show too. A line the chipset's ELCR makes
 * level-triggered (PCI INTx routed through the PIIX) reads as its
 * level. Boot CPU only (the read selects the register). */
bool pic_line_raised(unsigned irq);

#endif
