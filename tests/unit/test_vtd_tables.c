/*
 * tests/unit/test_vtd_tables.c - drivers/iommu/vtd_tables.c and
 * vtd_pagetable.c (VT-d root, context and second-level tables), on the
 * host. Tables are built in a fake physical arena with two views: what
 * the CPU writes, and what a remapping unit without page-walk coherency
 * (ECAP.C = 0) reads, which changes only when a cache line is flushed.
 * Translations are checked with the walker a unit does, from the RTADDR
 * value, and the entries bit by bit against the layout the spec gives
 * (constants spelled out here, not taken from vtd_regs.h).
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Root Entry", "Context Entry", "Second-Level Paging
 * Entries", "Fault Reasons".
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/iommu/vtd_tables.h"

#define ARENA_BASE  0x40000000ULL
#define ARENA_SIZE  (16 * MIB)
#define ARENA_PAGES (ARENA_SIZE / PAGE_SIZE)
#define LINE	    64

#define K4 PAGE_SIZE
#define M2 (2 * MIB)

/* Two VMs' memory: never touched, only mapped. */
#define VM_A_HPA 0x100000000ULL
#define VM_B_HPA 0x200000000ULL
#define VM_SIZE	 (8 * MIB)

struct arena {
	uint8_t *cpu; /* what the hypervisor wrote */
	uint8_t *dev; /* what a non-coherent unit reads */
	bool used[ARENA_PAGES];
	uint64_t allocs, frees, flushes;
	long fail_after; /* allocations that still succeed; -1 all */
};

static struct arena arena;

static uint64_t page_of(hpa_t pa)
{
	assert_true(pa >= ARENA_BASE && pa < ARENA_BASE + ARENA_SIZE);
	return (pa - ARENA_BASE) / PAGE_SIZE;
}

static hpa_t arena_alloc(void *ctx)
{
	if (arena.fail_after == 0)
		return 0;
	if (arena.fail_after > 0)
		arena.fail_after--;
	for (uint64_t i = ARENA_PAGES; i-- > 0;) {
		if (arena.used[i])
			continue;
		arena.used[i] = true;
		memset(arena.cpu + i * K4, 0, K4); /* zeroed in the cache */
		arena.allocs++;
		return ARENA_BASE + i * K4;
	}
	return 0;
}

static void arena_free(void *ctx, hpa_t pa)
{
	uint64_t i = page_of(pa);

	assert_true(arena.used[i]);
	arena.used[i] = false;
	memset(arena.cpu + i * K4, 0xa5, K4);
	arena.frees++;
}

static void *arena_ptr(void *ctx, hpa_t pa)
{
	uint64_t i = page_of(pa);

	assert_true(arena.used[i]);
	return arena.cpu + i * K4;
}

/* CLFLUSH of every line [p, p+len) touches. */
static void arena_flush(void *ctx, const void *p, size_t len)
{
	size_t off = (const uint8_t *)p - arena.cpu;
	size_t start = off / LINE * LINE,
	       end = (off + len + LINE - 1) / LINE * LINE;

	assert_true(len > 0 && end <= ARENA_SIZE);
	memcpy(arena.dev + start, arena.cpu + start, end - start);
	arena.flushes++;
}

static const struct vtd_mem_ops ops = {arena_alloc, arena_free, arena_ptr,
				       arena_flush, NULL};

/* The unit's reads: the CPU's view (a coherent unit) ... */
static const void *read_cpu(void *ctx, hpa_t pa)
{
	if (pa < ARENA_BASE || pa >= ARENA_BASE + ARENA_SIZE)
		return NULL;
	return arena.cpu + (pa - ARENA_BASE);
}

/* ... or memory as flushed (a unit without page-walk coherency). */
static const void *read_dev(void *ctx, hpa_t pa)
{
	if (pa < ARENA_BASE || pa >= ARENA_BASE + ARENA_SIZE)
		return NULL;
	return arena.dev + (pa - ARENA_BASE);
}

static int setup(void **state)
{
	if (!arena.cpu) {
		arena.cpu = malloc(ARENA_SIZE);
		arena.dev = malloc(ARENA_SIZE);
	}
	assert_non_null(arena.cpu);
	assert_non_null(arena.dev);
	/* Stale memory: what the unit would read without a flush. */
	memset(arena.cpu, 0xee, ARENA_SIZE);
	memset(arena.dev, 0xee, ARENA_SIZE);
	memset(arena.used, 0, sizeof(arena.used));
	arena.allocs = arena.frees = arena.flushes = 0;
	arena.fail_after = -1;
	return 0;
}

static int group_teardown(void **state)
{
	free(arena.cpu);
	free(arena.dev);
	arena.cpu = arena.dev = NULL;
	return 0;
}

static uint64_t live_pages(void)
{
	return arena.allocs - arena.frees;
}

/* sid for bus:dev.fn */
static uint16_t sid(unsigned bus, unsigned dev, unsigned fn)
{
	return (uint16_t)(bus << 8 | dev << 3 | fn);
}

static const uint64_t *qwords(hpa_t pa)
{
	return read_cpu(NULL, pa);
}

/* The unit's walk in both views, the CPU's and as flushed: each must
 * give `reason`; x[] gets what they found. */
static void translate_both(const struct vtd_root *r, uint16_t s, uint64_t addr,
			   bool write, unsigned reason, struct vtd_xlate x[2])
{
	vtd_read_fn views[] = {read_cpu, read_dev};

	for (unsigned v = 0; v < 2; v++)
		assert_int_equal(vtd_translate(views[v], NULL,
					       vtd_root_rtaddr(r), s, addr,
					       write, &x[v]),
				 reason);
}

/* A translation that must succeed, in both views. */
static void assert_xlate(const struct vtd_root *r, uint16_t s, uint64_t addr,
			 bool write, hpa_t want, unsigned level, uint16_t did)
{
	struct vtd_xlate x[2];

	translate_both(r, s, addr, write, VTD_FAULT_NONE, x);
	for (unsigned v = 0; v < 2; v++) {
		assert_int_equal(x[v].hpa, want);
		assert_int_equal(x[v].level, level);
		assert_int_equal(x[v].did, did);
	}
}

static void assert_fault(const struct vtd_root *r, uint16_t s, uint64_t addr,
			 bool write, unsigned reason)
{
	struct vtd_xlate x[2];

	translate_both(r, s, addr, write, reason, x);
}

struct vm {
	struct vtd_domain d;
	hpa_t mem;
};

static void vm_new(struct vm *vm, uint16_t did, hpa_t mem, bool large)
{
	assert_int_equal(vtd_domain_init(&vm->d, &ops, did, large), 0);
	vm->mem = mem;
	assert_int_equal(vtd_map(&vm->d, 0, mem, VM_SIZE, VTD_RW), 0);
}

/* A root table, and an empty domain `did` (2 MiB pages if `large`)
 * attached for the device s. */
static void root_with_domain(struct vtd_root *r, struct vtd_domain *d,
			     uint16_t did, bool large, uint16_t s)
{
	assert_int_equal(vtd_root_init(r, &ops), 0);
	assert_int_equal(vtd_domain_init(d, &ops, did, large), 0);
	assert_int_equal(vtd_attach(r, s, d), 0);
}

/* The root and one or two domains (b may be NULL) torn down, and every
 * table page given back. */
static void destroy_tables(struct vtd_root *r, struct vtd_domain *a,
			   struct vtd_domain *b)
{
	vtd_root_destroy(r);
	vtd_domain_destroy(a);
	if (b)
		vtd_domain_destroy(b);
	assert_int_equal(live_pages(), 0);
}

/* ---- layout ------------------------------------------------------------ */

/* Root entry: CTP | P, high qword 0. Context entry: SLPTPTR | TT 00 | P;
 * high: DID << 8 | AW 010 (48 bits, 4 levels). Leaves: address | R | W
 * (| PS bit 7 for 2 MiB); non-leaves: address | R | W. */
static void test_entries_bit_exact(void **state)
{
	struct vtd_root r;
	struct vtd_domain d;
	const uint64_t *root, *ct, *pml4, *pdp, *pd, *pt;

	assert_int_equal(vtd_root_init(&r, &ops), 0);
	assert_int_equal(vtd_domain_init(&d, &ops, 0x1234, true), 0);
	assert_int_equal(vtd_map(&d, M2, 0x7fe00000, M2, VTD_RW), 0);
	assert_int_equal(vtd_map(&d, 0x5000, 0xabcd000, K4, VTD_READ), 0);
	assert_int_equal(vtd_attach(&r, sid(0, 0x1f, 2), &d), 0);

	assert_int_equal(vtd_root_rtaddr(&r), r.table);
	assert_int_equal(r.table & 0xfff, 0);
	root = qwords(r.table);
	for (unsigned i = 1; i < 512; i++)
		assert_int_equal(root[i], 0);
	assert_int_equal(root[0] & 0xfff, 1);
	ct = qwords(root[0] & ~0xfffULL);
	assert_int_equal(ct[0xfa * 2], d.pml4 | 1);
	assert_int_equal(ct[0xfa * 2 + 1], 0x123402);
	for (unsigned i = 0; i < 512; i++)
		if (i / 2 != 0xfa)
			assert_int_equal(ct[i], 0);

	pml4 = qwords(d.pml4);
	assert_int_equal(pml4[0] & 0xfff, 3);
	pdp = qwords(pml4[0] & ~0xfffULL);
	assert_int_equal(pdp[0] & 0xfff, 3);
	pd = qwords(pdp[0] & ~0xfffULL);
	assert_int_equal(pd[1], 0x7fe00000 | 0x80 | 3);
	assert_int_equal(pd[0] & 0xfff, 3);
	pt = qwords(pd[0] & ~0xfffULL);
	assert_int_equal(pt[5], 0xabcd000 | 1);
	for (unsigned i = 0; i < 512; i++)
		if (i != 5)
			assert_int_equal(pt[i], 0);
	assert_int_equal(d.table_pages, 4);
	assert_int_equal(r.table_pages, 2);

	destroy_tables(&r, &d, NULL);
}

/* ---- isolation --------------------------------------------------------- */

/* VM A's device reaches A's memory and nothing of B's, at every 4 KiB
 * page of the 48-bit space's first 16 MiB and at B's own addresses. */
static void test_device_of_a_cannot_reach_b(void **state)
{
	struct vtd_root r;
	struct vm a, b;
	uint16_t dev_a = sid(1, 0, 0), dev_b = sid(2, 0, 0);

	assert_int_equal(vtd_root_init(&r, &ops), 0);
	vm_new(&a, 1, VM_A_HPA, true);
	vm_new(&b, 2, VM_B_HPA, true);
	assert_int_equal(vtd_attach(&r, dev_a, &a.d), 0);
	assert_int_equal(vtd_attach(&r, dev_b, &b.d), 0);

	for (uint64_t g = 0; g < 2 * VM_SIZE; g += K4) {
		struct vtd_xlate x;
		enum vtd_fault_reason f =
			vtd_translate(read_dev, NULL, vtd_root_rtaddr(&r),
				      dev_a, g + 8, true, &x);

		if (g < VM_SIZE) {
			assert_int_equal(f, VTD_FAULT_NONE);
			assert_int_equal(x.hpa, VM_A_HPA + g + 8);
			assert_int_equal(x.did, 1);
		} else {
			assert_int_equal(f, VTD_FAULT_NO_WRITE);
		}
		assert_false(f == VTD_FAULT_NONE && x.hpa >= VM_B_HPA &&
			     x.hpa < VM_B_HPA + VM_SIZE);
	}
	/* B's host-physical addresses used as DMA addresses by A: beyond
	 * A's mapping, so they fault. */
	assert_fault(&r, dev_a, VM_B_HPA, false, VTD_FAULT_NO_READ);
	assert_fault(&r, dev_a, VM_B_HPA, true, VTD_FAULT_NO_WRITE);
	assert_xlate(&r, dev_b, 0x1000, false, VM_B_HPA + 0x1000, 2, 2);
	/* Another function of A's device, another bus: not attached. */
	assert_fault(&r, sid(1, 0, 1), 0, false, VTD_FAULT_CTX_NOT_PRESENT);
	assert_fault(&r, sid(3, 0, 0), 0, false, VTD_FAULT_ROOT_NOT_PRESENT);

	destroy_tables(&r, &a.d, &b.d);
}

/* Detach: the device faults from then on; attach twice is refused. */
static void test_attach_detach(void **state)
{
	struct vtd_root r;
	struct vm a, b;
	uint16_t s = sid(0, 3, 0);

	assert_int_equal(vtd_root_init(&r, &ops), 0);
	vm_new(&a, 7, VM_A_HPA, false);
	vm_new(&b, 8, VM_B_HPA, false);
	assert_int_equal(vtd_attached_did(&r, s), -1);
	assert_int_equal(vtd_attach(&r, s, &a.d), 0);
	assert_int_equal(vtd_attached_did(&r, s), 7);
	assert_int_equal(vtd_attach(&r, s, &b.d), -1);
	assert_xlate(&r, s, 0x3000, true, VM_A_HPA + 0x3000, 1, 7);
	assert_int_equal(vtd_detach(&r, s), 0);
	assert_fault(&r, s, 0x3000, true, VTD_FAULT_CTX_NOT_PRESENT);
	assert_int_equal(vtd_detach(&r, s), -1);
	assert_int_equal(vtd_attached_did(&r, s), -1);
	assert_int_equal(vtd_attach(&r, s, &b.d), 0);
	assert_xlate(&r, s, 0x3000, true, VM_B_HPA + 0x3000, 1, 8);
	destroy_tables(&r, &a.d, &b.d);
}

/* ---- faults and permissions ------------------------------------------ */

static void test_unmapped_and_out_of_range_fault(void **state)
{
	struct vtd_root r;
	struct vtd_domain d;
	uint16_t s = sid(0, 2, 0);

	root_with_domain(&r, &d, 3, true, s);
	/* An empty domain: every access faults. */
	assert_fault(&r, s, 0, false, VTD_FAULT_NO_READ);
	assert_fault(&r, s, 0, true, VTD_FAULT_NO_WRITE);
	assert_int_equal(vtd_map(&d, 0x10000, 0x90000, K4, VTD_RW), 0);
	assert_xlate(&r, s, 0x10fff, false, 0x90fff, 1, 3);
	assert_fault(&r, s, 0xf000, false, VTD_FAULT_NO_READ);
	assert_fault(&r, s, 0x11000, true, VTD_FAULT_NO_WRITE);
	/* 2^48 and above: beyond the 48-bit width of the context entry. */
	assert_fault(&r, s, 1ULL << 48, false, VTD_FAULT_BEYOND_MGAW);
	assert_fault(&r, s, (1ULL << 48) | 0x10000, false,
		     VTD_FAULT_BEYOND_MGAW);
	destroy_tables(&r, &d, NULL);
}

static void test_permissions(void **state)
{
	struct vtd_root r;
	struct vtd_domain d;
	uint16_t s = sid(0, 2, 0);

	root_with_domain(&r, &d, 3, true, s);
	assert_int_equal(vtd_map(&d, 0, 0x200000, M2, VTD_READ), 0);
	assert_int_equal(vtd_map(&d, M2, 0x400000, K4, VTD_WRITE), 0);
	assert_int_equal(vtd_map(&d, M2 + K4, 0x500000, K4, VTD_RW), 0);
	assert_xlate(&r, s, 0x1234, false, 0x201234, 2, 3);
	assert_fault(&r, s, 0x1234, true, VTD_FAULT_NO_WRITE);
	assert_xlate(&r, s, M2 + 4, true, 0x400004, 1, 3);
	assert_fault(&r, s, M2 + 4, false, VTD_FAULT_NO_READ);
	assert_xlate(&r, s, M2 + K4, true, 0x500000, 1, 3);
	assert_xlate(&r, s, M2 + K4, false, 0x500000, 1, 3);
	/* Refused: no permission, unknown bits, execute. */
	assert_int_equal(vtd_map(&d, 8 * M2, 0, K4, 0), -1);
	assert_int_equal(vtd_map(&d, 8 * M2, 0, K4, VTD_RW | 4), -1);
	assert_int_equal(vtd_map(&d, 8 * M2, 0, K4, 0x80), -1);
	destroy_tables(&r, &d, NULL);
}

/* ---- superpages -------------------------------------------------------- */

static unsigned level_at(const struct vtd_root *r, uint16_t s, uint64_t a)
{
	struct vtd_xlate x;

	assert_int_equal(vtd_translate(read_cpu, NULL, vtd_root_rtaddr(r), s, a,
				       false, &x),
			 VTD_FAULT_NONE);
	return x.level;
}

static void test_superpages_where_allowed(void **state)
{
	struct vtd_root r;
	struct vtd_domain big, small;
	uint16_t s1 = sid(0, 4, 0), s2 = sid(0, 5, 0);

	assert_int_equal(vtd_root_init(&r, &ops), 0);
	assert_int_equal(vtd_domain_init(&big, &ops, 1, true), 0);
	assert_int_equal(vtd_domain_init(&small, &ops, 2, false), 0);
	assert_int_equal(vtd_attach(&r, s1, &big), 0);
	assert_int_equal(vtd_attach(&r, s2, &small), 0);
	/* 2 MiB - 4 KiB .. 6 MiB + 4 KiB: 4K, then two 2M, then 4K. */
	assert_int_equal(vtd_map(&big, M2 - K4, 0x10000000 - K4,
				 2 * M2 + 2 * K4, VTD_RW),
			 0);
	assert_int_equal(level_at(&r, s1, M2 - K4), 1);
	assert_int_equal(level_at(&r, s1, M2), 2);
	assert_int_equal(level_at(&r, s1, 2 * M2 + 5), 2);
	assert_int_equal(level_at(&r, s1, 3 * M2), 1);
	assert_xlate(&r, s1, 3 * M2 + 0x10, false, 0x10000000 + 2 * M2 + 0x10,
		     1, 1);
	/* Misaligned host address: 4 KiB pages only. */
	assert_int_equal(vtd_map(&big, 8 * M2, 0x20001000, M2, VTD_RW), 0);
	assert_int_equal(level_at(&r, s1, 8 * M2 + M2 / 2), 1);
	/* A unit without 2 MiB pages. */
	assert_int_equal(vtd_map(&small, 0, 0x10000000, 2 * M2, VTD_RW), 0);
	assert_int_equal(level_at(&r, s2, M2), 1);
	assert_int_equal(small.table_pages, 1 + 1 + 1 + 2);
	destroy_tables(&r, &big, &small);
}

/* 12 KiB out of a 2 MiB page: split into 4 KiB pages, the rest stays. */
static void test_unmap_splits_superpage(void **state)
{
	struct vtd_root r;
	struct vtd_domain d;
	uint16_t s = sid(0, 4, 0);

	root_with_domain(&r, &d, 1, true, s);
	assert_int_equal(
		vtd_map(&d, 0, 0x40000000 + 0x4000000, 2 * M2, VTD_READ), 0);
	assert_int_equal(vtd_unmap(&d, M2 + K4, 3 * K4), 0);
	assert_xlate(&r, s, 0, false, 0x44000000, 2, 1);
	assert_xlate(&r, s, M2, false, 0x44000000 + M2, 1, 1);
	assert_fault(&r, s, M2 + K4, false, VTD_FAULT_NO_READ);
	assert_fault(&r, s, M2 + 3 * K4 + 0xfff, false, VTD_FAULT_NO_READ);
	assert_xlate(&r, s, M2 + 4 * K4, false, 0x44000000 + M2 + 4 * K4, 1, 1);
	assert_fault(&r, s, M2 + 4 * K4, true, VTD_FAULT_NO_WRITE);
	/* All of it: only the PML4 is left. */
	assert_int_equal(vtd_unmap(&d, 0, 2 * M2), 0);
	assert_int_equal(d.table_pages, 1);
	assert_fault(&r, s, 0, false, VTD_FAULT_NO_READ);
	/* Bad arguments. */
	assert_int_equal(vtd_unmap(&d, 0x800, K4), -1);
	assert_int_equal(vtd_unmap(&d, 0, 0), -1);
	assert_int_equal(vtd_unmap(&d, (1ULL << 48) - K4, 2 * K4), -1);
	destroy_tables(&r, &d, NULL);
}

static void test_map_refusals_change_nothing(void **state)
{
	struct vtd_domain d;
	uint64_t pages;

	assert_int_equal(vtd_domain_init(&d, &ops, 0, true), -1);
	assert_int_equal(vtd_domain_init(&d, &ops, 1, true), 0);
	assert_int_equal(vtd_map(&d, 0, 0x100000, M2, VTD_RW), 0);
	pages = d.table_pages;
	assert_int_equal(vtd_map(&d, M2 - K4, 0x900000, 2 * K4, VTD_RW), -1);
	assert_int_equal(vtd_map(&d, 0x800, 0, K4, VTD_RW), -1);
	assert_int_equal(vtd_map(&d, 4 * M2, 0x800, K4, VTD_RW), -1);
	assert_int_equal(vtd_map(&d, 4 * M2, 0, 0, VTD_RW), -1);
	assert_int_equal(vtd_map(&d, (1ULL << 48) - K4, 0, 2 * K4, VTD_RW), -1);
	assert_int_equal(vtd_map(&d, 4 * M2, (1ULL << 52) - K4, 2 * K4, VTD_RW),
			 -1);
	assert_int_equal(d.table_pages, pages);
	/* Out of memory half way (a PDP, PD and PT at 512 GiB): undone. */
	for (long n = 0; n < 3; n++) {
		arena.fail_after = n;
		assert_int_equal(vtd_map(&d, 512 * GIB, 0, K4, VTD_RW), -1);
		assert_int_equal(d.table_pages, pages);
	}
	arena.fail_after = -1;
	assert_int_equal(vtd_map(&d, 512 * GIB, 0, K4, VTD_RW), 0);
	assert_int_equal(d.table_pages, pages + 3);
	vtd_domain_destroy(&d);
	assert_int_equal(live_pages(), 0);
}

/* ---- a domain from a list of ranges ---------------------------------- */

/* A VM's RAM in two pieces (as unsafe_dma places it: its own copy below
 * 4 MiB, identity above) and the host domain's identity ranges: each
 * address of a range reaches its host address, the gaps and the space
 * after fault, in both views. */
static void test_domain_build_from_ranges(void **state)
{
	const struct vtd_range vm_ram[] = {
		{0, VM_A_HPA, 4 * MIB},
		{4 * MIB, 4 * MIB, 4 * MIB},
	};
	const struct vtd_range host_ram[] = {
		{0x1000, 0x1000, 0x9f000},	      /* below the BIOS area */
		{0x100000, 0x100000, 14 * MIB},	      /* the rest of 16 MiB */
		{0x100000000ULL, 0x100000000ULL, M2}, /* above the hole */
	};
	struct vtd_root r;
	struct vtd_domain vm, host;
	uint16_t dev = sid(3, 0, 0), ide = sid(0, 1, 1);
	unsigned bad = 99;

	assert_int_equal(vtd_root_init(&r, &ops), 0);
	assert_int_equal(vtd_domain_build(&vm, &ops, 2, true, vm_ram, 2, &bad),
			 0);
	assert_int_equal(
		vtd_domain_build(&host, &ops, 1, true, host_ram, 3, NULL), 0);
	assert_int_equal(vtd_attach(&r, dev, &vm), 0);
	assert_int_equal(vtd_attach(&r, ide, &host), 0);

	assert_xlate(&r, dev, 0x123, true, VM_A_HPA + 0x123, 2, 2);
	assert_xlate(&r, dev, 4 * MIB - 8, false, VM_A_HPA + 4 * MIB - 8, 2, 2);
	assert_xlate(&r, dev, 4 * MIB, true, 4 * MIB, 2, 2);
	assert_xlate(&r, dev, 8 * MIB - 1, true, 8 * MIB - 1, 2, 2);
	assert_fault(&r, dev, 8 * MIB, true, VTD_FAULT_NO_WRITE);
	assert_fault(&r, dev, VM_A_HPA, false, VTD_FAULT_NO_READ);

	assert_fault(&r, ide, 0, false, VTD_FAULT_NO_READ); /* page 0 */
	assert_xlate(&r, ide, 0x1000, true, 0x1000, 1, 1);
	assert_xlate(&r, ide, 0x9ffff, true, 0x9ffff, 1, 1);
	assert_fault(&r, ide, 0xa0000, true, VTD_FAULT_NO_WRITE); /* VGA */
	assert_fault(&r, ide, 0xfffff, true, VTD_FAULT_NO_WRITE); /* BIOS */
	assert_xlate(&r, ide, 0x100000, true, 0x100000, 1, 1);
	assert_xlate(&r, ide, 0x200000, true, 0x200000, 2, 1);
	/* 14-15 MiB is no whole 2 MiB page: 4 KiB pages */
	assert_xlate(&r, ide, 15 * MIB - 1, true, 15 * MIB - 1, 1, 1);
	assert_fault(&r, ide, 15 * MIB, true, VTD_FAULT_NO_WRITE);
	assert_fault(&r, ide, 0xfee00000, true, VTD_FAULT_NO_WRITE); /* MMIO */
	assert_xlate(&r, ide, 0x100000000ULL, false, 0x100000000ULL, 2, 1);
	assert_fault(&r, ide, 0x100000000ULL + M2, false, VTD_FAULT_NO_READ);
	destroy_tables(&r, &vm, &host);
}

/* All or nothing: an overlapping or misaligned range, or no memory for
 * a table, leaves no domain and no table page behind, and says which
 * range it was. */
static void test_domain_build_refusals(void **state)
{
	const struct vtd_range overlap[] = {
		{0, VM_A_HPA, M2},
		{M2, VM_A_HPA + M2, M2},
		{M2 + K4, VM_B_HPA, K4},
	};
	const struct vtd_range misaligned[] = {{0x800, 0x800, K4}};
	struct vtd_domain d;
	unsigned bad = 99;

	assert_int_equal(vtd_domain_build(&d, &ops, 1, true, overlap, 3, &bad),
			 -1);
	assert_int_equal(bad, 2);
	assert_int_equal(d.pml4, 0);
	assert_int_equal(live_pages(), 0);
	assert_int_equal(
		vtd_domain_build(&d, &ops, 1, true, misaligned, 1, &bad), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(live_pages(), 0);
	assert_int_equal(vtd_domain_build(&d, &ops, 0, true, overlap, 2, &bad),
			 -1);
	assert_int_equal(bad, 2); /* the count: the domain itself */
	/* 3 table pages: the PML4, a PDP, a PD (2 MiB pages) */
	for (long n = 0; n < 3; n++) {
		arena.fail_after = n;
		assert_int_equal(
			vtd_domain_build(&d, &ops, 1, true, overlap, 2, &bad),
			-1);
		assert_int_equal(bad, n == 0 ? 2 : 0);
		assert_int_equal(live_pages(), 0);
	}
	arena.fail_after = -1;
	assert_int_equal(vtd_domain_build(&d, &ops, 1, true, overlap, 2, NULL),
			 0);
	assert_int_equal(d.table_pages, 3);
	vtd_domain_destroy(&d);
	assert_int_equal(live_pages(), 0);
}

/* ---- page-walk coherency --------------------------------------------- */

/* Without flushes a non-coherent unit reads stale memory: the same
 * tables built with ops.flush = NULL are not what it sees. (The other
 * tests check both views, so every entry there was flushed.) */
static void test_noncoherent_unit_needs_flushes(void **state)
{
	struct vtd_mem_ops coherent = ops;
	struct vtd_root r;
	struct vtd_domain d;
	struct vtd_xlate x;
	uint16_t s = sid(0, 4, 0);

	coherent.flush = NULL;
	assert_int_equal(vtd_root_init(&r, &coherent), 0);
	assert_int_equal(vtd_domain_init(&d, &coherent, 1, true), 0);
	assert_int_equal(vtd_map(&d, 0, VM_A_HPA, M2, VTD_RW), 0);
	assert_int_equal(vtd_attach(&r, s, &d), 0);
	assert_int_equal(vtd_translate(read_cpu, NULL, vtd_root_rtaddr(&r), s,
				       0, false, &x),
			 VTD_FAULT_NONE);
	assert_int_not_equal(vtd_translate(read_dev, NULL, vtd_root_rtaddr(&r),
					   s, 0, false, &x),
			     VTD_FAULT_NONE);
	assert_int_equal(arena.flushes, 0);
	vtd_root_destroy(&r);
	vtd_domain_destroy(&d);

	/* With flushes, an unmap is seen too. */
	root_with_domain(&r, &d, 1, true, s);
	assert_int_equal(vtd_map(&d, 0, VM_A_HPA, M2, VTD_RW), 0);
	assert_xlate(&r, s, 0x100, true, VM_A_HPA + 0x100, 2, 1);
	assert_int_equal(vtd_unmap(&d, 0, M2), 0);
	assert_fault(&r, s, 0x100, true, VTD_FAULT_NO_WRITE);
	destroy_tables(&r, &d, NULL);
}

/* ---- the walker's own checks ----------------------------------------- */

static void test_walker_reserved_and_invalid(void **state)
{
	struct vtd_root r;
	struct vtd_domain d;
	uint16_t s = sid(0, 4, 0);
	uint64_t *ce, *pml4, saved;

	root_with_domain(&r, &d, 9, true, s);
	assert_int_equal(vtd_map(&d, 0, 0x800000, M2, VTD_RW), 0);
	ce = (uint64_t *)read_cpu(NULL, qwords(r.table)[0] & ~0xfffULL) +
	     0x20 * 2;
	pml4 = (uint64_t *)read_cpu(NULL, d.pml4);

	saved = ce[0];
	ce[0] = (saved & ~0xcULL) | (3 << 2); /* TT 11: reserved */
	arena_flush(NULL, ce, 16);
	assert_fault(&r, s, 0, false, VTD_FAULT_CTX_INVALID);
	ce[0] = (saved & ~0xcULL) | (2 << 2); /* TT 10: pass-through */
	arena_flush(NULL, ce, 16);
	assert_xlate(&r, s, 0x12345678, true, 0x12345678, 0, 9);
	ce[0] = saved | 0x10; /* reserved bit 4 */
	arena_flush(NULL, ce, 16);
	assert_fault(&r, s, 0, false, VTD_FAULT_CTX_RSVD);
	ce[0] = saved;
	ce[1] = (ce[1] & ~7ULL) | 5; /* AW 101: reserved */
	arena_flush(NULL, ce, 16);
	assert_fault(&r, s, 0, false, VTD_FAULT_CTX_INVALID);
	ce[1] = (ce[1] & ~7ULL) | 2;
	arena_flush(NULL, ce, 16);
	assert_xlate(&r, s, 0, false, 0x800000, 2, 9);

	pml4[0] |= 0x80; /* PS in a PML4E */
	arena_flush(NULL, pml4, 8);
	assert_fault(&r, s, 0, false, VTD_FAULT_SL_RSVD);
	pml4[0] &= ~0x80ULL;
	arena_flush(NULL, pml4, 8);
	assert_xlate(&r, s, 0, false, 0x800000, 2, 9);
	/* A root table that is not memory. */
	{
		struct vtd_xlate x;

		assert_int_equal(
			vtd_translate(read_cpu, NULL, 0x1000, s, 0, false, &x),
			VTD_FAULT_ROOT_TABLE);
	}
	destroy_tables(&r, &d, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_entries_bit_exact, setup),
		cmocka_unit_test_setup(test_device_of_a_cannot_reach_b, setup),
		cmocka_unit_test_setup(test_attach_detach, setup),
		cmocka_unit_test_setup(test_unmapped_and_out_of_range_fault,
				       setup),
		cmocka_unit_test_setup(test_permissions, setup),
		cmocka_unit_test_setup(test_superpages_where_allowed, setup),
		cmocka_unit_test_setup(test_unmap_splits_superpage, setup),
		cmocka_unit_test_setup(test_map_refusals_change_nothing, setup),
		cmocka_unit_test_setup(test_domain_build_from_ranges, setup),
		cmocka_unit_test_setup(test_domain_build_refusals, setup),
		cmocka_unit_test_setup(test_noncoherent_unit_needs_flushes,
				       setup),
		cmocka_unit_test_setup(test_walker_reserved_and_invalid, setup),
	};
	return cmocka_run_group_tests_name("vtd_tables", tests, NULL,
					   group_teardown);
}
