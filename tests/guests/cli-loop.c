/*
 * tests/guests/cli-loop.c - disables interrupts and spins forever: the
 * hypervisor must still take the CPU back at the end of its time slice
 * (preemption timer), and the VM can only be stopped from outside.
 * Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "cli-loop";

int main(uint32_t magic, uint32_t info)
{
	gprintf("cli-loop: starting\n");
	gprintf("cli-loop: interrupts off, spinning forever\n");
	__asm__ volatile("cli; 1: jmp 1b");
	return 1;
}
