/*
 * tests/guests/sti-hlt.c - enables interrupts and halts, waiting for an
 * interrupt. Its VM has no device that can raise one yet (no virtual
 * interrupt controller), so nothing will ever wake it: the hypervisor must
 * not wait forever, and stops the VM saying why. The IDT is installed
 * first so that a stray interrupt would be reported, not a triple fault.
 * Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "sti-hlt";

int main(uint32_t magic, uint32_t info)
{
	gprintf("sti-hlt: starting\n");
	idt_install();
	gprintf("sti-hlt: interrupts on, halting\n");
	__asm__ volatile("sti; 1: hlt; jmp 1b");
	return 1;
}
