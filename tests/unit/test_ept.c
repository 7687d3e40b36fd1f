/*
 * tests/unit/test_ept.c - vmx/ept.c (EPT builder, walker, EPTP, EPT
 * violation decoding), on the host. The tables are built in a fake
 * physical arena: 128 MiB of malloc'd "host memory" at host-physical
 * 1 GiB, whose table allocator counts every page it hands out and takes
 * back, zeroes pages on the way out, poisons them on the way back, can be
 * told to fail, and fails the test when vmx/ept.c touches a page that is
 * not a live table. Guest memory for the VMs is carved from the same
 * arena. The test reads the finished tables with its own walker, written
 * from the SDM, not from ept.c.
 * SDM Vol. 3C, "EPT Translation Mechanism", "Format of EPT
 * Paging-Structure Entries", "EPT and Memory Typing", "Extended-Page-Table
 * Pointer (EPTP)", "Exit Qualification for EPT Violations".
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "vmx/ept.h"

#define ARENA_BASE  0x40000000ULL /* 1 GiB: 2 MiB aligned */
#define ARENA_SIZE  (128 * MIB)
#define ARENA_PAGES (ARENA_SIZE / PAGE_SIZE)
#define POISON	    0xa5

/* What the SDM says, spelled out here rather than taken from ept.h. */
#define SDM_ADDR	0x000ffffffffff000ULL /* bits 51:12 */
#define SDM_RWX		0x7ULL
#define SDM_MT(e)	(((e) >> 3) & 7)
#define SDM_IPAT	0x40ULL
#define SDM_LARGE	0x80ULL
#define SDM_2M_RESERVED 0x1ff000ULL /* bits 20:12 of a 2 MiB leaf */

#define M2  (2 * MIB)
#define K4  PAGE_SIZE
#define RW  (EPT_READ | EPT_WRITE)
#define RX  (EPT_READ | EPT_EXEC)
#define RWX (EPT_READ | EPT_WRITE | EPT_EXEC)

struct arena {
	uint8_t *mem;
	bool used[ARENA_PAGES];	 /* handed out: a table or guest memory */
	bool table[ARENA_PAGES]; /* handed out by arena_alloc_table */
	uint64_t allocs, frees;	 /* table pages */
	long fail_after;	 /* allocations that still succeed; -1 all */
};

static struct arena arena;

static uint64_t arena_page(hpa_t pa)
{
	assert_true(pa >= ARENA_BASE && pa < ARENA_BASE + ARENA_SIZE);
	assert_int_equal(pa % PAGE_SIZE, 0);
	return (pa - ARENA_BASE) / PAGE_SIZE;
}

/* Tables come from the top of the arena. */
static hpa_t arena_alloc_table(void *ctx)
{
	assert_ptr_equal(ctx, &arena);
	if (arena.fail_after == 0)
		return 0;
	if (arena.fail_after > 0)
		arena.fail_after--;
	for (uint64_t i = ARENA_PAGES; i-- > 0;) {
		if (arena.used[i])
			continue;
		arena.used[i] = arena.table[i] = true;
		memset(arena.mem + i * PAGE_SIZE, 0, PAGE_SIZE);
		arena.allocs++;
		return ARENA_BASE + i * PAGE_SIZE;
	}
	return 0;
}

static void arena_free_table(void *ctx, hpa_t pa)
{
	uint64_t i = arena_page(pa);

	assert_true(arena.table[i]);
	arena.used[i] = arena.table[i] = false;
	memset(arena.mem + i * PAGE_SIZE, POISON, PAGE_SIZE);
	arena.frees++;
}

/* ept.c may look at live table pages only. */
static void *arena_table_ptr(void *ctx, hpa_t pa)
{
	uint64_t i = arena_page(pa);

	assert_true(arena.table[i]);
	return arena.mem + i * PAGE_SIZE;
}

static const struct ept_mem_ops arena_ops = {
	arena_alloc_table, arena_free_table, arena_table_ptr, &arena};

/* Guest memory: `size` bytes aligned to `align`, from the bottom. */
static hpa_t arena_alloc_guest(uint64_t size, uint64_t align)
{
	uint64_t n = size / PAGE_SIZE, step = align / PAGE_SIZE;

	for (uint64_t i = 0; i + n <= ARENA_PAGES; i += step) {
		uint64_t j = 0;

		while (j < n && !arena.used[i + j])
			j++;
		if (j < n)
			continue;
		for (j = 0; j < n; j++)
			arena.used[i + j] = true;
		return ARENA_BASE + i * PAGE_SIZE;
	}
	fail_msg("arena: no %llu bytes for guest memory",
		 (unsigned long long)size);
	return 0;
}

static uint64_t arena_live_tables(void)
{
	return arena.allocs - arena.frees;
}

static int setup(void **state)
{
	if (!arena.mem)
		arena.mem = malloc(ARENA_SIZE);
	assert_non_null(arena.mem);
	memset(arena.used, 0, sizeof(arena.used));
	memset(arena.table, 0, sizeof(arena.table));
	arena.allocs = arena.frees = 0;
	arena.fail_after = -1;
	return 0;
}

static int group_teardown(void **state)
{
	free(arena.mem);
	arena.mem = NULL;
	return 0;
}

/* ---- the test's own walker ----------------------------------------------
 * Every entry it meets must have the exact format ept.c promises: a
 * non-leaf entry is an address with read, write and execute and nothing
 * else; a leaf has no bit set outside address, permissions, memory type,
 * ignore-PAT and (2 MiB) large page; a non-zero entry is present. */

struct leaf {
	gpa_t gpa;
	hpa_t hpa;
	uint64_t size;
	uint64_t entry;
};

#define MAX_LEAVES 20000
#define MAX_TABLES 64

static struct leaf leaves[MAX_LEAVES];
static size_t leaf_count;
static hpa_t tables[MAX_TABLES];
static size_t table_count;

static void collect_table(hpa_t pa, unsigned level, gpa_t base)
{
	const uint64_t *t = arena_table_ptr(&arena, pa);

	assert_true(table_count < MAX_TABLES);
	tables[table_count++] = pa;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];
		gpa_t gpa = base + ((uint64_t)i << (12 + 9 * (level - 1)));
		bool large = level == 2 && (e & SDM_LARGE);
		uint64_t size = large ? M2 : K4;

		if (!e)
			continue;
		assert_true(e & SDM_RWX);
		if (level > 1 && !large) {
			assert_int_equal(e & ~SDM_ADDR, SDM_RWX);
			collect_table(e & SDM_ADDR, level - 1, gpa);
			continue;
		}
		assert_int_equal(e & ~(SDM_ADDR | 0x7f | SDM_LARGE), 0);
		if (large)
			assert_int_equal(e & SDM_2M_RESERVED, 0);
		assert_true(leaf_count < MAX_LEAVES);
		leaves[leaf_count++] =
			(struct leaf){gpa, e & SDM_ADDR, size, e};
	}
}

/* Every leaf and table of ept, in gpa order. */
static void collect(const struct ept *ept)
{
	leaf_count = table_count = 0;
	collect_table(ept->pml4, 4, 0);
	assert_int_equal(table_count, ept->table_pages);
}

static size_t count_leaves(uint64_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < leaf_count; i++)
		n += leaves[i].size == size;
	return n;
}

struct mapping {
	gpa_t gpa;
	hpa_t hpa;
	uint64_t size;
	unsigned perms, memtype;
};

/* The leaves of ept map exactly the given (disjoint) mappings: each leaf
 * lies inside one of them with the right address, permissions and memory
 * type, and together they cover every byte of every mapping. */
static void assert_maps_exactly(const struct ept *ept, const struct mapping *m,
				size_t n)
{
	uint64_t covered = 0, wanted = 0;

	collect(ept);
	for (size_t i = 0; i < leaf_count; i++) {
		const struct leaf *l = &leaves[i];
		size_t k = 0;

		while (k < n && !(l->gpa >= m[k].gpa &&
				  l->gpa + l->size <= m[k].gpa + m[k].size))
			k++;
		if (k == n)
			fail_msg("leaf at gpa 0x%llx maps nothing asked for",
				 (unsigned long long)l->gpa);
		assert_int_equal(l->hpa, m[k].hpa + (l->gpa - m[k].gpa));
		assert_int_equal(l->entry & SDM_RWX, m[k].perms);
		assert_int_equal(SDM_MT(l->entry), m[k].memtype);
		assert_int_equal(!!(l->entry & SDM_IPAT),
				 m[k].memtype == EPT_MT_WB);
		covered += l->size;
	}
	for (size_t k = 0; k < n; k++)
		wanted += m[k].size;
	assert_int_equal(covered, wanted);
}

/* No leaf reaches a table page, of this EPT or any other. */
static void assert_no_leaf_in_tables(void)
{
	for (size_t i = 0; i < leaf_count; i++)
		for (uint64_t off = 0; off < leaves[i].size; off += K4) {
			hpa_t pa = leaves[i].hpa + off;

			if (pa >= ARENA_BASE && pa < ARENA_BASE + ARENA_SIZE)
				assert_false(arena.table[arena_page(pa)]);
		}
}

static void assert_translates(const struct ept *ept, gpa_t gpa, hpa_t hpa,
			      unsigned perms, unsigned level)
{
	hpa_t got;
	unsigned p, lv;

	if (!ept_translate(ept, gpa, &got, &p, &lv))
		fail_msg("gpa 0x%llx not mapped", (unsigned long long)gpa);
	assert_int_equal(got, hpa);
	assert_int_equal(p, perms);
	assert_int_equal(lv, level);
}

static void assert_unmapped(const struct ept *ept, gpa_t gpa)
{
	hpa_t hpa = 0x1234;

	if (ept_translate(ept, gpa, &hpa, NULL, NULL))
		fail_msg("gpa 0x%llx mapped to 0x%llx", (unsigned long long)gpa,
			 (unsigned long long)hpa);
}

/* A copy of the tables' meaning, to show that a refused call changed
 * nothing. */
static struct leaf saved[MAX_LEAVES];
static size_t saved_count;
static uint64_t saved_tables, saved_allocs, saved_frees;

static void save(const struct ept *ept)
{
	collect(ept);
	memcpy(saved, leaves, leaf_count * sizeof(leaves[0]));
	saved_count = leaf_count;
	saved_tables = ept->table_pages;
	saved_allocs = arena.allocs;
	saved_frees = arena.frees;
}

/* Nothing changed, and every page taken since save() was given back. */
static void assert_as_saved(const struct ept *ept)
{
	collect(ept);
	assert_int_equal(leaf_count, saved_count);
	assert_memory_equal(leaves, saved, leaf_count * sizeof(leaves[0]));
	assert_int_equal(ept->table_pages, saved_tables);
	assert_int_equal(arena.allocs - saved_allocs,
			 arena.frees - saved_frees);
}

static struct ept ept_new(bool large_pages)
{
	struct ept ept;

	assert_int_equal(ept_init(&ept, &arena_ops, large_pages), 0);
	assert_int_equal(ept.table_pages, 1);
	return ept;
}

/* ---- building -------------------------------------------------------- */

static void test_map_64m_with_large_pages(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(64 * MIB, M2);
	struct mapping m = {0, h, 64 * MIB, RWX, EPT_MT_WB};

	assert_int_equal(ept_map(&ept, 0, h, 64 * MIB, RWX, EPT_MT_WB), 0);
	assert_maps_exactly(&ept, &m, 1);
	assert_int_equal(leaf_count, 32);
	assert_int_equal(count_leaves(M2), 32);
	assert_int_equal(ept.table_pages, 3); /* PML4, PDPT, PD */
	for (gpa_t g = 0; g < 64 * MIB; g += K4)
		assert_translates(&ept, g, h + g, RWX, 2);
	assert_translates(&ept, 0x12345, h + 0x12345, RWX, 2);
	assert_unmapped(&ept, 64 * MIB);
	ept_destroy(&ept);
}

static void test_map_unaligned_hpa_uses_4k_pages(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(10 * MIB, M2) + K4;
	struct mapping m = {0, h, 8 * MIB, RW, EPT_MT_WB};

	assert_int_equal(ept_map(&ept, 0, h, 8 * MIB, RW, EPT_MT_WB), 0);
	assert_maps_exactly(&ept, &m, 1);
	assert_int_equal(count_leaves(K4), 2048);
	assert_int_equal(count_leaves(M2), 0);
	assert_int_equal(ept.table_pages, 3 + 4); /* + one PT per 2 MiB */
	for (gpa_t g = 0; g < 8 * MIB; g += K4)
		assert_translates(&ept, g, h + g, RW, 1);
	assert_translates(&ept, 0x5abc, h + 0x5abc, RW, 1);
	ept_destroy(&ept);
}

static void test_map_2m_plus_8k(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(8 * MIB, M2);
	struct mapping m = {M2, h, M2 + 2 * K4, RWX, EPT_MT_WB};

	assert_int_equal(ept_map(&ept, M2, h, M2 + 2 * K4, RWX, EPT_MT_WB), 0);
	assert_maps_exactly(&ept, &m, 1);
	assert_int_equal(leaf_count, 3);
	assert_int_equal(leaves[0].size, M2);
	assert_int_equal(leaves[1].gpa, 2 * M2);
	assert_int_equal(leaves[1].size, K4);
	assert_int_equal(leaves[2].gpa, 2 * M2 + K4);
	assert_translates(&ept, M2 + 0x1000, h + 0x1000, RWX, 2);
	assert_translates(&ept, 2 * M2 + K4, h + M2 + K4, RWX, 1);
	assert_unmapped(&ept, 2 * M2 + 2 * K4);
	assert_unmapped(&ept, M2 - K4);
	ept_destroy(&ept);
}

/* gpa and hpa not aligned but equally far from 2 MiB: 4K, 2M, 4K. */
static void test_map_unaligned_start_then_large(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(8 * MIB, M2) + M2 - K4;
	gpa_t g = 3 * M2 - K4;
	struct mapping m = {g, h, M2 + 2 * K4, RX, EPT_MT_WB};

	assert_int_equal(ept_map(&ept, g, h, M2 + 2 * K4, RX, EPT_MT_WB), 0);
	assert_maps_exactly(&ept, &m, 1);
	assert_int_equal(leaf_count, 3);
	assert_int_equal(leaves[0].size, K4);
	assert_int_equal(leaves[1].size, M2);
	assert_int_equal(leaves[1].gpa, 3 * M2);
	assert_int_equal(leaves[2].size, K4);
	assert_translates(&ept, g, h, RX, 1);
	assert_translates(&ept, 3 * M2, h + K4, RX, 2);
	assert_translates(&ept, 4 * M2, h + K4 + M2, RX, 1);
	ept_destroy(&ept);
}

static void test_map_without_large_pages(void **state)
{
	struct ept ept = ept_new(false);
	hpa_t h = arena_alloc_guest(4 * MIB, M2);
	struct mapping m = {0, h, 4 * MIB, RWX, EPT_MT_WB};

	assert_int_equal(ept_map(&ept, 0, h, 4 * MIB, RWX, EPT_MT_WB), 0);
	assert_maps_exactly(&ept, &m, 1);
	assert_int_equal(count_leaves(K4), 1024);
	assert_int_equal(count_leaves(M2), 0);
	assert_translates(&ept, 0, h, RWX, 1);
	ept_destroy(&ept);
}

static void test_holes_and_beyond_are_unmapped(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(8 * MIB, M2);

	assert_int_equal(ept_map(&ept, 0, h, 4 * MIB, RWX, EPT_MT_WB), 0);
	assert_int_equal(
		ept_map(&ept, 8 * MIB, h + 4 * MIB, 2 * MIB, RW, EPT_MT_WB), 0);
	assert_int_equal(
		ept_map(&ept, GIB + K4, h + 6 * MIB, K4, RW, EPT_MT_WB), 0);
	assert_translates(&ept, 4 * MIB - 1, h + 4 * MIB - 1, RWX, 2);
	assert_unmapped(&ept, 4 * MIB);
	assert_unmapped(&ept, 6 * MIB);
	assert_unmapped(&ept, 8 * MIB - K4);
	assert_translates(&ept, 8 * MIB, h + 4 * MIB, RW, 2);
	assert_unmapped(&ept, 10 * MIB);
	assert_unmapped(&ept, GIB);
	assert_translates(&ept, GIB + K4, h + 6 * MIB, RW, 1);
	assert_unmapped(&ept, GIB + 2 * K4);
	assert_unmapped(&ept, 512 * GIB);
	assert_unmapped(&ept, EPT_GPA_LIMIT - K4);
	assert_unmapped(&ept, EPT_GPA_LIMIT);
	assert_unmapped(&ept, ~0ULL);
	ept_destroy(&ept);
}

/* Ranges across a 1 GiB and a 512 GiB boundary, at the top of the
 * 48-bit space, with every accepted perms and memtype: the leaves map
 * those and nothing else. */
static void test_maps_nothing_else(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(32 * MIB, M2);
	const struct mapping m[] = {
		{0, h, 640 * KIB, RWX, EPT_MT_WB},
		{MIB, h + MIB, 15 * MIB, RWX, EPT_MT_WB},
		{GIB - 4 * MIB - K4, h + 16 * MIB - K4, 8 * MIB, RW, EPT_MT_WB},
		{512 * GIB - M2, 0xfee00000, M2 + K4, RW, EPT_MT_UC},
		{0xfec00000, 0xfec00000, K4, EPT_READ, EPT_MT_UC},
		{EPT_GPA_LIMIT - M2, 0xffffffe00000ULL, M2, RX, EPT_MT_UC},
	};
	const unsigned first_level[] = {1, 1, 1, 2, 1, 2};
	const unsigned last_level[] = {1, 2, 1, 1, 1, 2};

	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		assert_int_equal(ept_map(&ept, m[i].gpa, m[i].hpa, m[i].size,
					 m[i].perms, m[i].memtype),
				 0);
	assert_maps_exactly(&ept, m, ARRAY_SIZE(m));
	assert_no_leaf_in_tables();
	/* The walker agrees at the first and the last byte of each. */
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		gpa_t last = m[i].gpa + m[i].size - 1;

		assert_translates(&ept, m[i].gpa, m[i].hpa, m[i].perms,
				  first_level[i]);
		assert_translates(&ept, last, m[i].hpa + m[i].size - 1,
				  m[i].perms, last_level[i]);
	}
	ept_destroy(&ept);
}

/* Two VMs' EPTs from one arena, each VM with its own guest memory: no
 * leaf of one reaches the other's memory or any table, and they share no
 * table page. */
static void test_two_epts_are_disjoint(void **state)
{
	struct ept a = ept_new(true), b = ept_new(true);
	hpa_t ha = arena_alloc_guest(16 * MIB, M2);
	hpa_t hb = arena_alloc_guest(16 * MIB, M2);
	const struct mapping ma[] = {
		{0, ha, 8 * MIB, RWX, EPT_MT_WB},
		{GIB, ha + 8 * MIB + K4, 4 * MIB, RW, EPT_MT_WB}};
	const struct mapping mb[] = {{0, hb, 16 * MIB, RWX, EPT_MT_WB}};
	hpa_t tables_a[MAX_TABLES];
	size_t n_a;

	for (size_t i = 0; i < ARRAY_SIZE(ma); i++)
		assert_int_equal(ept_map(&a, ma[i].gpa, ma[i].hpa, ma[i].size,
					 ma[i].perms, ma[i].memtype),
				 0);
	assert_int_equal(ept_map(&b, 0, hb, 16 * MIB, RWX, EPT_MT_WB), 0);

	assert_maps_exactly(&a, ma, ARRAY_SIZE(ma));
	assert_no_leaf_in_tables();
	for (size_t i = 0; i < leaf_count; i++)
		assert_true(leaves[i].hpa + leaves[i].size <= hb ||
			    leaves[i].hpa >= hb + 16 * MIB);
	memcpy(tables_a, tables, table_count * sizeof(tables[0]));
	n_a = table_count;

	assert_maps_exactly(&b, mb, 1);
	assert_no_leaf_in_tables();
	for (size_t i = 0; i < leaf_count; i++)
		assert_true(leaves[i].hpa + leaves[i].size <= ha ||
			    leaves[i].hpa >= ha + 16 * MIB);
	for (size_t i = 0; i < table_count; i++)
		for (size_t j = 0; j < n_a; j++)
			assert_int_not_equal(tables[i], tables_a[j]);
	assert_int_equal(a.table_pages + b.table_pages, arena_live_tables());
	ept_destroy(&a);
	ept_destroy(&b);
	assert_int_equal(arena_live_tables(), 0);
}

static void test_overlapping_map_refused(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(16 * MIB, M2);

	assert_int_equal(ept_map(&ept, 0, h, 4 * MIB, RW, EPT_MT_WB), 0);
	assert_int_equal(
		ept_map(&ept, 10 * MIB + K4, h + 8 * MIB, K4, RW, EPT_MT_WB),
		0);
	save(&ept);
	/* Into a 2 MiB page, across its end, over all of it. */
	assert_int_equal(ept_map(&ept, M2, h + 4 * MIB, 4 * MIB, RW, EPT_MT_WB),
			 -1);
	assert_int_equal(
		ept_map(&ept, 4 * MIB - K4, h + 8 * MIB, 2 * K4, RW, EPT_MT_WB),
		-1);
	assert_int_equal(ept_map(&ept, 0, h, 4 * MIB, RW, EPT_MT_WB), -1);
	/* A 2 MiB page that would cover one mapped 4 KiB page. */
	assert_int_equal(
		ept_map(&ept, 10 * MIB, h + 10 * MIB, M2, RW, EPT_MT_WB), -1);
	/* A range whose only overlap is its last page. */
	assert_int_equal(ept_map(&ept, 6 * MIB, h + 6 * MIB, 4 * MIB + 2 * K4,
				 RW, EPT_MT_WB),
			 -1);
	assert_as_saved(&ept);
	assert_int_equal(arena.allocs, saved_allocs); /* validated first */
	/* The page just before is free. */
	assert_int_equal(
		ept_map(&ept, 10 * MIB, h + 12 * MIB, K4, RW, EPT_MT_WB), 0);
	ept_destroy(&ept);
}

static void test_map_bad_arguments_refused(void **state)
{
	struct ept ept = ept_new(true);

	save(&ept);
	assert_int_equal(ept_map(&ept, 0x800, 0, K4, RW, EPT_MT_WB), -1);
	assert_int_equal(ept_map(&ept, 0, 0x800, K4, RW, EPT_MT_WB), -1);
	assert_int_equal(ept_map(&ept, 0, 0, 0x800, RW, EPT_MT_WB), -1);
	assert_int_equal(ept_map(&ept, 0, 0, 0, RW, EPT_MT_WB), -1);
	assert_int_equal(ept_map(&ept, 0, 0, K4, 0, EPT_MT_WB), -1);
	assert_int_equal(ept_map(&ept, 0, 0, K4, EPT_WRITE, EPT_MT_WB), -1);
	assert_int_equal(ept_map(&ept, 0, 0, K4, EPT_EXEC, EPT_MT_WB), -1);
	assert_int_equal(ept_map(&ept, 0, 0, K4, RW | 8, EPT_MT_WB), -1);
	for (unsigned mt = 1; mt < 8; mt++)
		if (mt != EPT_MT_WB)
			assert_int_equal(ept_map(&ept, 0, 0, K4, RW, mt), -1);
	assert_int_equal(ept_map(&ept, EPT_GPA_LIMIT, 0, K4, RW, EPT_MT_WB),
			 -1);
	assert_int_equal(
		ept_map(&ept, EPT_GPA_LIMIT - K4, 0, 2 * K4, RW, EPT_MT_WB),
		-1);
	assert_int_equal(
		ept_map(&ept, ~0ULL - K4 + 1, 0, 2 * K4, RW, EPT_MT_WB), -1);
	assert_int_equal(
		ept_map(&ept, 0, (1ULL << 52) - K4, 2 * K4, RW, EPT_MT_WB), -1);
	assert_as_saved(&ept);
	assert_int_equal(arena.allocs, saved_allocs);
	/* The edges themselves are fine. */
	assert_int_equal(ept_map(&ept, EPT_GPA_LIMIT - K4, (1ULL << 52) - K4,
				 K4, RW, EPT_MT_WB),
			 0);
	assert_translates(&ept, EPT_GPA_LIMIT - 1, (1ULL << 52) - 1, RW, 1);
	ept_destroy(&ept);
}

/* The leaves hold exactly address | perms | memtype | ignore-PAT (WB
 * only) | large page. */
static void test_leaf_bits_exact(void **state)
{
	struct ept ept = ept_new(true);

	assert_int_equal(ept_map(&ept, 0, 0x12345000, K4, RW, EPT_MT_WB), 0);
	assert_int_equal(ept_map(&ept, K4, 0xfed00000, K4, RWX, EPT_MT_UC), 0);
	assert_int_equal(ept_map(&ept, M2, 0xa00000, M2, RX, EPT_MT_WB), 0);
	assert_int_equal(
		ept_map(&ept, 2 * M2, 0xe0000000, M2, EPT_READ, EPT_MT_UC), 0);
	collect(&ept);
	assert_int_equal(leaf_count, 4);
	assert_int_equal(leaves[0].entry, 0x12345000 | 0x73);
	assert_int_equal(leaves[1].entry, 0xfed00000 | 0x07);
	assert_int_equal(leaves[2].entry, 0xa00000 | 0xf5);
	assert_int_equal(leaves[3].entry, 0xe0000000 | 0x81);
	ept_destroy(&ept);
}

/* ---- running out of memory ------------------------------------------- */

static void test_init_out_of_memory(void **state)
{
	struct ept ept;

	arena.fail_after = 0;
	assert_int_equal(ept_init(&ept, &arena_ops, true), -1);
	assert_int_equal(ept.pml4, 0);
	assert_int_equal(ept.table_pages, 0);
	ept_destroy(&ept); /* harmless on a failed init */
	assert_int_equal(arena.allocs, 0);
	assert_int_equal(arena.frees, 0);
}

/*
 * A range across the 512 GiB line: 4K below it, then 2M pages, then a 4K
 * page above it. Next to an existing mapping at gpa 0, it needs five new
 * tables: PD + PT under the existing PDPT, then PDPT + PD + PT.
 * Failing at each of them leaves the EPT as it was and no table behind.
 */
static void test_map_out_of_memory_half_way(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(16 * MIB, M2);
	gpa_t g = 512 * GIB - M2 - K4;
	uint64_t size = 2 * M2 + 2 * K4;
	hpa_t to = h + 4 * MIB - K4;
	const struct mapping m[] = {{0, h + K4, M2, RW, EPT_MT_WB},
				    {g, to, size, RW, EPT_MT_WB}};

	assert_int_equal(ept_map(&ept, 0, h + K4, M2, RW, EPT_MT_WB), 0);
	save(&ept);
	for (long n = 0; n < 5; n++) {
		uint64_t frees = arena.frees;

		arena.fail_after = n;
		assert_int_equal(ept_map(&ept, g, to, size, RW, EPT_MT_WB), -1);
		assert_as_saved(&ept);
		assert_int_equal(arena.frees - frees, n);
		assert_unmapped(&ept, g);
	}
	arena.fail_after = -1;
	saved_allocs = arena.allocs;
	assert_int_equal(ept_map(&ept, g, to, size, RW, EPT_MT_WB), 0);
	assert_int_equal(arena.allocs - saved_allocs, 5);
	assert_maps_exactly(&ept, m, ARRAY_SIZE(m));
	assert_int_equal(count_leaves(M2), 2);
	ept_destroy(&ept);
	assert_int_equal(arena_live_tables(), 0);
}

/* ---- unmapping ------------------------------------------------------- */

/* 12 KiB out of the middle of a 2 MiB page: it becomes 512 4 KiB pages
 * with the same attributes, three of which go. */
static void test_unmap_inside_large_page_splits_it(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(4 * MIB, M2);
	const struct mapping left[] = {
		{0, h, M2 + K4, RX, EPT_MT_WB},
		{M2 + 4 * K4, h + M2 + 4 * K4, M2 - 4 * K4, RX, EPT_MT_WB}};

	assert_int_equal(ept_map(&ept, 0, h, 4 * MIB, RX, EPT_MT_WB), 0);
	assert_int_equal(ept_unmap(&ept, M2 + K4, 3 * K4), 0);
	assert_maps_exactly(&ept, left, ARRAY_SIZE(left));
	assert_int_equal(ept.table_pages, 4);
	assert_translates(&ept, 0, h, RX, 2);
	assert_translates(&ept, M2, h + M2, RX, 1);
	assert_unmapped(&ept, M2 + K4);
	assert_unmapped(&ept, M2 + 3 * K4);
	assert_translates(&ept, M2 + 4 * K4, h + M2 + 4 * K4, RX, 1);
	assert_translates(&ept, 4 * MIB - 1, h + 4 * MIB - 1, RX, 1);

	/* The rest goes, and with it every table but the PML4. */
	assert_int_equal(ept_unmap(&ept, 0, 4 * MIB), 0);
	collect(&ept);
	assert_int_equal(leaf_count, 0);
	assert_int_equal(ept.table_pages, 1);
	assert_int_equal(arena_live_tables(), 1);
	ept_destroy(&ept);
}

/* A range from inside one 2 MiB page to inside the next: two splits,
 * and when the second table cannot be had, nothing changes. */
static void test_unmap_across_two_large_pages(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(8 * MIB, M2);
	const struct mapping left[] = {
		{0, h, 3 * MIB, RWX, EPT_MT_WB},
		{5 * MIB, h + 5 * MIB, 3 * MIB, RWX, EPT_MT_WB}};

	assert_int_equal(ept_map(&ept, 0, h, 8 * MIB, RWX, EPT_MT_WB), 0);
	save(&ept);
	for (long n = 0; n < 2; n++) {
		arena.fail_after = n;
		assert_int_equal(ept_unmap(&ept, 3 * MIB, 2 * MIB), -1);
		assert_as_saved(&ept);
	}
	arena.fail_after = -1;
	assert_int_equal(ept_unmap(&ept, 3 * MIB, 2 * MIB), 0);
	assert_maps_exactly(&ept, left, ARRAY_SIZE(left));
	assert_int_equal(ept.table_pages, 3 + 2);
	assert_int_equal(count_leaves(M2), 2);
	assert_translates(&ept, 3 * MIB - K4, h + 3 * MIB - K4, RWX, 1);
	assert_unmapped(&ept, 3 * MIB);
	assert_unmapped(&ept, 4 * MIB);
	assert_translates(&ept, 5 * MIB, h + 5 * MIB, RWX, 1);
	ept_destroy(&ept);
}

/* Holes in the range are skipped; tables left empty are freed; bad
 * arguments change nothing. */
static void test_unmap_holes_and_empty_tables(void **state)
{
	struct ept ept = ept_new(true);
	const struct mapping keep = {2 * GIB, 0x7000000, M2, RW, EPT_MT_WB};

	assert_int_equal(ept_map(&ept, GIB + K4, 0x5000000, K4, RW, EPT_MT_WB),
			 0);
	assert_int_equal(ept_map(&ept, 512 * GIB, 0x6000000, K4, RW, EPT_MT_WB),
			 0);
	assert_int_equal(ept_map(&ept, 2 * GIB, 0x7000000, M2, RW, EPT_MT_WB),
			 0);
	assert_int_equal(ept.table_pages, 1 + 3 + 3 + 1);
	save(&ept);
	assert_int_equal(ept_unmap(&ept, 0x800, K4), -1);
	assert_int_equal(ept_unmap(&ept, 0, 0x800), -1);
	assert_int_equal(ept_unmap(&ept, 0, 0), -1);
	assert_int_equal(ept_unmap(&ept, EPT_GPA_LIMIT - K4, 2 * K4), -1);
	assert_as_saved(&ept);
	assert_int_equal(ept_unmap(&ept, 4 * GIB, GIB), 0); /* nothing there */
	assert_as_saved(&ept);

	assert_int_equal(ept_unmap(&ept, GIB, GIB), 0);
	assert_int_equal(ept_unmap(&ept, 512 * GIB, 512 * GIB), 0);
	assert_maps_exactly(&ept, &keep, 1);
	assert_int_equal(ept.table_pages, 3);
	assert_int_equal(arena_live_tables(), 3);
	ept_destroy(&ept);
}

/* ---- EPTP and teardown ----------------------------------------------- */

static void test_eptp_encoding(void **state)
{
	struct ept ept = ept_new(true);
	uint64_t eptp = ept_eptp(&ept);

	/* The first table comes from the arena's top page. */
	assert_int_equal(ept.pml4, ARENA_BASE + ARENA_SIZE - K4);
	assert_int_equal(eptp, ARENA_BASE + ARENA_SIZE - K4 + 0x1e);
	assert_int_equal(eptp & 7, 6);	      /* write-back walks */
	assert_int_equal((eptp >> 3) & 7, 3); /* 4 levels */
	assert_int_equal(eptp & 0x40, 0);     /* no accessed/dirty flags */
	assert_int_equal(eptp & ~0xfffULL, ept.pml4);
	ept_destroy(&ept);
}

static void test_destroy_frees_exactly_the_tables(void **state)
{
	struct ept ept = ept_new(true);
	hpa_t h = arena_alloc_guest(8 * MIB, M2);
	uint64_t frees = arena.frees, tables_before;

	assert_int_equal(ept_map(&ept, 0, h, 4 * MIB, RWX, EPT_MT_WB), 0);
	assert_int_equal(
		ept_map(&ept, 8 * GIB, h + 4 * MIB + K4, MIB, RW, EPT_MT_WB),
		0);
	assert_int_equal(
		ept_map(&ept, 1024 * GIB, 0xfee00000, K4, RW, EPT_MT_UC), 0);
	tables_before = ept.table_pages;
	assert_int_equal(tables_before, 1 + 2 + 2 + 3);
	assert_int_equal(arena_live_tables(), tables_before);
	ept_destroy(&ept);
	assert_int_equal(arena.frees - frees, tables_before);
	assert_int_equal(arena_live_tables(), 0);
	assert_int_equal(ept.pml4, 0);
	/* The guest's memory is the VM's to free, not the EPT's. */
	for (uint64_t off = 0; off < 8 * MIB; off += K4)
		assert_true(arena.used[arena_page(h + off)]);
}

/* ---- EPT violations -------------------------------------------------- */

static void assert_violation(uint64_t qual, struct ept_violation want)
{
	struct ept_violation v;

	memset(&v, 0x55, sizeof(v));
	ept_violation_decode(qual, &v);
	assert_int_equal(v.read, want.read);
	assert_int_equal(v.write, want.write);
	assert_int_equal(v.fetch, want.fetch);
	assert_int_equal(v.readable, want.readable);
	assert_int_equal(v.writable, want.writable);
	assert_int_equal(v.executable, want.executable);
	assert_int_equal(v.linear_valid, want.linear_valid);
	assert_int_equal(v.translated, want.translated);
	assert_int_equal(v.nmi_unblocking, want.nmi_unblocking);
}

static void test_violation_decode(void **state)
{
	/* A read of an unmapped page (an MMIO window, say). */
	assert_violation(0x181, (struct ept_violation){.read = true,
						       .linear_valid = true,
						       .translated = true});
	assert_violation(0x182, (struct ept_violation){.write = true,
						       .linear_valid = true,
						       .translated = true});
	/* A write to a read-only, executable page. */
	assert_violation(0x1aa, (struct ept_violation){.write = true,
						       .readable = true,
						       .executable = true,
						       .linear_valid = true,
						       .translated = true});
	/* A fetch from a readable, writable page. */
	assert_violation(0x19c, (struct ept_violation){.fetch = true,
						       .readable = true,
						       .writable = true,
						       .linear_valid = true,
						       .translated = true});
	/* The guest's page walk read its own page table. */
	assert_violation(0x081, (struct ept_violation){.read = true,
						       .linear_valid = true});
	/* No linear address (e.g. a PDPTE load): bit 8 means nothing. */
	assert_violation(0x101, (struct ept_violation){.read = true});
	assert_violation(0x1182,
			 (struct ept_violation){.write = true,
						.linear_valid = true,
						.translated = true,
						.nmi_unblocking = true});
	assert_violation(0, (struct ept_violation){0});
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_map_64m_with_large_pages, setup),
		cmocka_unit_test_setup(test_map_unaligned_hpa_uses_4k_pages,
				       setup),
		cmocka_unit_test_setup(test_map_2m_plus_8k, setup),
		cmocka_unit_test_setup(test_map_unaligned_start_then_large,
				       setup),
		cmocka_unit_test_setup(test_map_without_large_pages, setup),
		cmocka_unit_test_setup(test_holes_and_beyond_are_unmapped,
				       setup),
		cmocka_unit_test_setup(test_maps_nothing_else, setup),
		cmocka_unit_test_setup(test_two_epts_are_disjoint, setup),
		cmocka_unit_test_setup(test_overlapping_map_refused, setup),
		cmocka_unit_test_setup(test_map_bad_arguments_refused, setup),
		cmocka_unit_test_setup(test_leaf_bits_exact, setup),
		cmocka_unit_test_setup(test_init_out_of_memory, setup),
		cmocka_unit_test_setup(test_map_out_of_memory_half_way, setup),
		cmocka_unit_test_setup(test_unmap_inside_large_page_splits_it,
				       setup),
		cmocka_unit_test_setup(test_unmap_across_two_large_pages,
				       setup),
		cmocka_unit_test_setup(test_unmap_holes_and_empty_tables,
				       setup),
		cmocka_unit_test_setup(test_eptp_encoding, setup),
		cmocka_unit_test_setup(test_destroy_frees_exactly_the_tables,
				       setup),
		cmocka_unit_test(test_violation_decode),
	};
	return cmocka_run_group_tests_name("ept", tests, NULL, group_teardown);
}
