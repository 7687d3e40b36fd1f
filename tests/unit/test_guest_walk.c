/*
 * tests/unit/test_guest_walk.c - vmx/guest_walk.c on the host: guest page
 * tables built in a fake guest memory (an exact-size heap block, so ASan
 * catches a read past it) for each paging mode; translations, large
 * pages, and faults with the exact error codes of SDM Vol. 3A,
 * "Page-Fault Exceptions".
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "arch/x86_64/regs.h"
#include "vmx/guest_walk.h"

#define RAM_SIZE (64 * 1024) /* guest RAM at guest-physical 0 */

/* Tables at fixed guest-physical pages; CR3 points at TOP. */
#define TOP 0x1000
#define L2  0x2000
#define L3  0x3000
#define L4  0x4000

/* Paging-entry bits (SDM Vol. 3A, "Hierarchical Paging Structures: an
 * Overview"). */
#define P   BIT(0)
#define RW  BIT(1)
#define US  BIT(2)
#define PS  BIT(7)
#define XD  BIT(63)
#define ALL (P | RW | US)

static uint8_t *ram;

static bool ram_read(void *ctx, gpa_t gpa, void *buf, size_t len)
{
	unsigned *reads = ctx;

	(*reads)++;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memcpy(buf, ram + gpa, len);
	return true;
}

static void put64(gpa_t table, uint64_t index, uint64_t e)
{
	memcpy(ram + table + index * 8, &e, 8);
}

static void put32(gpa_t table, uint64_t index, uint32_t e)
{
	memcpy(ram + table + index * 4, &e, 4);
}

static int setup(void **state)
{
	ram = calloc(1, RAM_SIZE);
	return ram ? 0 : -1;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

static unsigned reads;

static gpa_t expect_ok(const struct guest_paging *pg, gva_t gva,
		       unsigned access)
{
	gpa_t out = 0;
	uint32_t err = 0;
	int r = guest_walk(pg, gva, access, ram_read, &reads, &out, &err);

	if (r != GW_OK)
		fail_msg("walk of %#llx: %s (error code %#x)",
			 (unsigned long long)gva, guest_walk_result_name(r),
			 err);
	return out;
}

static void expect_fault(const struct guest_paging *pg, gva_t gva,
			 unsigned access, uint32_t code)
{
	gpa_t out = 0;
	uint32_t err = 0xdead;
	int r = guest_walk(pg, gva, access, ram_read, &reads, &out, &err);

	if (r != GW_FAULT)
		fail_msg("walk of %#llx: %s, expected a page fault",
			 (unsigned long long)gva, guest_walk_result_name(r));
	if (err != code)
		fail_msg("walk of %#llx: error code %#x, expected %#x",
			 (unsigned long long)gva, err, code);
}

static int walk_result(const struct guest_paging *pg, gva_t gva)
{
	gpa_t out;
	uint32_t err;

	return guest_walk(pg, gva, GW_READ, ram_read, &reads, &out, &err);
}

static void test_paging_off(void **state)
{
	struct guest_paging pg = {.cr0 = CR0_PE, .maxphyaddr = 36};

	reads = 0;
	assert_int_equal(expect_ok(&pg, 0x12345, GW_WRITE), 0x12345);
	assert_int_equal(expect_ok(&pg, 0x100001234ULL, GW_FETCH), 0x1234);
	assert_int_equal(reads, 0);
}

/* SDM Vol. 3A, "32-Bit Paging". */
static void test_32bit_paging(void **state)
{
	struct guest_paging pg = {
		.cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = TOP, .maxphyaddr = 36};

	put32(TOP, 1, L2 | ALL);
	put32(L2, 1, 0x9000 | ALL);
	assert_int_equal(expect_ok(&pg, 0x00401234, GW_READ), 0x9234);
	/* 4-MByte pages with CR4.PSE, PSE-36 address bits 35:32 in 16:13. */
	put32(TOP, 2, 0x00c00000 | PS | ALL);
	put32(TOP, 3, 0x00c00000 | 3 << 13 | PS | ALL);
	pg.cr4 = CR4_PSE;
	assert_int_equal(expect_ok(&pg, 0x00812345, GW_READ), 0x00c12345);
	assert_int_equal(expect_ok(&pg, 0x00c12345, GW_READ), 0x300c12345ULL);
	/* Address bit 33 is reserved when MAXPHYADDR is 33; bit 21 always. */
	pg.maxphyaddr = 33;
	expect_fault(&pg, 0x00c12345, GW_READ, PF_ERR_P | PF_ERR_RSVD);
	pg.maxphyaddr = 36;
	put32(TOP, 4, 0x01000000 | BIT(21) | PS | ALL);
	expect_fault(&pg, 0x01012345, GW_READ, PF_ERR_P | PF_ERR_RSVD);
	/* Without CR4.PSE, PS is ignored: 0x00c00000 is a page table, and
	 * it lies outside guest memory. */
	pg.cr4 = 0;
	assert_int_equal(walk_result(&pg, 0x00812345), GW_BAD_TABLE);
	/* Not present; no I/D bit without PAE or SMEP, even with NXE. */
	pg.efer = EFER_NXE;
	expect_fault(&pg, 0x00402000, GW_READ, 0);
	expect_fault(&pg, 0x00402000, GW_FETCH, 0);
	pg.cpl = 3;
	expect_fault(&pg, 0x00402000, GW_WRITE, PF_ERR_W | PF_ERR_U);
	expect_fault(&pg, 0x07c00000, GW_READ, PF_ERR_U);
}

/* SDM Vol. 3A, "PAE Paging". */
static void test_pae_paging(void **state)
{
	const gpa_t pdpt = TOP + 0x20; /* CR3 bits 31:5 */
	struct guest_paging pg = {.cr0 = CR0_PE | CR0_PG | CR0_WP,
				  .cr3 = pdpt,
				  .cr4 = CR4_PAE,
				  .efer = EFER_NXE,
				  .maxphyaddr = 36};

	put64(pdpt, 1, L2 | P);
	put64(L2, 1, L3 | ALL);
	put64(L3, 1, 0x9000 | ALL);
	assert_int_equal(expect_ok(&pg, 0x40201234, GW_WRITE), 0x9234);
	put64(L2, 2, 0x00e00000 | PS | ALL);
	assert_int_equal(expect_ok(&pg, 0x40412345, GW_READ), 0x00e12345);
	/* NX with EFER.NXE: a fetch faults with I/D; a read does not. */
	put64(L3, 3, 0x9000 | ALL | XD);
	expect_fault(&pg, 0x40203000, GW_FETCH, PF_ERR_P | PF_ERR_I);
	assert_int_equal(expect_ok(&pg, 0x40203000, GW_READ), 0x9000);
	/* Without NXE bit 63 is reserved, and I/D is never set. */
	pg.efer = 0;
	expect_fault(&pg, 0x40203000, GW_READ, PF_ERR_P | PF_ERR_RSVD);
	expect_fault(&pg, 0x40203000, GW_FETCH, PF_ERR_P | PF_ERR_RSVD);
	pg.efer = EFER_NXE;
	/* PDPTE bits 2:1 are reserved. */
	put64(pdpt, 2, L2 | P | RW);
	expect_fault(&pg, 0x80000000, GW_READ, PF_ERR_P | PF_ERR_RSVD);
	/* Not-present PDPTE. */
	expect_fault(&pg, 0xc0000000, GW_READ, 0);
	expect_fault(&pg, 0xc0000000, GW_FETCH, PF_ERR_I);
	/* Bits 62:MAXPHYADDR of a PTE are reserved. */
	put64(L3, 4, 0x9000 | BIT(40) | ALL);
	expect_fault(&pg, 0x40204000, GW_READ, PF_ERR_P | PF_ERR_RSVD);
	/* A 2-MByte PDE with bit 13 set. */
	put64(L2, 3, 0x00e00000 | BIT(13) | PS | ALL);
	expect_fault(&pg, 0x40600000, GW_READ, PF_ERR_P | PF_ERR_RSVD);
}

static const gva_t kernel_gva = 0xffff800000201234ULL;

static struct guest_paging long_mode(void)
{
	return (struct guest_paging){
		.cr0 = CR0_PE | CR0_PG | CR0_WP,
		.cr3 = TOP,
		.cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
		.maxphyaddr = 46,
	};
}

/* One 4-KByte page at gva, with the flags of each level. */
static void map_4level(gva_t gva, uint64_t f1, uint64_t f2, uint64_t f3,
		       uint64_t f4, gpa_t frame)
{
	put64(TOP, (gva >> 39) & 511, L2 | f1);
	put64(L2, (gva >> 30) & 511, L3 | f2);
	put64(L3, (gva >> 21) & 511, L4 | f3);
	put64(L4, (gva >> 12) & 511, frame | f4);
}

/* SDM Vol. 3A, "4-Level Paging and 5-Level Paging". */
static void test_4level_paging(void **state)
{
	struct guest_paging pg = long_mode();

	map_4level(kernel_gva, ALL, ALL, ALL, ALL, 0x9000);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_READ), 0x9234);
	/* 1-GByte and 2-MByte pages; bit 12 (PAT) is not address. */
	put64(L2, 3, 0x40000000 | PS | ALL);
	assert_int_equal(expect_ok(&pg, 0xffff8000c0123456ULL, GW_READ),
			 0x40123456);
	put64(L3, 3, 0x00e00000 | BIT(12) | PS | ALL);
	assert_int_equal(expect_ok(&pg, 0xffff800000612345ULL, GW_READ),
			 0x00e12345);
	/* Reserved: bits 29:13 of a 1-GByte PDPTE, 20:13 of a 2-MByte
	 * PDE, PS in a PML4E, bits 51:MAXPHYADDR. */
	put64(L2, 4, 0x40000000 | BIT(20) | PS | ALL);
	expect_fault(&pg, 0xffff800100000000ULL, GW_READ,
		     PF_ERR_P | PF_ERR_RSVD);
	put64(L3, 4, 0x00e00000 | BIT(13) | PS | ALL);
	expect_fault(&pg, 0xffff800000800000ULL, GW_WRITE,
		     PF_ERR_P | PF_ERR_W | PF_ERR_RSVD);
	put64(TOP, 1, L2 | PS | ALL);
	expect_fault(&pg, 0x0000008000000000ULL, GW_READ,
		     PF_ERR_P | PF_ERR_RSVD);
	put64(L4, 1, 0x9000 | BIT(40) | ALL);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_READ), 0x10000009234ULL);
	pg.maxphyaddr = 40;
	expect_fault(&pg, kernel_gva, GW_READ, PF_ERR_P | PF_ERR_RSVD);
	pg.maxphyaddr = 46;
	/* Non-canonical: #GP, not #PF. */
	assert_int_equal(walk_result(&pg, 0x0000800000000000ULL),
			 GW_NONCANONICAL);
	assert_int_equal(walk_result(&pg, 0xfff0800000000000ULL),
			 GW_NONCANONICAL);
}

static void test_unsupported_states(void **state)
{
	struct guest_paging pg = long_mode();

	pg.cr4 |= CR4_LA57;
	assert_int_equal(walk_result(&pg, kernel_gva), GW_UNSUPPORTED);
	pg = long_mode();
	pg.cr4 = 0; /* EFER.LMA without CR4.PAE */
	assert_int_equal(walk_result(&pg, kernel_gva), GW_UNSUPPORTED);
	pg = long_mode();
	pg.maxphyaddr = 53;
	assert_int_equal(walk_result(&pg, kernel_gva), GW_UNSUPPORTED);
	pg.maxphyaddr = 0;
	assert_int_equal(walk_result(&pg, kernel_gva), GW_UNSUPPORTED);
}

/* A paging structure outside guest RAM: the read seam fails. */
static void test_table_outside_memory(void **state)
{
	struct guest_paging pg = long_mode();

	map_4level(kernel_gva, ALL, ALL, ALL, ALL, 0x9000);
	put64(L2, 0, 0x80000000 | ALL);
	assert_int_equal(walk_result(&pg, kernel_gva), GW_BAD_TABLE);
	pg.cr3 = 0x100000;
	assert_int_equal(walk_result(&pg, kernel_gva), GW_BAD_TABLE);
}

/* SDM Vol. 3A, "Access Rights" and "Page-Fault Exceptions". */
static void test_not_present(void **state)
{
	struct guest_paging pg = long_mode();

	map_4level(kernel_gva, ALL, ALL, ALL, RW | US, 0x9000);
	expect_fault(&pg, kernel_gva, GW_READ, 0);
	expect_fault(&pg, kernel_gva, GW_FETCH, PF_ERR_I);
	pg.cpl = 3;
	expect_fault(&pg, kernel_gva, GW_WRITE, PF_ERR_W | PF_ERR_U);
	map_4level(kernel_gva, ALL, ALL, RW | US, ALL, 0x9000);
	expect_fault(&pg, kernel_gva, GW_READ, PF_ERR_U);
}

static void test_write_protect(void **state)
{
	struct guest_paging pg = long_mode();

	map_4level(kernel_gva, ALL, ALL, ALL, P | US, 0x9000);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_READ), 0x9234);
	expect_fault(&pg, kernel_gva, GW_WRITE, PF_ERR_P | PF_ERR_W);
	expect_fault(&pg, kernel_gva, GW_READ | GW_WRITE, PF_ERR_P | PF_ERR_W);
	/* CR0.WP = 0: supervisor writes ignore R/W, user writes do not. */
	pg.cr0 &= ~CR0_WP;
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_WRITE), 0x9234);
	pg.cpl = 3;
	expect_fault(&pg, kernel_gva, GW_WRITE, PF_ERR_P | PF_ERR_W | PF_ERR_U);
	/* R/W = 0 at an upper level is enough. */
	pg = long_mode();
	map_4level(kernel_gva, ALL, ALL, P | US, ALL, 0x9000);
	expect_fault(&pg, kernel_gva, GW_WRITE, PF_ERR_P | PF_ERR_W);
}

static void test_user_supervisor(void **state)
{
	struct guest_paging pg = long_mode();

	map_4level(kernel_gva, ALL, ALL, ALL, P | RW, 0x9000);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_WRITE), 0x9234);
	pg.cpl = 3;
	expect_fault(&pg, kernel_gva, GW_READ, PF_ERR_P | PF_ERR_U);
	map_4level(kernel_gva, ALL, P | RW, ALL, ALL, 0x9000);
	expect_fault(&pg, kernel_gva, GW_READ, PF_ERR_P | PF_ERR_U);
	map_4level(kernel_gva, ALL, ALL, ALL, ALL, 0x9000);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_WRITE), 0x9234);
}

static void test_no_execute(void **state)
{
	struct guest_paging pg = long_mode();

	map_4level(kernel_gva, ALL, ALL, ALL, ALL | XD, 0x9000);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_READ), 0x9234);
	expect_fault(&pg, kernel_gva, GW_FETCH, PF_ERR_P | PF_ERR_I);
	pg.cpl = 3;
	expect_fault(&pg, kernel_gva, GW_FETCH, PF_ERR_P | PF_ERR_U | PF_ERR_I);
	pg.cpl = 0;
	map_4level(kernel_gva, ALL | XD, ALL, ALL, ALL, 0x9000);
	expect_fault(&pg, kernel_gva, GW_FETCH, PF_ERR_P | PF_ERR_I);
	/* Without EFER.NXE, XD is a reserved bit. */
	pg.efer &= ~EFER_NXE;
	expect_fault(&pg, kernel_gva, GW_READ, PF_ERR_P | PF_ERR_RSVD);
}

/* CR4.SMEP: no supervisor fetch from a user page; SMEP alone sets I/D. */
static void test_smep(void **state)
{
	struct guest_paging pg = long_mode();

	map_4level(kernel_gva, ALL, ALL, ALL, ALL, 0x9000);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_FETCH), 0x9234);
	pg.cr4 |= CR4_SMEP;
	expect_fault(&pg, kernel_gva, GW_FETCH, PF_ERR_P | PF_ERR_I);
	pg.cpl = 3;
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_FETCH), 0x9234);
	pg.cpl = 0;
	pg.efer &= ~EFER_NXE;
	map_4level(kernel_gva, ALL, ALL, ALL, P, 0x9000);
	assert_int_equal(expect_ok(&pg, kernel_gva, GW_FETCH), 0x9234);
	map_4level(kernel_gva, ALL, ALL, ALL, 0, 0x9000);
	expect_fault(&pg, kernel_gva, GW_FETCH, PF_ERR_I);
}

/* The walk only reads: no accessed or dirty bit appears. */
static void test_no_accessed_dirty(void **state)
{
	struct guest_paging pg = long_mode();
	uint8_t *before = malloc(RAM_SIZE);

	map_4level(kernel_gva, ALL, ALL, ALL, ALL, 0x9000);
	memcpy(before, ram, RAM_SIZE);
	expect_ok(&pg, kernel_gva, GW_READ | GW_WRITE);
	expect_ok(&pg, kernel_gva, GW_FETCH);
	assert_memory_equal(ram, before, RAM_SIZE);
	free(before);
}

static int read_linear(const struct guest_paging *pg, gva_t gva, void *buf,
		       size_t len, uint32_t *err, gva_t *fault_gva)
{
	return guest_read_linear(pg, gva, buf, len, GW_FETCH, ram_read, &reads,
				 err, fault_gva);
}

/* 15 bytes across a page boundary, the two pages far apart in guest
 * memory and in the wrong order. */
static void test_read_linear_crossing(void **state)
{
	struct guest_paging pg = long_mode();
	uint8_t buf[15], want[15];
	uint32_t err = 0;
	gva_t fault_gva = 0;

	map_4level(0x201000, ALL, ALL, ALL, ALL, 0x7000);
	map_4level(0x202000, ALL, ALL, ALL, ALL, 0x5000);
	for (unsigned i = 0; i < 15; i++)
		want[i] = 0x40 + i;
	memcpy(ram + 0x7ff6, want, 10);
	memcpy(ram + 0x5000, want + 10, 5);
	assert_int_equal(read_linear(&pg, 0x201ff6, buf, 15, &err, &fault_gva),
			 GW_OK);
	assert_memory_equal(buf, want, 15);
	/* The second page not present: CR2 is its first byte. */
	put64(L4, 2, 0);
	assert_int_equal(read_linear(&pg, 0x201ff6, buf, 15, &err, &fault_gva),
			 GW_FAULT);
	assert_int_equal(fault_gva, 0x202000);
	assert_int_equal(err, PF_ERR_I);
	/* The second page maps to a guest-physical address without RAM. */
	put64(L4, 2, 0x80000 | ALL);
	assert_int_equal(read_linear(&pg, 0x201ff6, buf, 15, &err, &fault_gva),
			 GW_BAD_MEMORY);
	/* Paging off: linear is physical. */
	pg = (struct guest_paging){.cr0 = CR0_PE, .maxphyaddr = 36};
	assert_int_equal(read_linear(&pg, 0x7ff6, buf, 10, &err, &fault_gva),
			 GW_OK);
	assert_memory_equal(buf, want, 10);
}

static void test_names(void **state)
{
	assert_string_equal(guest_walk_result_name(GW_FAULT), "page fault");
	assert_string_equal(guest_walk_result_name(GW_BAD_TABLE),
			    "paging structure outside guest memory");
	assert_string_equal(guest_walk_result_name(42), "?");
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_paging_off),
		TEST(test_32bit_paging),
		TEST(test_pae_paging),
		TEST(test_4level_paging),
		TEST(test_unsupported_states),
		TEST(test_table_outside_memory),
		TEST(test_not_present),
		TEST(test_write_protect),
		TEST(test_user_supervisor),
		TEST(test_no_execute),
		TEST(test_smep),
		TEST(test_no_accessed_dirty),
		TEST(test_read_linear_crossing),
		TEST(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
