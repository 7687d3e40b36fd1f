/*
 * tests/guests/triple-fault.c - loads an empty IDT and executes int3:
 * the #BP cannot be delivered (#GP), nor can the #GP (#DF), nor the #DF:
 * a triple fault. A PC resets; the hypervisor must stop this VM only.
 * Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "triple-fault";

int main(uint32_t magic, uint32_t info)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty = {0, 0};

	gprintf("triple-fault: starting\n");
	gprintf("triple-fault: empty IDT, then int3: expect a triple fault\n");
	serial_flush(); /* the line above must get out first */
	__asm__ volatile("lidt %0; int3" : : "m"(empty));
	gprintf("triple-fault: FAILED: still running after int3\n");
	__asm__ volatile("ud2");
	gprintf("triple-fault: FAILED: still running after ud2\n");
	return 1;
}
