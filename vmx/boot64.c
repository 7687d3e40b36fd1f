/*
 * vmx/boot64.c - identity-mapped 4-level page tables with 2 MiB pages,
 * and a GDT with flat 64-bit code and data, written into a VM's RAM for
 * a guest that starts in 64-bit mode (a Linux kernel's 64-bit entry).
 * Pure logic: VMX root when a VM is built, and the host unit tests.
 * SDM Vol. 3A, "4-Level Paging and 5-Level Paging" (the PML4E, PDPTE
 * and PDE formats), "Segment Descriptors", "Code- and Data-Segment
 * Descriptor Types".
 */
#include "vmx/boot64.h"
#include "lib/string.h"

/* SDM Vol. 3A, "Formats of Paging-Structure Entries" */
#define PTE_P		  BIT(0)
#define PTE_RW		  BIT(1)
#define PTE_PS		  BIT(7) /* in a PDE: maps a 2 MiB page */
#define ENTRIES_PER_TABLE 512

/* SDM Vol. 3A, "Segment Descriptors": flat descriptors, base 0 and
 * limit 0xfffff in 4 KiB units. Type 0xb is execute/read, accessed;
 * 0x3 is read/write, accessed. */
#define DESC_LIMIT_FLAT (0xffffULL | (0xfULL << 48))
#define DESC_TYPE(t)	((uint64_t)(t) << 40)
#define DESC_S		BIT(44) /* code or data, not system */
#define DESC_P		BIT(47)
#define DESC_L		BIT(53) /* 64-bit code */
#define DESC_DB		BIT(54) /* 32-bit default size (must be 0 with L) */
#define DESC_G		BIT(55) /* limit in 4 KiB units */
#define DESC_CODE64 \
	(DESC_LIMIT_FLAT | DESC_TYPE(0xb) | DESC_S | DESC_P | DESC_L | DESC_G)
#define DESC_DATA \
	(DESC_LIMIT_FLAT | DESC_TYPE(0x3) | DESC_S | DESC_P | DESC_DB | DESC_G)

static bool fits(const struct guest_mem *mem, gpa_t gpa, uint64_t len)
{
	return gpa <= mem->size && len <= mem->size - gpa;
}

static void put64(struct guest_mem *mem, gpa_t gpa, uint64_t v)
{
	memcpy(mem->base + gpa, &v, sizeof(v));
}

int boot64_write_page_tables(struct guest_mem *mem, gpa_t tables, unsigned n_pd)
{
	gpa_t pml4 = tables, pdpt = tables + PAGE_SIZE;
	gpa_t pd = tables + 2 * PAGE_SIZE;

	if (n_pd == 0 || n_pd > BOOT64_PD_MAX || tables % PAGE_SIZE ||
	    !fits(mem, tables, BOOT64_TABLES_SIZE(n_pd)))
		return -1;
	memset(mem->base + tables, 0, BOOT64_TABLES_SIZE(n_pd));
	put64(mem, pml4, pdpt | PTE_P | PTE_RW);
	for (unsigned g = 0; g < n_pd; g++) {
		gpa_t dir = pd + g * PAGE_SIZE;

		put64(mem, pdpt + 8 * g, dir | PTE_P | PTE_RW);
		for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++) {
			uint64_t page = g * BOOT64_PD_SPAN +
					(uint64_t)i * BOOT64_LARGE_PAGE;

			put64(mem, dir + 8 * i, page | PTE_P | PTE_RW | PTE_PS);
		}
	}
	return 0;
}

int boot64_write_gdt(struct guest_mem *mem, gpa_t gdt)
{
	if (!fits(mem, gdt, BOOT64_GDT_SIZE))
		return -1;
	memset(mem->base + gdt, 0, BOOT64_GDT_SIZE);
	put64(mem, gdt + BOOT64_CS, DESC_CODE64);
	put64(mem, gdt + BOOT64_DS, DESC_DATA);
	return 0;
}
