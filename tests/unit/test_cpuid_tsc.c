/*
 * tests/unit/test_cpuid_tsc.c - CPUID leaves 0x15/0x16 as a guest sees
 * them (vmx/cpuid_tsc.c): the TSC frequency a guest computes from leaf
 * 0x15 the way Linux does (crystal kHz x EBX / EAX) is the measured one.
 */
#include "tests/unit/support.h"

#include "vmx/cpuid_tsc.h"

/* Linux, native_calibrate_tsc: crystal_khz = ecx / 1000; tsc_khz =
 * crystal_khz * ebx / eax. */
static uint64_t linux_tsc_khz(struct cpuid_regs r)
{
	return (uint64_t)(r.ecx / 1000) * r.ebx / r.eax;
}

static void test_bochs_100mhz(void **state)
{
	struct cpuid_regs r = cpuid_leaf_tsc(100001);

	assert_int_equal(r.eax, 1);
	assert_int_equal(r.ebx, 1);
	assert_int_equal(r.ecx, 100001000);
	assert_int_equal(linux_tsc_khz(r), 100001);
	r = cpuid_leaf_freq(100001);
	assert_int_equal(r.eax, 100);
	assert_int_equal(r.ebx, 100);
	assert_int_equal(r.ecx, 100);
}

static void test_fast_tsc_needs_a_divider(void **state)
{
	/* 5 GHz does not fit ECX in Hz: the crystal is half of it */
	struct cpuid_regs r = cpuid_leaf_tsc(5000000);

	assert_int_equal(cpuid_crystal_divider(5000000), 2);
	assert_int_equal(r.ebx, 2);
	assert_int_equal(r.ecx, 2500000000u);
	assert_int_equal(linux_tsc_khz(r), 5000000);
	assert_int_equal(cpuid_leaf_freq(5000000).eax, 5000);
	assert_int_equal(cpuid_leaf_freq(5000000).ecx, 2500);
}

static void test_divider_is_smallest(void **state)
{
	static const uint64_t khz[] = {1,	999999,	 4294967, 4294968,
				       8589934, 8589935, 3500000, 12000000};

	for (unsigned i = 0; i < sizeof(khz) / sizeof(khz[0]); i++) {
		uint64_t hz = khz[i] * 1000;
		uint32_t k = cpuid_crystal_divider(khz[i]);

		assert_true(hz / k < 0x100000000ULL);
		if (k > 1)
			assert_true(hz / (k - 1) >= 0x100000000ULL);
	}
	/* 4 294 967 kHz fits, 4 294 968 kHz does not */
	assert_int_equal(cpuid_crystal_divider(4294967), 1);
	assert_int_equal(cpuid_crystal_divider(4294968), 2);
}

static void test_unknown_frequency_is_not_enumerated(void **state)
{
	struct cpuid_regs r = cpuid_leaf_tsc(0);

	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = cpuid_leaf_freq(0);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	assert_int_equal(cpuid_crystal_divider(UINT64_MAX), 0);
}

static void test_freq_fields_saturate(void **state)
{
	/* 70 GHz: MHz does not fit 16 bits */
	assert_int_equal(cpuid_leaf_freq(70000000).eax, 0xffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bochs_100mhz),
		cmocka_unit_test(test_fast_tsc_needs_a_divider),
		cmocka_unit_test(test_divider_is_smallest),
		cmocka_unit_test(test_unknown_frequency_is_not_enumerated),
		cmocka_unit_test(test_freq_fields_saturate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
