/*
 * kernel/pmm.c - bitmap physical page allocator.
 * Any CPU after pmm_init on the boot CPU; pmm->lock guards the bitmap.
 * Never hands out page 0, so 0 can mean "no memory".
 */
#include "kernel/pmm.h"
#include "lib/string.h"

static bool bit_test(const uint64_t *bm, uint64_t i)
{
	return bm[i / 64] & (1ULL << (i % 64));
}

static void bit_set(uint64_t *bm, uint64_t i)
{
	bm[i / 64] |= 1ULL << (i % 64);
}

static void bit_clear(uint64_t *bm, uint64_t i)
{
	bm[i / 64] &= ~(1ULL << (i % 64));
}

size_t pmm_bitmap_bytes(uint64_t max_addr)
{
	uint64_t pages = ALIGN_UP(max_addr, PAGE_SIZE) / PAGE_SIZE;

	return ALIGN_UP(pages, 64) / 8;
}

uint64_t pmm_max_usable(const struct boot_mem_range *map, uint32_t count)
{
	uint64_t max = 0;

	for (uint32_t i = 0; i < count; i++)
		if (map[i].type == BOOT_MEM_USABLE)
			max = MAX(max, map[i].base + map[i].length);
	return max;
}

static bool overlaps(hpa_t a, uint64_t alen, hpa_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* First candidate >= start that clears every avoided range, or 0. */
static hpa_t skip_avoided(hpa_t start, uint64_t size,
			  const struct pmm_range *avoid, unsigned n)
{
	bool moved = true;

	while (moved) {
		moved = false;
		for (unsigned i = 0; i < n; i++) {
			if (overlaps(start, size, avoid[i].base,
				     avoid[i].length)) {
				start = ALIGN_UP(avoid[i].base +
							 avoid[i].length,
						 PAGE_SIZE);
				moved = true;
			}
		}
	}
	return start;
}

hpa_t pmm_find_space(const struct boot_mem_range *map, uint32_t count,
		     const struct pmm_range *avoid, unsigned avoid_count,
		     uint64_t size, hpa_t floor, hpa_t limit)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	for (uint32_t i = 0; i < count; i++) {
		hpa_t lo, hi;

		if (map[i].type != BOOT_MEM_USABLE)
			continue;
		lo = ALIGN_UP(MAX(map[i].base, floor), PAGE_SIZE);
		hi = ALIGN_DOWN(MIN(map[i].base + map[i].length, limit),
				PAGE_SIZE);
		if (lo == 0)
			lo = PAGE_SIZE;
		lo = skip_avoided(lo, size, avoid, avoid_count);
		if (lo < hi && hi - lo >= size)
			return lo;
	}
	return 0;
}

void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t page_count)
{
	p->bitmap = bitmap;
	p->page_count = page_count;
	p->free_pages = 0;
	p->total_usable = 0;
	p->lock = (struct spinlock)SPINLOCK_INIT;
	memset(bitmap, 0xff, ALIGN_UP(page_count, 64) / 8);
}

void pmm_add_usable(struct pmm *p, hpa_t base, uint64_t length)
{
	uint64_t first = ALIGN_UP(base, PAGE_SIZE) / PAGE_SIZE;
	uint64_t end = ALIGN_DOWN(base + length, PAGE_SIZE) / PAGE_SIZE;

	if (first == 0)
		first = 1; /* page 0 is never handed out */
	end = MIN(end, p->page_count);
	for (uint64_t i = first; i < end; i++) {
		if (bit_test(p->bitmap, i)) {
			bit_clear(p->bitmap, i);
			p->free_pages++;
			p->total_usable++;
		}
	}
}

void pmm_reserve(struct pmm *p, hpa_t base, uint64_t length)
{
	uint64_t first = ALIGN_DOWN(base, PAGE_SIZE) / PAGE_SIZE;
	uint64_t end = ALIGN_UP(base + length, PAGE_SIZE) / PAGE_SIZE;

	end = MIN(end, p->page_count);
	for (uint64_t i = first; i < end; i++) {
		if (!bit_test(p->bitmap, i)) {
			bit_set(p->bitmap, i);
			p->free_pages--;
		}
	}
}

/* Length of the free run starting at page i, stopping at `want`. */
static uint64_t free_run(const struct pmm *p, uint64_t i, uint64_t want,
			 uint64_t end)
{
	uint64_t n = 0;

	while (n < want && i + n < end && !bit_test(p->bitmap, i + n))
		n++;
	return n;
}

/* The first free page in [i, end), or end; words of 64 used pages are
 * stepped over whole. */
static uint64_t next_free(const struct pmm *p, uint64_t i, uint64_t end)
{
	while (i < end) {
		if (i % 64 == 0 && p->bitmap[i / 64] == ~0ULL)
			i += 64;
		else if (bit_test(p->bitmap, i))
			i++;
		else
			return i;
	}
	return end;
}

static uint64_t round_up(uint64_t i, uint64_t step)
{
	return (i + step - 1) / step * step;
}

/*
 * First fit. When the run at candidate i stops short at a used page, no
 * candidate up to that page can succeed either, so the search goes on at
 * the first free page after it: every page is read about once per call.
 */
hpa_t pmm_alloc_range(struct pmm *p, uint64_t count, uint64_t align,
		      hpa_t limit)
{
	uint64_t step = MAX(align, PAGE_SIZE) / PAGE_SIZE;
	uint64_t end = p->page_count;
	hpa_t found = 0;

	if (limit)
		end = MIN(end, limit / PAGE_SIZE);
	if (count == 0 || count > end)
		return 0; /* also keeps i + count below from wrapping */
	spin_lock(&p->lock);
	for (uint64_t i = step; i + count <= end;) {
		uint64_t run = free_run(p, i, count, end);

		if (run == count) {
			for (uint64_t j = 0; j < count; j++)
				bit_set(p->bitmap, i + j);
			p->free_pages -= count;
			found = i * PAGE_SIZE;
			break;
		}
		i = round_up(next_free(p, i + run + 1, end), step);
	}
	spin_unlock(&p->lock);
	return found;
}

int pmm_claim(struct pmm *p, hpa_t base, uint64_t count, hpa_t *busy)
{
	uint64_t first = base / PAGE_SIZE, run;
	int r = -1;

	if (base % PAGE_SIZE || count == 0 || first >= p->page_count ||
	    count > p->page_count - first) {
		*busy = base;
		return -1;
	}
	spin_lock(&p->lock);
	run = first ? free_run(p, first, count, p->page_count) : 0;
	if (run == count) {
		for (uint64_t j = 0; j < count; j++)
			bit_set(p->bitmap, first + j);
		p->free_pages -= count;
		r = 0;
	} else {
		*busy = (first + run) * PAGE_SIZE;
	}
	spin_unlock(&p->lock);
	return r;
}

void pmm_free_pages(struct pmm *p, hpa_t base, uint64_t count)
{
	uint64_t first = base / PAGE_SIZE;

	spin_lock(&p->lock);
	for (uint64_t i = first; i < first + count && i < p->page_count; i++) {
		if (i > 0 && bit_test(p->bitmap, i)) {
			bit_clear(p->bitmap, i);
			p->free_pages++;
		}
	}
	spin_unlock(&p->lock);
}
