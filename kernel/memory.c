/*
 * kernel/memory.c - the host page allocator built from the boot memory
 * map, and zeroed page allocation.
 * memory_init runs once on the boot CPU, before paging_init; the page
 * functions run on any CPU.
 */
#define LOG_PREFIX "memory: "
#include "kernel/memory.h"
#include "kernel/power.h"
#include "lib/log.h"
#include "lib/string.h"

#define LOW_MEMORY_END (1 * MIB)
#define EARLY_MAP_END  (4 * GIB) /* what the boot path identity-maps */

struct pmm host_pmm;

extern char _image_start[], _image_end[];

static unsigned collect_avoid(const struct boot_info *bi,
			      struct pmm_range *avoid)
{
	unsigned n = 0;

	avoid[n++] = (struct pmm_range){0, LOW_MEMORY_END};
	avoid[n++] = (struct pmm_range){virt_to_phys(_image_start),
					(uint64_t)(_image_end - _image_start)};
	for (uint32_t i = 0; i < bi->module_count; i++)
		avoid[n++] = (struct pmm_range){bi->modules[i].start,
						bi->modules[i].size};
	return n;
}

static void reserve_non_usable(const struct boot_info *bi)
{
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type != BOOT_MEM_USABLE)
			pmm_reserve(&host_pmm, bi->mmap[i].base,
				    bi->mmap[i].length);
}

void memory_init(const struct boot_info *bi)
{
	struct pmm_range avoid[BOOT_MODULES_MAX + 2];
	unsigned n = collect_avoid(bi, avoid);
	uint64_t max = pmm_max_usable(bi->mmap, bi->mmap_count);
	size_t bytes = pmm_bitmap_bytes(max);
	hpa_t bitmap = pmm_find_space(bi->mmap, bi->mmap_count, avoid, n, bytes,
				      LOW_MEMORY_END, EARLY_MAP_END);

	if (!max || !bitmap)
		fatal("the firmware memory map has no usable memory above 1 "
		      "MiB "
		      "for the page allocator (%lu KiB needed); give the "
		      "machine "
		      "more memory",
		      (unsigned long)(bytes / KIB));
	pmm_init(&host_pmm, phys_to_virt(bitmap), max / PAGE_SIZE);
	for (uint32_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == BOOT_MEM_USABLE)
			pmm_add_usable(&host_pmm, bi->mmap[i].base,
				       bi->mmap[i].length);
	reserve_non_usable(bi);
	for (unsigned i = 0; i < n; i++)
		pmm_reserve(&host_pmm, avoid[i].base, avoid[i].length);
	pmm_reserve(&host_pmm, bitmap, bytes);
	pr_info("%lu MiB usable RAM, %lu MiB free for guests and the "
		"hypervisor "
		"(image %lu KiB at 0x%lx, %u modules)",
		(unsigned long)(host_pmm.total_usable * PAGE_SIZE / MIB),
		(unsigned long)(host_pmm.free_pages * PAGE_SIZE / MIB),
		(unsigned long)((_image_end - _image_start) / KIB),
		(unsigned long)virt_to_phys(_image_start), bi->module_count);
}

hpa_t page_alloc_zeroed(uint64_t count)
{
	hpa_t pa = pmm_alloc_pages(&host_pmm, count);

	if (pa)
		memset(phys_to_virt(pa), 0, count * PAGE_SIZE);
	return pa;
}

void page_free(hpa_t pa, uint64_t count)
{
	pmm_free_pages(&host_pmm, pa, count);
}
