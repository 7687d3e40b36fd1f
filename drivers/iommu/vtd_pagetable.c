/*
 * drivers/iommu/vtd_pagetable.c - a VT-d domain's second-level page
 * table: the VM's guest-physical (DMA) addresses to host-physical, 4
 * levels, 48 bits, 4 KiB and 2 MiB pages, read/write permissions.
 * Runs on any CPU, one caller at a time per domain. Pure logic: pages
 * through struct vtd_mem_ops (tests/unit/test_vtd_tables.c runs this very
 * file on fake memory). docs/vt-d.md explains it.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Second-Level Translation", "Second-Level Paging
 * Entries", "Hardware Handling of Page-Walk Coherency" (ECAP.C).
 *
 * The shape of our tables (the code relies on it):
 * - A non-leaf entry allows read and write; the leaf alone decides (the
 *   unit ANDs the levels). Execute (X) is for requests with PASID only
 *   and stays 0; so do SNP, TM and the ignored bits.
 * - Every table but the PML4 holds a present entry: unmap frees the tables
 *   it empties.
 * - We never build 1 GiB pages; a 2 MiB page is a PDE with PS.
 * - Page-walk coherency: every entry is one 64-bit store, then flushed
 *   (ops.flush) when the unit does not snoop; a new table is flushed whole
 *   (its zeroes) before an entry links it. So a non-coherent unit never
 *   sees a link to a table whose contents are still in a CPU cache.
 */
#include "drivers/iommu/vtd_tables.h"
#include "lib/panic.h"

#define SL_LARGE_SIZE	VTD_SL_LEVEL_SIZE(2)
#define SL_PAGE_OFFSET	(PAGE_SIZE - 1)
#define SL_LARGE_OFFSET (SL_LARGE_SIZE - 1)
#define SL_PERMS	(VTD_SL_READ | VTD_SL_WRITE)

static uint64_t *sl_table(const struct vtd_domain *d, hpa_t pa)
{
	return d->ops.page_ptr(d->ops.ctx, pa);
}

static void sl_flush(const struct vtd_domain *d, const void *p, size_t len)
{
	if (d->ops.flush)
		d->ops.flush(d->ops.ctx, p, len);
}

static hpa_t sl_alloc(struct vtd_domain *d)
{
	hpa_t pa = d->ops.alloc_page(d->ops.ctx);

	BUG_ON(pa & ~VTD_SL_ADDR);
	if (pa) {
		d->table_pages++;
		sl_flush(d, sl_table(d, pa), PAGE_SIZE);
	}
	return pa;
}

static void sl_free(struct vtd_domain *d, hpa_t pa)
{
	BUG_ON(d->table_pages == 0);
	d->table_pages--;
	d->ops.free_page(d->ops.ctx, pa);
}

/* The unit may walk while we write: one 64-bit store, then written back
 * for a non-coherent unit. */
static void sl_set(const struct vtd_domain *d, uint64_t *slot, uint64_t v)
{
	*(volatile uint64_t *)slot = v;
	sl_flush(d, slot, sizeof(*slot));
}

static unsigned sl_index(gpa_t gpa, unsigned level)
{
	return (gpa >> VTD_SL_LEVEL_SHIFT(level)) & (VTD_SL_ENTRIES - 1);
}

static gpa_t sl_next(gpa_t gpa, unsigned level)
{
	return ALIGN_DOWN(gpa, VTD_SL_LEVEL_SIZE(level)) +
	       VTD_SL_LEVEL_SIZE(level);
}

/* Second-level entries are present when R or W is set. */
static bool sl_present(uint64_t e)
{
	return e & SL_PERMS;
}

static bool sl_is_leaf(uint64_t e, unsigned level)
{
	return level == 1 || (e & VTD_SL_PS);
}

static bool sl_table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < VTD_SL_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

static uint64_t sl_leaf(hpa_t hpa, unsigned level, unsigned perms)
{
	return hpa | perms | (level == 2 ? VTD_SL_PS : 0);
}

/* Walk towards gpa's entry at `level`; stop early at an absent entry or
 * a leaf, whose level goes to *at. */
static uint64_t *sl_walk(const struct vtd_domain *d, gpa_t gpa, unsigned level,
			 unsigned *at)
{
	uint64_t *table = sl_table(d, d->pml4);

	for (unsigned lv = VTD_SL_LEVELS;; lv--) {
		uint64_t *slot = &table[sl_index(gpa, lv)];

		if (lv == level || !sl_present(*slot) ||
		    sl_is_leaf(*slot, lv)) {
			*at = lv;
			return slot;
		}
		table = sl_table(d, *slot & VTD_SL_ADDR);
	}
}

static bool sl_range_ok(gpa_t gpa, uint64_t size)
{
	return !(gpa & SL_PAGE_OFFSET) && !(size & SL_PAGE_OFFSET) && size &&
	       size <= VTD_SL_ADDR_LIMIT && gpa <= VTD_SL_ADDR_LIMIT - size;
}

static bool sl_range_empty(const struct vtd_domain *d, gpa_t gpa, gpa_t end)
{
	while (gpa < end) {
		unsigned lv;

		if (sl_present(*sl_walk(d, gpa, 1, &lv)))
			return false;
		gpa = sl_next(gpa, lv);
	}
	return true;
}

/* Clear the leaves inside [start, end) of the table at `level`; free
 * the tables this empties. No leaf straddles start or end. */
static void sl_clear(struct vtd_domain *d, uint64_t *table, unsigned level,
		     gpa_t start, gpa_t end)
{
	for (gpa_t gpa = start; gpa < end; gpa = sl_next(gpa, level)) {
		uint64_t *slot = &table[sl_index(gpa, level)];
		gpa_t next = MIN(end, sl_next(gpa, level));
		hpa_t child_pa;
		uint64_t *child;

		if (!sl_present(*slot))
			continue;
		if (sl_is_leaf(*slot, level)) {
			BUG_ON(next != sl_next(gpa, level));
			sl_set(d, slot, 0);
			continue;
		}
		child_pa = *slot & VTD_SL_ADDR;
		child = sl_table(d, child_pa);
		sl_clear(d, child, level - 1, gpa, next);
		if (sl_table_empty(child)) {
			sl_set(d, slot, 0);
			sl_free(d, child_pa);
		}
	}
}

static void sl_clear_range(struct vtd_domain *d, gpa_t start, gpa_t end)
{
	sl_clear(d, sl_table(d, d->pml4), VTD_SL_LEVELS, start, end);
}

int vtd_domain_init(struct vtd_domain *d, const struct vtd_mem_ops *ops,
		    uint16_t did, bool large_pages)
{
	d->ops = *ops;
	d->did = did;
	d->table_pages = 0;
	d->large_pages = large_pages;
	d->pml4 = 0;
	if (did == 0)
		return -1;
	d->pml4 = sl_alloc(d);
	return d->pml4 ? 0 : -1;
}

/* gpa's entry at `level`, allocating the tables above it; NULL when out
 * of memory. */
static uint64_t *sl_slot_alloc(struct vtd_domain *d, gpa_t gpa, unsigned level)
{
	uint64_t *table = sl_table(d, d->pml4);

	for (unsigned lv = VTD_SL_LEVELS; lv > level; lv--) {
		uint64_t *slot = &table[sl_index(gpa, lv)];

		if (!sl_present(*slot)) {
			hpa_t pa = sl_alloc(d);

			if (!pa)
				return NULL;
			sl_set(d, slot, pa | SL_PERMS);
		}
		BUG_ON(sl_is_leaf(*slot, lv));
		table = sl_table(d, *slot & VTD_SL_ADDR);
	}
	return &table[sl_index(gpa, level)];
}

static unsigned sl_leaf_level(const struct vtd_domain *d, gpa_t gpa, hpa_t hpa,
			      uint64_t left)
{
	if (d->large_pages && !((gpa | hpa) & SL_LARGE_OFFSET) &&
	    left >= SL_LARGE_SIZE)
		return 2;
	return 1;
}

static bool sl_map_args_ok(gpa_t gpa, hpa_t hpa, uint64_t size, unsigned perms)
{
	return sl_range_ok(gpa, size) && !(hpa & SL_PAGE_OFFSET) &&
	       hpa <= VTD_SL_ADDR && size <= VTD_SL_ADDR + PAGE_SIZE - hpa &&
	       (perms & SL_PERMS) && !(perms & ~SL_PERMS);
}

int vtd_map(struct vtd_domain *d, gpa_t gpa, hpa_t hpa, uint64_t size,
	    unsigned perms)
{
	gpa_t end = gpa + size;

	BUG_ON(!d->pml4);
	if (!sl_map_args_ok(gpa, hpa, size, perms) ||
	    !sl_range_empty(d, gpa, end))
		return -1;
	for (gpa_t cur = gpa; cur < end;) {
		hpa_t to = hpa + (cur - gpa);
		unsigned level = sl_leaf_level(d, cur, to, end - cur);
		uint64_t *slot = sl_slot_alloc(d, cur, level);

		if (!slot) {
			sl_clear_range(d, gpa, cur + VTD_SL_LEVEL_SIZE(level));
			return -1;
		}
		sl_set(d, slot, sl_leaf(to, level, perms));
		cur += VTD_SL_LEVEL_SIZE(level);
	}
	return 0;
}

/* The 2 MiB leaf `boundary` falls strictly inside, or NULL. */
static uint64_t *sl_large_around(const struct vtd_domain *d, gpa_t boundary)
{
	unsigned lv;
	uint64_t *slot;

	if (!(boundary & SL_LARGE_OFFSET) || boundary >= VTD_SL_ADDR_LIMIT)
		return NULL;
	slot = sl_walk(d, boundary, 2, &lv);
	if (lv == 2 && sl_present(*slot) && sl_is_leaf(*slot, 2))
		return slot;
	return NULL;
}

/* The 2 MiB leaf at *pde becomes the table pt_pa of 512 4 KiB leaves
 * with the same permissions; the new table is flushed before the PDE
 * links it. */
static void sl_split(struct vtd_domain *d, uint64_t *pde, hpa_t pt_pa)
{
	uint64_t *pt = sl_table(d, pt_pa);
	hpa_t base = *pde & VTD_SL_ADDR_2M;
	unsigned perms = *pde & SL_PERMS;

	for (unsigned i = 0; i < VTD_SL_ENTRIES; i++)
		pt[i] = sl_leaf(base + i * PAGE_SIZE, 1, perms);
	sl_flush(d, pt, PAGE_SIZE);
	sl_set(d, pde, pt_pa | SL_PERMS);
}

/* Split the 2 MiB pages start and end fall inside; both table pages are
 * taken first, so a failure changes nothing. */
static int sl_split_edges(struct vtd_domain *d, gpa_t start, gpa_t end)
{
	uint64_t *edge[2] = {sl_large_around(d, start),
			     sl_large_around(d, end)};
	hpa_t pt[2] = {0, 0};

	if (edge[1] == edge[0])
		edge[1] = NULL;
	for (unsigned i = 0; i < 2; i++) {
		if (edge[i] && !(pt[i] = sl_alloc(d))) {
			if (pt[0])
				sl_free(d, pt[0]);
			return -1;
		}
	}
	for (unsigned i = 0; i < 2; i++)
		if (edge[i])
			sl_split(d, edge[i], pt[i]);
	return 0;
}

int vtd_unmap(struct vtd_domain *d, gpa_t gpa, uint64_t size)
{
	BUG_ON(!d->pml4);
	if (!sl_range_ok(gpa, size) || sl_split_edges(d, gpa, gpa + size))
		return -1;
	sl_clear_range(d, gpa, gpa + size);
	return 0;
}

static void sl_free_tree(struct vtd_domain *d, hpa_t pa, unsigned level)
{
	const uint64_t *t = sl_table(d, pa);

	for (unsigned i = 0; level > 1 && i < VTD_SL_ENTRIES; i++)
		if (sl_present(t[i]) && !sl_is_leaf(t[i], level))
			sl_free_tree(d, t[i] & VTD_SL_ADDR, level - 1);
	sl_free(d, pa);
}

void vtd_domain_destroy(struct vtd_domain *d)
{
	if (!d->pml4)
		return;
	sl_free_tree(d, d->pml4, VTD_SL_LEVELS);
	BUG_ON(d->table_pages != 0);
	d->pml4 = 0;
}

int vtd_domain_build(struct vtd_domain *d, const struct vtd_mem_ops *ops,
		     uint16_t did, bool large_pages,
		     const struct vtd_range *ranges, unsigned count,
		     unsigned *bad)
{
	if (bad)
		*bad = count;
	if (vtd_domain_init(d, ops, did, large_pages))
		return -1;
	for (unsigned i = 0; i < count; i++) {
		if (vtd_map(d, ranges[i].gpa, ranges[i].hpa, ranges[i].size,
			    VTD_RW) == 0)
			continue;
		if (bad)
			*bad = i;
		vtd_domain_destroy(d);
		return -1;
	}
	return 0;
}
