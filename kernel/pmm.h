/*
 * kernel/pmm.h - the physical page allocator: one bit per 4 KiB page.
 * Built once on the boot CPU from the firmware memory map; then any CPU,
 * under pmm->lock. Pure logic (it never touches the pages it manages),
 * so the host unit tests drive it with made-up memory maps.
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include "kernel/boot_info.h"
#include "lib/spinlock.h"

struct pmm_range {
	hpa_t base;
	uint64_t length;
};

struct pmm {
	uint64_t *bitmap;    /* bit set: page in use or not RAM */
	uint64_t page_count; /* pages the bitmap covers, from address 0 */
	uint64_t free_pages;
	uint64_t total_usable; /* usable pages in the memory map */
	struct spinlock lock;  /* guards bitmap and free_pages */
};

/* Bytes of bitmap needed to cover physical memory up to max_addr. */
size_t pmm_bitmap_bytes(uint64_t max_addr);
/* Highest end address of a usable range in the map. */
uint64_t pmm_max_usable(const struct boot_mem_range *map, uint32_t count);
/*
 * Find `size` bytes of usable memory, page aligned, inside [floor, limit),
 * overlapping no range in `avoid`. Returns the address or 0.
 */
hpa_t pmm_find_space(const struct boot_mem_range *map, uint32_t count,
		     const struct pmm_range *avoid, unsigned avoid_count,
		     uint64_t size, hpa_t floor, hpa_t limit);

/* Start with every page in use; the bitmap must hold page_count bits. */
void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t page_count);
/* Mark the whole pages inside [base, base+length) free. */
void pmm_add_usable(struct pmm *p, hpa_t base, uint64_t length);
/* Mark every page touching [base, base+length) in use. */
void pmm_reserve(struct pmm *p, hpa_t base, uint64_t length);

/* `count` contiguous pages aligned to `align` bytes (a power of two, at
 * least PAGE_SIZE), all below `limit` (0: no limit). 0 when none. */
hpa_t pmm_alloc_range(struct pmm *p, uint64_t count, uint64_t align,
		      hpa_t limit);
static inline hpa_t pmm_alloc_pages(struct pmm *p, uint64_t count)
{
	return pmm_alloc_range(p, count, PAGE_SIZE, 0);
}
/* Exactly the `count` pages from `base` (page aligned; never page 0),
 * for memory that must sit at a given address (an identity-mapped VM,
 * docs/passthrough.md): 0; or -1, nothing taken, and *busy the first
 * page of the range that is in use or beyond the bitmap. */
int pmm_claim(struct pmm *p, hpa_t base, uint64_t count, hpa_t *busy);
void pmm_free_pages(struct pmm *p, hpa_t base, uint64_t count);

#endif
