/*
 * tests/unit/test_pmm.c - kernel/pmm.c (the bitmap page allocator), on
 * the host. The memory maps are made up (modelled on what Bochs reports);
 * the bitmap is a calloc'd buffer, since the allocator never touches the
 * pages it manages.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tests/unit/support.h"
#include "kernel/pmm.h"

/* Bochs with 256 MiB: low memory, the VGA/BIOS hole, RAM above 1 MiB,
 * and the BIOS ROM just below 4 GiB. */
static const struct boot_mem_range bochs_map[] = {
	{0x0, 0x9f000, BOOT_MEM_USABLE, 0},
	{0x9f000, 0x61000, BOOT_MEM_RESERVED, 0},
	{0x100000, 0xff00000, BOOT_MEM_USABLE, 0},
	{0xfffc0000, 0x40000, BOOT_MEM_RESERVED, 0},
};
#define BOCHS_PAGES    (0x10000000 / PAGE_SIZE)
#define BOCHS_LOW_FREE (0x9f - 1) /* pages 1..0x9e: page 0 is kept back */
#define BOCHS_FREE     (BOCHS_LOW_FREE + (0x10000000 - 0x100000) / PAGE_SIZE)

static struct pmm pmm;
static uint64_t *bitmap;

/* A pmm over page_count pages with nothing usable yet. */
static void pmm_empty(uint64_t page_count)
{
	free(bitmap);
	bitmap = calloc(1, pmm_bitmap_bytes(page_count * PAGE_SIZE));
	assert_non_null(bitmap);
	pmm_init(&pmm, bitmap, page_count);
	assert_int_equal(pmm.free_pages, 0);
}

/* What kernel/memory.c does: usable ranges first, then the rest wins. */
static void pmm_from_map(const struct boot_mem_range *map, uint32_t n)
{
	pmm_empty(pmm_max_usable(map, n) / PAGE_SIZE);
	for (uint32_t i = 0; i < n; i++)
		if (map[i].type == BOOT_MEM_USABLE)
			pmm_add_usable(&pmm, map[i].base, map[i].length);
	for (uint32_t i = 0; i < n; i++)
		if (map[i].type != BOOT_MEM_USABLE)
			pmm_reserve(&pmm, map[i].base, map[i].length);
}

static void pmm_bochs(void)
{
	pmm_from_map(bochs_map, ARRAY_SIZE(bochs_map));
}

/* Take every free page, one at a time, into pages[] (sorted by the
 * allocator's first fit). Returns how many. */
static uint64_t drain(hpa_t *pages, uint64_t max)
{
	uint64_t n = 0;
	hpa_t pa;

	while ((pa = pmm_alloc_pages(&pmm, 1)) != 0) {
		assert_true(n < max);
		pages[n++] = pa;
	}
	return n;
}

static int teardown(void **state)
{
	free(bitmap);
	bitmap = NULL;
	return 0;
}

static void test_bitmap_bytes(void **state)
{
	assert_int_equal(pmm_bitmap_bytes(0), 0);
	assert_int_equal(pmm_bitmap_bytes(1), 8); /* one page, one word */
	assert_int_equal(pmm_bitmap_bytes(PAGE_SIZE), 8);
	assert_int_equal(pmm_bitmap_bytes(64 * PAGE_SIZE), 8);
	assert_int_equal(pmm_bitmap_bytes(64 * PAGE_SIZE + 1), 16);
	assert_int_equal(pmm_bitmap_bytes(0x10000000), 8 * KIB);
	assert_int_equal(pmm_bitmap_bytes(4 * GIB), 128 * KIB);
}

static void test_max_usable(void **state)
{
	static const struct boot_mem_range unsorted[] = {
		{0x100000000, 0x40000000, BOOT_MEM_USABLE, 0},
		{0x100000, 0x1000000, BOOT_MEM_USABLE, 0},
		{0x140000000, 0x1000, BOOT_MEM_ACPI_NVS, 0},
	};

	/* The ROM below 4 GiB is not RAM: the bitmap stops at 256 MiB. */
	assert_int_equal(pmm_max_usable(bochs_map, ARRAY_SIZE(bochs_map)),
			 0x10000000);
	assert_int_equal(pmm_max_usable(unsorted, ARRAY_SIZE(unsorted)),
			 0x140000000);
	assert_int_equal(pmm_max_usable(bochs_map, 0), 0);
}

static void test_find_space_avoids_ranges(void **state)
{
	/* Low memory, the image, and a module just past the image (ending
	 * mid-page), listed out of order. */
	const struct pmm_range avoid[] = {
		{0x181000, 0x123},
		{0, MIB},
		{0x100000, 0x81000},
	};
	hpa_t at;

	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), avoid,
			    ARRAY_SIZE(avoid), 0x2000, MIB, 4 * GIB);
	assert_int_equal(at, 0x182000);
	/* Nothing to avoid: the first usable page at or above the floor. */
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0, 0x2000,
			    MIB, 4 * GIB);
	assert_int_equal(at, 0x100000);
	/* An avoided range ending exactly where the candidate starts. */
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), avoid + 1, 1,
			    0x2000, 0, 4 * GIB);
	assert_int_equal(at, 0x100000);
	/* A size that is not a page multiple takes whole pages. */
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), avoid,
			    ARRAY_SIZE(avoid), 0x1001, MIB, 0x184000);
	assert_int_equal(at, 0x182000);
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), avoid,
			    ARRAY_SIZE(avoid), 0x2001, MIB, 0x184000);
	assert_int_equal(at, 0);
}

static void test_find_space_floor_and_limit(void **state)
{
	hpa_t at;

	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0,
			    PAGE_SIZE, 0x5000000, 4 * GIB);
	assert_int_equal(at, 0x5000000);
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0,
			    PAGE_SIZE, 0x5000001, 4 * GIB);
	assert_int_equal(at, 0x5001000);
	/* Below 1 MiB: from page 1 (0 means "nothing found"). */
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0, 0x9e000,
			    0, MIB);
	assert_int_equal(at, 0x1000);
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0, 0x9f000,
			    0, MIB);
	assert_int_equal(at, 0);
	/* The limit is exclusive and cuts a range short. */
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0, MIB, MIB,
			    2 * MIB);
	assert_int_equal(at, MIB);
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0, MIB + 1,
			    MIB, 2 * MIB);
	assert_int_equal(at, 0);
	/* The ROM below 4 GiB is reserved, never used. */
	at = pmm_find_space(bochs_map, ARRAY_SIZE(bochs_map), NULL, 0,
			    PAGE_SIZE, 0x10000000, 8 * GIB);
	assert_int_equal(at, 0);
}

static void test_find_space_unaligned_entries(void **state)
{
	/* Only the page 0x101000-0x102000 lies wholly inside. */
	static const struct boot_mem_range odd[] = {
		{0x100800, 0x2000, BOOT_MEM_USABLE, 0},
		{0x200001, 0x1ffe, BOOT_MEM_USABLE, 0},
	};
	hpa_t at;

	at = pmm_find_space(odd, ARRAY_SIZE(odd), NULL, 0, PAGE_SIZE, 0,
			    4 * GIB);
	assert_int_equal(at, 0x101000);
	at = pmm_find_space(odd, ARRAY_SIZE(odd), NULL, 0, 2 * PAGE_SIZE, 0,
			    4 * GIB);
	assert_int_equal(at, 0);
	/* 0x200001-0x201fff holds no whole page at all. */
	at = pmm_find_space(odd + 1, 1, NULL, 0, PAGE_SIZE, 0, 4 * GIB);
	assert_int_equal(at, 0);
}

static void test_init_from_bochs_map(void **state)
{
	hpa_t *pages = calloc(BOCHS_PAGES, sizeof(*pages));

	pmm_bochs();
	assert_int_equal(pmm.page_count, BOCHS_PAGES);
	assert_int_equal(pmm.total_usable, BOCHS_FREE);
	assert_int_equal(pmm.free_pages, BOCHS_FREE);
	/* First fit hands out page 1 first, never page 0, and nothing in
	 * the hole at 0x9f000-0x100000. */
	assert_int_equal(drain(pages, BOCHS_PAGES), BOCHS_FREE);
	assert_int_equal(pages[0], 0x1000);
	assert_int_equal(pages[BOCHS_LOW_FREE - 1], 0x9e000);
	assert_int_equal(pages[BOCHS_LOW_FREE], 0x100000);
	assert_int_equal(pages[BOCHS_FREE - 1], 0x10000000 - PAGE_SIZE);
	free(pages);
}

static void test_partial_pages_round_the_safe_way(void **state)
{
	hpa_t pages[16];

	pmm_empty(16);
	/* Usable 0x1800-0x8800: only pages 2..7 are wholly RAM. */
	pmm_add_usable(&pmm, 0x1800, 0x7000);
	assert_int_equal(pmm.free_pages, 6);
	assert_int_equal(pmm.total_usable, 6);
	/* Reserved 0x4800-0x5001 touches pages 4 and 5: both go. */
	pmm_reserve(&pmm, 0x4800, 0x801);
	assert_int_equal(pmm.free_pages, 4);
	assert_int_equal(drain(pages, 16), 4);
	assert_int_equal(pages[0], 0x2000);
	assert_int_equal(pages[1], 0x3000);
	assert_int_equal(pages[2], 0x6000);
	assert_int_equal(pages[3], 0x7000);
	/* A usable range inside one page frees nothing. */
	pmm_empty(16);
	pmm_add_usable(&pmm, 0x3001, 0xffe);
	assert_int_equal(pmm.free_pages, 0);
	/* Ranges beyond the bitmap are cut off, not written past it. */
	pmm_add_usable(&pmm, 0xe000, 0x100000);
	pmm_reserve(&pmm, 0xf000, 0x100000);
	assert_int_equal(pmm.free_pages, 1);
	assert_int_equal(pmm_alloc_pages(&pmm, 1), 0xe000);
}

static void test_page_zero_never_handed_out(void **state)
{
	hpa_t pages[8];

	pmm_empty(8);
	pmm_add_usable(&pmm, 0, 8 * PAGE_SIZE);
	assert_int_equal(pmm.free_pages, 7);
	assert_int_equal(pmm_alloc_range(&pmm, 7, PAGE_SIZE, 0), 0x1000);
	assert_int_equal(pmm_alloc_pages(&pmm, 1), 0);
	/* Freeing page 0 does not make it allocatable. */
	pmm_free_pages(&pmm, 0, 2);
	assert_int_equal(pmm.free_pages, 1);
	assert_int_equal(drain(pages, 8), 1);
	assert_int_equal(pages[0], 0x1000);
}

static void test_reserve_counts_only_free_pages(void **state)
{
	pmm_bochs();
	pmm_reserve(&pmm, 0x200000, 0x10000);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 16);
	pmm_reserve(&pmm, 0x200000, 0x10000);
	pmm_reserve(&pmm, 0x208000, 0x10000); /* half overlaps */
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 24);
	/* Reserving an allocated page, or a hole, changes nothing. */
	assert_int_equal(pmm_alloc_pages(&pmm, 1), 0x1000);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 25);
	pmm_reserve(&pmm, 0x1000, PAGE_SIZE);
	pmm_reserve(&pmm, 0x9f000, 0x61000);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 25);
	/* Usable pages stay counted as RAM. */
	assert_int_equal(pmm.total_usable, BOCHS_FREE);
}

static void test_overlapping_usable_and_reserved(void **state)
{
	/* A firmware map with overlaps: two usable entries sharing
	 * 0x180000-0x200000, and a reserved one inside both. */
	static const struct boot_mem_range map[] = {
		{0x100000, 0x100000, BOOT_MEM_USABLE, 0},
		{0x1c0000, 0x20000, BOOT_MEM_ACPI_NVS, 0},
		{0x180000, 0x100000, BOOT_MEM_USABLE, 0},
	};
	hpa_t pages[512];
	uint64_t n;

	pmm_from_map(map, ARRAY_SIZE(map));
	assert_int_equal(pmm.total_usable, 0x180);
	assert_int_equal(pmm.free_pages, 0x180 - 0x20);
	n = drain(pages, ARRAY_SIZE(pages));
	assert_int_equal(n, 0x160);
	for (uint64_t i = 0; i < n; i++)
		assert_false(pages[i] >= 0x1c0000 && pages[i] < 0x1e0000);
}

static void test_alloc_alignment(void **state)
{
	pmm_bochs();
	assert_int_equal(pmm_alloc_range(&pmm, 1, 2 * MIB, 0), 2 * MIB);
	assert_int_equal(pmm_alloc_range(&pmm, 1, 2 * MIB, 0), 4 * MIB);
	/* A 2 MiB page whose last 4 KiB are taken is skipped whole. */
	pmm_reserve(&pmm, 8 * MIB - PAGE_SIZE, PAGE_SIZE);
	assert_int_equal(pmm_alloc_range(&pmm, 512, 2 * MIB, 0), 8 * MIB);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 2 - 1 - 512);
	/* 64 KiB alignment in low memory, after page 0. */
	assert_int_equal(pmm_alloc_range(&pmm, 1, 64 * KIB, 0), 0x10000);
	/* An alignment below a page means a page. */
	assert_int_equal(pmm_alloc_range(&pmm, 1, 8, 0), 0x1000);
}

static void test_alloc_limit(void **state)
{
	hpa_t pages[BOCHS_LOW_FREE + 1];

	pmm_bochs();
	/* Only pages that end at or below the limit: page 1 fits below
	 * 0x2800, page 2 (0x2000-0x3000) does not. */
	assert_int_equal(pmm_alloc_range(&pmm, 1, PAGE_SIZE, 0x2800), 0x1000);
	assert_int_equal(pmm_alloc_range(&pmm, 1, PAGE_SIZE, 0x2800), 0);
	/* Drain below 1 MiB; RAM above is not touched. */
	for (uint64_t i = 0; i < BOCHS_LOW_FREE - 1; i++)
		pages[i] = pmm_alloc_range(&pmm, 1, PAGE_SIZE, MIB);
	assert_int_equal(pages[BOCHS_LOW_FREE - 2], 0x9e000);
	assert_int_equal(pmm_alloc_range(&pmm, 1, PAGE_SIZE, MIB), 0);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - BOCHS_LOW_FREE);
	assert_int_equal(pmm_alloc_pages(&pmm, 1), MIB);
}

static void test_alloc_contiguous(void **state)
{
	hpa_t a, b;

	pmm_bochs();
	/* 200 pages do not fit below the hole at 0x9f000. */
	a = pmm_alloc_pages(&pmm, 200);
	assert_int_equal(a, MIB);
	b = pmm_alloc_pages(&pmm, 16);
	assert_int_equal(b, 0x1000);
	/* A hole of one page splits the next request. */
	pmm_reserve(&pmm, 0x11000 + 8 * PAGE_SIZE, PAGE_SIZE);
	assert_int_equal(pmm_alloc_pages(&pmm, 10), 0x1a000);
	assert_int_equal(pmm_alloc_pages(&pmm, 8), 0x11000);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 200 - 16 - 1 - 10 - 8);
	/* More than there is, or nothing, gives nothing. */
	assert_int_equal(pmm_alloc_pages(&pmm, 0), 0);
	assert_int_equal(pmm_alloc_pages(&pmm, BOCHS_PAGES), 0);
	assert_int_equal(pmm_alloc_pages(&pmm, UINT64_MAX), 0);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 200 - 16 - 1 - 10 - 8);
}

static void test_every_page_handed_out_once(void **state)
{
	hpa_t *pages = calloc(BOCHS_PAGES, sizeof(*pages));
	bool *seen = calloc(BOCHS_PAGES, sizeof(*seen));
	uint64_t before, n;

	pmm_bochs();
	/* Some pages in use first, so the free ones are not one run. */
	for (int i = 0; i < 100; i++)
		pmm_alloc_range(&pmm, 3, 64 * KIB, 0);
	before = pmm.free_pages;
	n = drain(pages, BOCHS_PAGES);
	assert_int_equal(n, before);
	assert_int_equal(pmm.free_pages, 0);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page = pages[i] / PAGE_SIZE;

		assert_int_equal(pages[i] % PAGE_SIZE, 0);
		assert_in_range(page, 1, BOCHS_PAGES - 1);
		assert_false(page >= 0x9f && page < 0x100);
		assert_false(seen[page]);
		seen[page] = true;
	}
	assert_int_equal(pmm_alloc_range(&pmm, 1, PAGE_SIZE, 0), 0);
	free(seen);
	free(pages);
}

/*
 * A search that fails at a used page must go on after that page, not at
 * the next aligned page before it: 4 GiB with one used page in every 16
 * MiB holds no free 32 MiB below the top 64 MiB. Restarting one page further on
 * each time reads ~2 * 10^9 bits (seconds); going past the used page reads
 * each bit about once (milliseconds). CPU time, so a busy machine does
 * not matter.
 */
static void test_failed_search_is_linear(void **state)
{
	const uint64_t pages = 4 * GIB / PAGE_SIZE, hole = 4096;
	clock_t start;
	hpa_t a;

	pmm_empty(pages);
	pmm_add_usable(&pmm, 0, 4 * GIB);
	for (uint64_t i = hole - 1; i < pages - 4 * hole; i += hole)
		pmm_reserve(&pmm, i * PAGE_SIZE, PAGE_SIZE);
	start = clock();
	a = pmm_alloc_pages(&pmm, 2 * hole);
	assert_true(clock() - start < CLOCKS_PER_SEC / 2);
	assert_int_equal(a, (pages - 4 * hole) * PAGE_SIZE);
	start = clock();
	assert_int_equal(pmm_alloc_pages(&pmm, 3 * hole), 0);
	assert_true(clock() - start < CLOCKS_PER_SEC / 2);
}

static void test_free_returns_pages(void **state)
{
	hpa_t a;

	pmm_bochs();
	a = pmm_alloc_pages(&pmm, 4);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 4);
	pmm_free_pages(&pmm, a, 4);
	assert_int_equal(pmm.free_pages, BOCHS_FREE);
	assert_int_equal(pmm_alloc_pages(&pmm, 4), a);
	/* Freeing the middle makes a hole that fits exactly there. */
	pmm_free_pages(&pmm, a + PAGE_SIZE, 2);
	assert_int_equal(pmm_alloc_pages(&pmm, 3), a + 4 * PAGE_SIZE);
	assert_int_equal(pmm_alloc_pages(&pmm, 2), a + PAGE_SIZE);
	/* Freeing a page twice, or a free page, counts it once. */
	pmm_free_pages(&pmm, a, 1);
	pmm_free_pages(&pmm, a, 1);
	pmm_free_pages(&pmm, MIB, 1);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 6);
	/* Past the end of the bitmap is ignored (ASan would see a write). */
	pmm_free_pages(&pmm, 0x10000000 - PAGE_SIZE, 1000);
	assert_int_equal(pmm.free_pages, BOCHS_FREE - 6);
	assert_int_equal(pmm_alloc_pages(&pmm, 1), a);
}

/* pmm_claim: exactly those pages, or nothing and where it is busy. */
static void test_claim_exact_range(void **state)
{
	hpa_t busy = 0;

	pmm_empty(64);
	pmm_add_usable(&pmm, 0, 64 * PAGE_SIZE);
	pmm_reserve(&pmm, 20 * PAGE_SIZE, PAGE_SIZE);
	assert_int_equal(pmm.free_pages, 62);
	assert_int_equal(pmm_claim(&pmm, 4 * PAGE_SIZE, 8, &busy), 0);
	assert_int_equal(pmm.free_pages, 54);
	/* taken: a second claim fails at its first page */
	assert_int_equal(pmm_claim(&pmm, 8 * PAGE_SIZE, 2, &busy), -1);
	assert_int_equal(busy, 8 * PAGE_SIZE);
	/* across the reserved page: nothing taken, the page named */
	assert_int_equal(pmm_claim(&pmm, 16 * PAGE_SIZE, 8, &busy), -1);
	assert_int_equal(busy, 20 * PAGE_SIZE);
	assert_int_equal(pmm.free_pages, 54);
	assert_int_equal(pmm_claim(&pmm, 16 * PAGE_SIZE, 4, &busy), 0);
	/* page 0, unaligned, empty, or beyond the bitmap: refused */
	assert_int_equal(pmm_claim(&pmm, 0, 1, &busy), -1);
	assert_int_equal(busy, 0);
	assert_int_equal(pmm_claim(&pmm, PAGE_SIZE + 1, 1, &busy), -1);
	assert_int_equal(pmm_claim(&pmm, PAGE_SIZE, 0, &busy), -1);
	assert_int_equal(pmm_claim(&pmm, 60 * PAGE_SIZE, 8, &busy), -1);
	assert_int_equal(pmm.free_pages, 50);
	/* the allocator never hands out claimed pages */
	for (hpa_t a; (a = pmm_alloc_pages(&pmm, 1));)
		assert_false(a >= 4 * PAGE_SIZE && a < 12 * PAGE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_claim_exact_range, teardown),
		cmocka_unit_test_teardown(test_bitmap_bytes, teardown),
		cmocka_unit_test_teardown(test_max_usable, teardown),
		cmocka_unit_test_teardown(test_find_space_avoids_ranges,
					  teardown),
		cmocka_unit_test_teardown(test_find_space_floor_and_limit,
					  teardown),
		cmocka_unit_test_teardown(test_find_space_unaligned_entries,
					  teardown),
		cmocka_unit_test_teardown(test_init_from_bochs_map, teardown),
		cmocka_unit_test_teardown(test_partial_pages_round_the_safe_way,
					  teardown),
		cmocka_unit_test_teardown(test_page_zero_never_handed_out,
					  teardown),
		cmocka_unit_test_teardown(test_reserve_counts_only_free_pages,
					  teardown),
		cmocka_unit_test_teardown(test_overlapping_usable_and_reserved,
					  teardown),
		cmocka_unit_test_teardown(test_alloc_alignment, teardown),
		cmocka_unit_test_teardown(test_alloc_limit, teardown),
		cmocka_unit_test_teardown(test_alloc_contiguous, teardown),
		cmocka_unit_test_teardown(test_every_page_handed_out_once,
					  teardown),
		cmocka_unit_test_teardown(test_failed_search_is_linear,
					  teardown),
		cmocka_unit_test_teardown(test_free_returns_pages, teardown),
	};
	return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
