/*
 * tests/guests/pt-overwrite.c - turns paging on with its own page tables
 * (4 KiB pages identity-mapping the first 4 MiB), then overwrites the
 * page table and directory with not-present garbage and reloads CR3. The
 * next instruction fetch faults, and so does the delivery of that #PF
 * (the IDT and handlers are unmapped too): #DF, then a triple fault. A
 * PC resets; the hypervisor must stop this VM only. Multiboot2 guest
 * (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "pt-overwrite";

/* SDM Vol. 3A, "32-Bit Paging" */
#define PTE_P	BIT(0)
#define PTE_W	BIT(1)
#define CR0_PG	BIT(31)
#define GARBAGE 0xdeadbee0u /* bit 0 (present) clear */
#define ENTRIES 1024

static uint32_t pd[ENTRIES] __attribute__((aligned(4096)));
static uint32_t pt[ENTRIES] __attribute__((aligned(4096)));

static void paging_on(void)
{
	uint32_t cr0;

	for (uint32_t i = 0; i < ENTRIES; i++)
		pt[i] = (i << 12) | PTE_P | PTE_W;
	pd[0] = (uint32_t)pt | PTE_P | PTE_W;
	__asm__ volatile("mov %0, %%cr3" : : "r"(pd) : "memory");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0"
			 :
			 : "r"(cr0 | (uint32_t)CR0_PG)
			 : "memory");
}

int main(uint32_t magic, uint32_t info)
{
	gprintf("pt-overwrite: starting\n");
	idt_install();
	paging_on();
	gprintf("pt-overwrite: paging on, CR3 0x%08x\n", (uint32_t)pd);
	for (uint32_t i = 0; i < ENTRIES; i++) {
		pt[i] = GARBAGE ^ (i << 4);
		pd[i] = GARBAGE ^ (i << 4);
	}
	gprintf("pt-overwrite: page tables overwritten, reloading CR3: "
		"expect a triple fault\n");
	serial_flush(); /* the line above must get out first */
	__asm__ volatile("mov %0, %%cr3" : : "r"(pd) : "memory");
	gprintf("pt-overwrite: FAILED: still running after reloading CR3\n");
	return 1;
}
