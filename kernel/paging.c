/*
 * kernel/paging.c - the identity map of physical memory.
 * Runs once on the boot CPU after memory_init.
 * SDM Vol. 3A, "4-Level Paging and 5-Level Paging".
 */
#define LOG_PREFIX "paging: "
#include "arch/x86_64/cpu.h"
#include "kernel/memory.h"
#include "kernel/paging.h"
#include "kernel/power.h"
#include "lib/log.h"

/* SDM Vol. 3A, "Paging-Structure Entries" */
#define PTE_PRESENT BIT(0)
#define PTE_WRITE   BIT(1)
#define PTE_PWT	    BIT(3)
#define PTE_PCD	    BIT(4)
#define PTE_LARGE   BIT(7)
#define LARGE_PAGE  (2 * MIB)
#define TABLE_BELOW (4 * GIB)

hpa_t kernel_cr3;
hpa_t paging_mapped_end = 4 * GIB; /* what the boot paths map */

static hpa_t table_alloc(void)
{
	hpa_t pa = pmm_alloc_range(&host_pmm, 1, PAGE_SIZE, TABLE_BELOW);

	if (!pa)
		fatal("no memory below 4 GiB for the hypervisor's page tables");
	return pa;
}

static uint64_t *table(hpa_t pa)
{
	return phys_to_virt(pa);
}

static bool is_ram(const struct boot_info *bi, hpa_t base, uint64_t len)
{
	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mem_range *r = &bi->mmap[i];

		if (r->type != BOOT_MEM_USABLE &&
		    r->type != BOOT_MEM_ACPI_RECLAIM &&
		    r->type != BOOT_MEM_ACPI_NVS)
			continue;
		if (base < r->base + r->length && r->base < base + len)
			return true;
	}
	return false;
}

static uint64_t map_end(const struct boot_info *bi)
{
	uint64_t end = TABLE_BELOW;

	for (uint32_t i = 0; i < bi->mmap_count; i++)
		end = MAX(end, bi->mmap[i].base + bi->mmap[i].length);
	return ALIGN_UP(end, GIB);
}

/* The next-level table under entry *e, allocated and zeroed on demand. */
static uint64_t *next_table(uint64_t *e)
{
	if (!(*e & PTE_PRESENT)) {
		hpa_t pa = table_alloc();

		for (int i = 0; i < 512; i++)
			table(pa)[i] = 0;
		*e = pa | PTE_PRESENT | PTE_WRITE;
	}
	return table(*e & ~0xfffULL);
}

void paging_init(const struct boot_info *bi)
{
	uint64_t end = map_end(bi);
	uint64_t *pml4;

	kernel_cr3 = table_alloc();
	pml4 = table(kernel_cr3);
	for (int i = 0; i < 512; i++)
		pml4[i] = 0;
	for (hpa_t pa = 0; pa < end; pa += LARGE_PAGE) {
		uint64_t *pdpt = next_table(&pml4[(pa >> 39) & 511]);
		uint64_t *pd = next_table(&pdpt[(pa >> 30) & 511]);
		uint64_t flags = PTE_PRESENT | PTE_WRITE | PTE_LARGE;

		if (!is_ram(bi, pa, LARGE_PAGE))
			flags |= PTE_PCD | PTE_PWT;
		pd[(pa >> 21) & 511] = pa | flags;
	}
	write_cr3(kernel_cr3);
	paging_mapped_end = end;
	pr_info("identity map of %lu GiB with 2 MiB pages",
		(unsigned long)(end / GIB));
}
