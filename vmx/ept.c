/*
 * vmx/ept.c - Extended Page Tables: guest-physical to host-physical.
 * Runs in VMX root on any CPU, for one VM at a time (the VM's owner
 * serialises calls on its struct ept). Pure logic: table pages come and
 * go through struct ept_mem_ops, so tests/unit/test_ept.c runs this very
 * file on fake physical memory. docs/ept.md explains it for a student.
 * SDM Vol. 3C, "EPT Translation Mechanism", "Format of EPT
 * Paging-Structure Entries", "EPT and Memory Typing", "Extended-Page-Table
 * Pointer (EPTP)", "Exit Qualification for EPT Violations".
 *
 * The shape of our tables, which the code below relies on:
 * - A non-leaf entry always allows read, write and execute; the leaf
 *   alone decides what the guest may do (the CPU ANDs the levels).
 * - Every table except the PML4 holds at least one present entry: unmap
 *   frees the tables it empties. So a present entry above a 4 KiB leaf
 *   always leads to some mapped page.
 * - We never build 1 GiB pages; a 2 MiB page is a PDE with EPT_LARGE_PAGE.
 */
#include "lib/panic.h"
#include "vmx/ept.h"

#define EPT_LARGE_SIZE	 EPT_LEVEL_SIZE(2)
#define EPT_LEAF_ATTRS	 (EPT_PERMS | EPT_MEMTYPE_MASK | EPT_IGNORE_PAT)
#define EPT_PAGE_OFFSET	 (PAGE_SIZE - 1)
#define EPT_LARGE_OFFSET (EPT_LARGE_SIZE - 1)

static uint64_t *ept_table(const struct ept *ept, hpa_t pa)
{
	return ept->ops.table_ptr(ept->ops.ctx, pa);
}

static hpa_t ept_alloc_table(struct ept *ept)
{
	hpa_t pa = ept->ops.alloc_table(ept->ops.ctx);

	BUG_ON(pa & ~EPT_ADDR_MASK);
	if (pa)
		ept->table_pages++;
	return pa;
}

static void ept_free_table(struct ept *ept, hpa_t pa)
{
	BUG_ON(ept->table_pages == 0);
	ept->table_pages--;
	ept->ops.free_table(ept->ops.ctx, pa);
}

/* The CPU may walk the tables while we change them: every entry is
 * written with one 64-bit store, in program order. */
static void ept_set(uint64_t *slot, uint64_t value)
{
	*(volatile uint64_t *)slot = value;
}

static unsigned ept_index(gpa_t gpa, unsigned level)
{
	return (gpa >> EPT_LEVEL_SHIFT(level)) & (EPT_ENTRIES - 1);
}

/* The first address of the next entry at `level` after the one holding
 * gpa. */
static gpa_t ept_next(gpa_t gpa, unsigned level)
{
	return ALIGN_DOWN(gpa, EPT_LEVEL_SIZE(level)) + EPT_LEVEL_SIZE(level);
}

/* SDM Vol. 3C, "EPT Translation Mechanism": an entry with bits 2:0 clear
 * is not present. */
static bool ept_present(uint64_t entry)
{
	return entry & EPT_PERMS;
}

static bool ept_is_leaf(uint64_t entry, unsigned level)
{
	return level == 1 || (entry & EPT_LARGE_PAGE);
}

static bool ept_table_empty(const uint64_t *table)
{
	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		if (table[i])
			return false;
	return true;
}

/* An entry that references the next table. */
static uint64_t ept_table_entry(hpa_t table)
{
	return table | EPT_PERMS;
}

/*
 * A leaf. SDM Vol. 3C, "EPT and Memory Typing": with the ignore-PAT bit
 * clear the CPU combines the guest's PAT type with ours as it would an
 * MTRR type. Guest RAM (WB) sets it: the guest's RAM is always WB, as the
 * hypervisor sees the same pages through its identity map, so one page
 * never has two memory types (which the SDM leaves undefined) and no
 * device does non-coherent DMA to it. Device memory (UC) leaves it clear:
 * UC wins over every PAT type but WC, so a guest may still map a
 * framebuffer write-combining.
 */
static uint64_t ept_leaf_entry(hpa_t hpa, unsigned level, unsigned perms,
			       unsigned memtype)
{
	uint64_t entry = hpa | perms | (uint64_t)memtype << EPT_MEMTYPE_SHIFT;

	if (memtype == EPT_MT_WB)
		entry |= EPT_IGNORE_PAT;
	if (level == 2)
		entry |= EPT_LARGE_PAGE;
	return entry;
}

/*
 * Walk from the PML4 towards gpa's entry at `level`; stop early at an
 * entry that is not present or is a leaf. Returns that entry and its
 * level in *at.
 */
static uint64_t *ept_walk(const struct ept *ept, gpa_t gpa, unsigned level,
			  unsigned *at)
{
	uint64_t *table = ept_table(ept, ept->pml4);
	unsigned lv = EPT_LEVELS;

	for (;;) {
		uint64_t *slot = &table[ept_index(gpa, lv)];

		if (lv == level || !ept_present(*slot) ||
		    ept_is_leaf(*slot, lv)) {
			*at = lv;
			return slot;
		}
		table = ept_table(ept, *slot & EPT_ADDR_MASK);
		lv--;
	}
}

/* 4 KiB aligned, not empty, inside the 48-bit guest-physical space. */
static bool ept_range_ok(gpa_t gpa, uint64_t size)
{
	return !(gpa & EPT_PAGE_OFFSET) && !(size & EPT_PAGE_OFFSET) && size &&
	       size <= EPT_GPA_LIMIT && gpa <= EPT_GPA_LIMIT - size;
}

/* Readable, maybe writable and executable; nothing else. */
static bool ept_perms_ok(unsigned perms)
{
	return !(perms & ~EPT_PERMS) && (perms & EPT_READ);
}

static bool ept_map_args_ok(gpa_t gpa, hpa_t hpa, uint64_t size, unsigned perms,
			    unsigned memtype)
{
	return ept_range_ok(gpa, size) && !(hpa & EPT_PAGE_OFFSET) &&
	       size <= EPT_HPA_LIMIT && hpa <= EPT_HPA_LIMIT - size &&
	       ept_perms_ok(perms) &&
	       (memtype == EPT_MT_WB || memtype == EPT_MT_UC);
}

/* Is no page of [gpa, end) mapped? Skips whole absent tables. */
static bool ept_range_empty(const struct ept *ept, gpa_t gpa, gpa_t end)
{
	while (gpa < end) {
		unsigned lv;

		if (ept_present(*ept_walk(ept, gpa, 1, &lv)))
			return false;
		gpa = ept_next(gpa, lv);
	}
	return true;
}

/*
 * Clear every leaf inside [start, end) of the table at `level`, and free
 * the tables below it that this leaves empty. No leaf may straddle start
 * or end (ept_split_edges sees to that).
 */
static void ept_clear(struct ept *ept, uint64_t *table, unsigned level,
		      gpa_t start, gpa_t end)
{
	for (gpa_t gpa = start; gpa < end; gpa = ept_next(gpa, level)) {
		uint64_t *slot = &table[ept_index(gpa, level)];
		gpa_t next = MIN(end, ept_next(gpa, level));
		hpa_t child_pa;
		uint64_t *child;

		if (!ept_present(*slot))
			continue;
		if (ept_is_leaf(*slot, level)) {
			BUG_ON(gpa & (EPT_LEVEL_SIZE(level) - 1));
			BUG_ON(next != ept_next(gpa, level));
			ept_set(slot, 0);
			continue;
		}
		child_pa = *slot & EPT_ADDR_MASK;
		child = ept_table(ept, child_pa);
		ept_clear(ept, child, level - 1, gpa, next);
		if (ept_table_empty(child)) {
			ept_set(slot, 0);
			ept_free_table(ept, child_pa);
		}
	}
}

static void ept_clear_range(struct ept *ept, gpa_t start, gpa_t end)
{
	ept_clear(ept, ept_table(ept, ept->pml4), EPT_LEVELS, start, end);
}

int ept_init(struct ept *ept, const struct ept_mem_ops *ops, bool large_pages)
{
	ept->ops = *ops;
	ept->table_pages = 0;
	ept->large_pages = large_pages;
	ept->pml4 = ept_alloc_table(ept);
	return ept->pml4 ? 0 : -1;
}

/* gpa's entry at `level`, with the tables above it allocated as needed;
 * NULL when out of memory. The range must have been found empty. */
static uint64_t *ept_slot_alloc(struct ept *ept, gpa_t gpa, unsigned level)
{
	uint64_t *table = ept_table(ept, ept->pml4);

	for (unsigned lv = EPT_LEVELS; lv > level; lv--) {
		uint64_t *slot = &table[ept_index(gpa, lv)];

		if (!ept_present(*slot)) {
			hpa_t pa = ept_alloc_table(ept);

			if (!pa)
				return NULL;
			ept_set(slot, ept_table_entry(pa));
		}
		BUG_ON(ept_is_leaf(*slot, lv));
		table = ept_table(ept, *slot & EPT_ADDR_MASK);
	}
	return &table[ept_index(gpa, level)];
}

/* 2 MiB when allowed and both addresses are aligned with 2 MiB left. */
static unsigned ept_leaf_level(const struct ept *ept, gpa_t gpa, hpa_t hpa,
			       uint64_t left)
{
	if (ept->large_pages && !((gpa | hpa) & EPT_LARGE_OFFSET) &&
	    left >= EPT_LARGE_SIZE)
		return 2;
	return 1;
}

int ept_map(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size,
	    unsigned perms, unsigned memtype)
{
	gpa_t end = gpa + size;

	BUG_ON(!ept->pml4);
	if (!ept_map_args_ok(gpa, hpa, size, perms, memtype) ||
	    !ept_range_empty(ept, gpa, end))
		return -1;
	for (gpa_t cur = gpa; cur < end;) {
		hpa_t to = hpa + (cur - gpa);
		unsigned level = ept_leaf_level(ept, cur, to, end - cur);
		uint64_t *slot = ept_slot_alloc(ept, cur, level);

		if (!slot) {
			/* Undo: our leaves before cur, and the tables we
			 * linked on the way to cur's entry. */
			ept_clear_range(ept, gpa, cur + EPT_LEVEL_SIZE(level));
			return -1;
		}
		ept_set(slot, ept_leaf_entry(to, level, perms, memtype));
		cur += EPT_LEVEL_SIZE(level);
	}
	return 0;
}

/* The 2 MiB page that `boundary` falls strictly inside, or NULL. */
static uint64_t *ept_large_around(const struct ept *ept, gpa_t boundary)
{
	unsigned lv;
	uint64_t *slot;

	if (!(boundary & EPT_LARGE_OFFSET))
		return NULL;
	slot = ept_walk(ept, boundary, 2, &lv);
	if (lv == 2 && ept_present(*slot) && ept_is_leaf(*slot, 2))
		return slot;
	return NULL;
}

/* Replace the 2 MiB leaf at *pde by the table at pt_pa with 512 4 KiB
 * leaves to the same pages, with the same permissions and memory type:
 * the translation does not change. */
static void ept_split(struct ept *ept, uint64_t *pde, hpa_t pt_pa)
{
	uint64_t *pt = ept_table(ept, pt_pa);
	hpa_t base = *pde & EPT_ADDR_MASK_2M;
	uint64_t attrs = *pde & EPT_LEAF_ATTRS;

	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		ept_set(&pt[i], (base + i * PAGE_SIZE) | attrs);
	ept_set(pde, ept_table_entry(pt_pa));
}

/* Split the (at most two) 2 MiB pages that start or end falls inside.
 * Takes both table pages first, so that it fails having changed
 * nothing. */
static int ept_split_edges(struct ept *ept, gpa_t start, gpa_t end)
{
	uint64_t *edge[2] = {ept_large_around(ept, start),
			     ept_large_around(ept, end)};
	hpa_t pt[2] = {0, 0};

	if (edge[1] == edge[0])
		edge[1] = NULL;
	for (unsigned i = 0; i < 2; i++) {
		if (edge[i] && !(pt[i] = ept_alloc_table(ept))) {
			if (pt[0])
				ept_free_table(ept, pt[0]);
			return -1;
		}
	}
	for (unsigned i = 0; i < 2; i++)
		if (edge[i])
			ept_split(ept, edge[i], pt[i]);
	return 0;
}

int ept_unmap(struct ept *ept, gpa_t gpa, uint64_t size)
{
	BUG_ON(!ept->pml4);
	if (!ept_range_ok(gpa, size) || ept_split_edges(ept, gpa, gpa + size))
		return -1;
	ept_clear_range(ept, gpa, gpa + size);
	return 0;
}

bool ept_translate(const struct ept *ept, gpa_t gpa, hpa_t *hpa,
		   unsigned *perms, unsigned *level)
{
	unsigned lv;
	uint64_t entry, offset;

	BUG_ON(!ept->pml4);
	if (gpa >= EPT_GPA_LIMIT)
		return false;
	entry = *ept_walk(ept, gpa, 1, &lv);
	if (!ept_present(entry))
		return false;
	offset = EPT_LEVEL_SIZE(lv) - 1;
	if (hpa)
		*hpa = (entry & EPT_ADDR_MASK & ~offset) | (gpa & offset);
	if (perms)
		*perms = entry & EPT_PERMS; /* the tables above allow all */
	if (level)
		*level = lv;
	return true;
}

uint64_t ept_eptp(const struct ept *ept)
{
	BUG_ON(!ept->pml4);
	return ept->pml4 | EPTP_WALK_LENGTH_4 | EPTP_MEMTYPE_WB;
}

static void ept_free_tree(struct ept *ept, hpa_t pa, unsigned level)
{
	const uint64_t *table = ept_table(ept, pa);

	for (unsigned i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if (ept_present(table[i]) && !ept_is_leaf(table[i], level))
			ept_free_tree(ept, table[i] & EPT_ADDR_MASK, level - 1);
	ept_free_table(ept, pa);
}

void ept_destroy(struct ept *ept)
{
	if (!ept->pml4)
		return;
	ept_free_tree(ept, ept->pml4, EPT_LEVELS);
	BUG_ON(ept->table_pages != 0);
	ept->pml4 = 0;
}

void ept_violation_decode(uint64_t qual, struct ept_violation *v)
{
	v->read = qual & EPT_VIOL_READ;
	v->write = qual & EPT_VIOL_WRITE;
	v->fetch = qual & EPT_VIOL_FETCH;
	v->readable = qual & EPT_VIOL_READABLE;
	v->writable = qual & EPT_VIOL_WRITABLE;
	v->executable = qual & EPT_VIOL_EXECUTABLE;
	v->linear_valid = qual & EPT_VIOL_LINEAR_VALID;
	/* Bit 8 is defined only when bit 7 is set. */
	v->translated = v->linear_valid && (qual & EPT_VIOL_TRANSLATED);
	v->nmi_unblocking = qual & EPT_VIOL_NMI_UNBLOCKING;
}
