/*
 * tests/unit/test_msr_bitmap.c - vmx/msr_bitmap.c (which MSR accesses
 * exit), on the host. The bitmap is a 4096-byte heap block, so ASan sees
 * any access past the page. Bit positions are checked against raw bytes
 * laid out by the SDM, not only through msr_bitmap_exits().
 * SDM Vol. 3C, "MSR-Bitmap Address": read bitmap for low MSRs
 * (0-0x1fff) at byte 0, for high MSRs (0xc0000000-0xc0001fff) at 1024,
 * write bitmaps for the same at 2048 and 3072; bit n of an area is MSR
 * (range base + n), byte n/8, bit n%8.
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "arch/x86_64/regs.h"
#include "vmx/msr_bitmap.h"

#define PAGE 4096

/* Spelled out here rather than taken from the code under test. */
#define SYSENTER_CS	   0x174
#define SYSENTER_ESP	   0x175
#define SYSENTER_EIP	   0x176
#define IA32_EFER	   0xc0000080
#define IA32_TSC	   0x10
#define IA32_APIC_BASE	   0x1b
#define IA32_FEATURE_CTL   0x3a
#define IA32_SPEC_CTRL	   0x48
#define IA32_PAT	   0x277
#define IA32_VMX_BASIC	   0x480
#define IA32_X2APIC_TPR	   0x808
#define HYPERV_GUEST_OS_ID 0x40000000
#define AMD_HWCR	   0xc0010015

static const uint32_t passed[] = {
	0xc0000100, /* FS_BASE */
	0xc0000101, /* GS_BASE */
	0xc0000102, /* KERNEL_GS_BASE */
	SYSENTER_CS, SYSENTER_ESP, SYSENTER_EIP, 0xc0000081, /* STAR */
	0xc0000082,					     /* LSTAR */
	0xc0000083,					     /* CSTAR */
	0xc0000084,					     /* SFMASK */
	0xc0000103,					     /* TSC_AUX */
};

static uint8_t *bitmap;

static int setup(void **state)
{
	bitmap = malloc(PAGE);
	assert_non_null(bitmap);
	memset(bitmap, 0x5a, PAGE); /* init must not rely on a clean page */
	msr_bitmap_init(bitmap);
	return 0;
}

static int teardown(void **state)
{
	free(bitmap);
	bitmap = NULL;
	return 0;
}

static bool is_passed(uint32_t msr)
{
	for (size_t i = 0; i < ARRAY_SIZE(passed); i++)
		if (passed[i] == msr)
			return true;
	return false;
}

/* Every MSR either bitmap covers: exactly the passed-through list goes
 * through, for reads and for writes. */
static void test_only_the_list_passes(void **state)
{
	static const uint32_t bases[] = {0, 0xc0000000};
	unsigned through = 0;

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (uint32_t msr = bases[b]; msr < bases[b] + 0x2000; msr++) {
			bool pass = is_passed(msr);

			assert_int_equal(msr_bitmap_exits(bitmap, msr, false),
					 !pass);
			assert_int_equal(msr_bitmap_exits(bitmap, msr, true),
					 !pass);
			through += pass;
		}
	}
	assert_int_equal(through, ARRAY_SIZE(passed));
	/* And the header's names agree with the numbers above. */
	assert_int_equal(MSR_IA32_FS_BASE, 0xc0000100);
	assert_int_equal(MSR_IA32_GS_BASE, 0xc0000101);
	assert_int_equal(MSR_IA32_KERNEL_GS_BASE, 0xc0000102);
	assert_int_equal(MSR_STAR, 0xc0000081);
	assert_int_equal(MSR_LSTAR, 0xc0000082);
	assert_int_equal(MSR_CSTAR, 0xc0000083);
	assert_int_equal(MSR_SFMASK, 0xc0000084);
	assert_int_equal(MSR_TSC_AUX, 0xc0000103);
}

/* MSRs a guest must never touch directly. */
static void test_sensitive_msrs_exit(void **state)
{
	static const uint32_t sensitive[] = {
		IA32_TSC, IA32_APIC_BASE, IA32_FEATURE_CTL, IA32_SPEC_CTRL,
		IA32_PAT, IA32_VMX_BASIC, IA32_X2APIC_TPR,  IA32_EFER,
	};

	for (size_t i = 0; i < ARRAY_SIZE(sensitive); i++) {
		assert_true(msr_bitmap_exits(bitmap, sensitive[i], false));
		assert_true(msr_bitmap_exits(bitmap, sensitive[i], true));
	}
}

/* The whole page, byte by byte, against one built from the SDM layout:
 * all ones except the passed-through MSRs' bits in both read and write
 * areas. */
static void test_raw_layout(void **state)
{
	uint8_t expect[PAGE];

	memset(expect, 0xff, sizeof(expect));
	for (size_t i = 0; i < ARRAY_SIZE(passed); i++) {
		uint32_t msr = passed[i];
		unsigned read = msr < 0x2000 ? 0 : 1024;
		unsigned n = msr & 0x1fff;

		expect[read + n / 8] &= (uint8_t) ~(1u << (n % 8));
		expect[read + 2048 + n / 8] &= (uint8_t) ~(1u << (n % 8));
	}
	assert_memory_equal(bitmap, expect, PAGE);
}

/* A few bytes worked out by hand. */
static void test_raw_bytes_by_hand(void **state)
{
	/* SYSENTER_CS/ESP/EIP, 0x174-0x176: byte 0x2e, bits 4-6. */
	assert_int_equal(bitmap[0x2e], 0x8f);
	assert_int_equal(bitmap[2048 + 0x2e], 0x8f);
	/* STAR..SFMASK, 0xc0000081-84: high byte 0x10, bits 1-4. */
	assert_int_equal(bitmap[1024 + 0x10], 0xe1);
	assert_int_equal(bitmap[3072 + 0x10], 0xe1);
	/* FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC_AUX, 0xc0000100-103: high
	 * byte 0x20, bits 0-3. */
	assert_int_equal(bitmap[1024 + 0x20], 0xf0);
	assert_int_equal(bitmap[3072 + 0x20], 0xf0);
	/* Their neighbours, and the same offsets in the other range. */
	assert_int_equal(bitmap[0x2d], 0xff);
	assert_int_equal(bitmap[0x2f], 0xff);
	assert_int_equal(bitmap[0x10], 0xff);
	assert_int_equal(bitmap[0x20], 0xff);
	assert_int_equal(bitmap[1024 + 0x2e], 0xff);
	assert_int_equal(bitmap[2048 + 0x10], 0xff);
	assert_int_equal(bitmap[2048 + 0x20], 0xff);
	assert_int_equal(bitmap[0], 0xff);
	assert_int_equal(bitmap[PAGE - 1], 0xff);
}

/* msr_bitmap_exits reads the bit the CPU reads: one bit set by hand in
 * each area of an empty page makes exactly one kind of access exit. */
static void test_exits_reads_sdm_bits(void **state)
{
	static const struct {
		unsigned byte, bit;
		uint32_t msr;
		bool write;
	} one[] = {
		{0x2e, 5, SYSENTER_ESP, false},
		{1024 + 0x10, 0, IA32_EFER, false},
		{2048 + 0x4e, 7, IA32_PAT, true},
		{3072 + 0x20, 1, 0xc0000101, true},
	};

	for (size_t i = 0; i < ARRAY_SIZE(one); i++) {
		uint32_t m = one[i].msr;

		memset(bitmap, 0, PAGE);
		bitmap[one[i].byte] = (uint8_t)(1u << one[i].bit);
		assert_int_equal(msr_bitmap_exits(bitmap, m, false),
				 !one[i].write);
		assert_int_equal(msr_bitmap_exits(bitmap, m, true),
				 one[i].write);
		/* Its neighbours and its twin in the other range do not. */
		assert_false(msr_bitmap_exits(bitmap, m + 1, one[i].write));
		assert_false(msr_bitmap_exits(bitmap, m - 1, one[i].write));
		assert_false(
			msr_bitmap_exits(bitmap, m ^ 0xc0000000, one[i].write));
	}
}

/* The first and last MSR of each range land on the first and last bit
 * of its areas. */
static void test_pass_range_edges(void **state)
{
	memset(bitmap, 0xff, PAGE);
	assert_true(msr_bitmap_pass(bitmap, 0));
	assert_true(msr_bitmap_pass(bitmap, 0x1fff));
	assert_true(msr_bitmap_pass(bitmap, 0xc0000000));
	assert_true(msr_bitmap_pass(bitmap, 0xc0001fff));
	assert_int_equal(bitmap[0], 0xfe);
	assert_int_equal(bitmap[1023], 0x7f);
	assert_int_equal(bitmap[1024], 0xfe);
	assert_int_equal(bitmap[2047], 0x7f);
	assert_int_equal(bitmap[2048], 0xfe);
	assert_int_equal(bitmap[3071], 0x7f);
	assert_int_equal(bitmap[3072], 0xfe);
	assert_int_equal(bitmap[4095], 0x7f);
	for (unsigned i = 1; i < PAGE - 1; i++)
		if (i % 1024 != 0 && i % 1024 != 1023)
			assert_int_equal(bitmap[i], 0xff);
	assert_false(msr_bitmap_exits(bitmap, 0, false));
	assert_false(msr_bitmap_exits(bitmap, 0xc0001fff, true));
	assert_true(msr_bitmap_exits(bitmap, 1, false));
}

/* Outside both ranges every access exits (the CPU does that whatever the
 * bitmap says), and pass refuses without writing anything. */
static void test_out_of_range(void **state)
{
	static const uint32_t outside[] = {
		0x2000,
		0x2001,
		0xbfffffff,
		0xc0002000,
		HYPERV_GUEST_OS_ID,
		AMD_HWCR,
		0x80000000,
		0xffffffff,
		0x00010000,
		0xc0000000 + 0x10000,
	};
	uint8_t before[PAGE];

	memset(bitmap, 0, PAGE); /* nothing exits, were it covered */
	memcpy(before, bitmap, PAGE);
	for (size_t i = 0; i < ARRAY_SIZE(outside); i++) {
		assert_true(msr_bitmap_exits(bitmap, outside[i], false));
		assert_true(msr_bitmap_exits(bitmap, outside[i], true));
		assert_false(msr_bitmap_pass(bitmap, outside[i]));
	}
	assert_memory_equal(bitmap, before, PAGE);
}

/* Passing one more MSR clears its two bits and nothing else. */
static void test_pass_one_more(void **state)
{
	uint8_t before[PAGE];

	memcpy(before, bitmap, PAGE);
	assert_true(msr_bitmap_exits(bitmap, IA32_PAT, false));
	assert_true(msr_bitmap_pass(bitmap, IA32_PAT));
	assert_false(msr_bitmap_exits(bitmap, IA32_PAT, false));
	assert_false(msr_bitmap_exits(bitmap, IA32_PAT, true));
	/* 0x277: byte 0x4e, bit 7. */
	before[0x4e] &= 0x7f;
	before[2048 + 0x4e] &= 0x7f;
	assert_memory_equal(bitmap, before, PAGE);
	/* Twice is the same as once. */
	assert_true(msr_bitmap_pass(bitmap, IA32_PAT));
	assert_memory_equal(bitmap, before, PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_only_the_list_passes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sensitive_msrs_exit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_raw_layout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_raw_bytes_by_hand, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exits_reads_sdm_bits,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_range_edges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pass_one_more, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("msr_bitmap", tests, NULL, NULL);
}
