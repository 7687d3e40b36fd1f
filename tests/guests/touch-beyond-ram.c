/*
 * tests/guests/touch-beyond-ram.c - reads and writes guest-physical
 * memory just beyond the VM's RAM (the end of its memory map, rounded up
 * to 1 MiB). A PC reads all ones from where nothing answers and drops
 * the write; the hypervisor must do the same or stop this VM, and never
 * let the access reach another VM's or its own memory. Multiboot2 guest
 * (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "beyond-ram";

#define ALL_ONES  0xffffffffu
#define LAPIC_LOW 0xfec00000u /* IOAPIC, LAPIC and firmware above */

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	uint32_t addr, first, second;

	gprintf("beyond-ram: starting\n");
	idt_install();
	if (mb2_view(magic, info, &v))
		return 1;
	if (ALIGN_UP(v.ram_end, MIB) >= LAPIC_LOW) {
		gprintf("beyond-ram: RAM reaches 0x%llx: nothing to test\n",
			(unsigned long long)v.ram_end);
		return 1;
	}
	addr = (uint32_t)ALIGN_UP(v.ram_end, MIB);
	gprintf("beyond-ram: RAM ends at 0x%08x, touching 0x%08x\n",
		(uint32_t)v.ram_end, addr);
	first = peek32(addr);
	gprintf("beyond-ram: read 0x%08x\n", first);
	poke32(addr, 0x12345678);
	second = peek32(addr);
	gprintf("beyond-ram: read 0x%08x after writing 0x12345678\n", second);
	if (first != ALL_ONES || second != ALL_ONES) {
		gprintf("beyond-ram: FAILED: expected 0xffffffff both times\n");
		return 1;
	}
	gprintf("beyond-ram: all ones as expected\n");
	return 0;
}
