/*
 * arch/x86_64/pic.h - the legacy 8259A interrupt controllers, which the
 * hypervisor does not use: moved off the exception vectors and masked.
 * Runs once on the boot CPU, interrupts off.
 */
#ifndef ARCH_X86_64_PIC_H
#define ARCH_X86_64_PIC_H

/* The BIOS leaves IRQ 0-7 on vectors 8-15, the CPU's exception vectors:
 * remap them to 0x20-0x2f and mask every line. */
void pic_disable(void);

#endif
