/*
 * tests/guests/cli-hlt.c - disables interrupts and halts: nothing can
 * wake this CPU (a PC is dead until reset). The hypervisor must not
 * spin on it, and may stop the VM with a message.
 * Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "cli-hlt";

int main(uint32_t magic, uint32_t info)
{
	gprintf("cli-hlt: starting\n");
	gprintf("cli-hlt: interrupts off, halting\n");
	__asm__ volatile("cli; 1: hlt; jmp 1b");
	return 1;
}
