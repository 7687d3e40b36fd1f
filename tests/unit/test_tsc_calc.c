/*
 * tests/unit/test_tsc_calc.c - kernel/tsc_calc.c, the arithmetic of TSC
 * calibration, on the host: frequency from counted intervals (with the
 * numbers Bochs gave), sample selection, CPUID 0x15/0x16 decoding, the
 * agreement check, PM-timer wrap-around, ticks <-> ns at the extremes,
 * and the log line for each outcome.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "kernel/tsc_calc.h"

#define NS_PER_S 1000000000ULL

static void test_khz_from_bochs_samples(void **state)
{
	/* seen in Bochs (ips=100000000, sync=none): 10 ms of each clock */
	assert_int_equal(tsc_calc_khz(1000058, 11931, PIT_HZ), 100013);
	assert_int_equal(tsc_calc_khz(999958, 11931, PIT_HZ), 100003);
	assert_int_equal(tsc_calc_khz(1000010, 35795, PM_TIMER_HZ), 100002);
	/* a 3 GHz TSC over exactly one second of the PIT */
	assert_int_equal(tsc_calc_khz(3000000000ULL, PIT_HZ, PIT_HZ), 3000000);
}

static void test_khz_rounds_to_nearest(void **state)
{
	/* a 1 Hz reference over 1 count: the TSC's Hz is tsc_delta */
	assert_int_equal(tsc_calc_khz(1499, 1, 1), 1);
	assert_int_equal(tsc_calc_khz(1500, 1, 1), 2);
	assert_int_equal(tsc_calc_khz(499, 1, 1), 0);
}

static void test_khz_degenerate_inputs(void **state)
{
	assert_int_equal(tsc_calc_khz(1000000, 0, PIT_HZ), 0);
	assert_int_equal(tsc_calc_khz(1000000, 11931, 0), 0);
	assert_int_equal(tsc_calc_khz(0, 11931, PIT_HZ), 0);
	/* the product needs more than 64 bits, the result does not */
	assert_int_equal(tsc_calc_khz(UINT64_MAX, UINT64_MAX, 1000), 1);
	assert_int_equal(tsc_calc_khz(UINT64_MAX, 1, PIT_HZ), UINT64_MAX);
}

static void test_median_odd_even_and_outlier(void **state)
{
	uint64_t odd[] = {5, 1, 4, 2, 3};
	uint64_t even[] = {40, 10, 30, 20};
	uint64_t smi[] = {100, 100, 9999, 101, 99};
	uint64_t one[] = {7};

	assert_int_equal(tsc_calc_median(odd, 5), 3);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(odd[i], i + 1);
	assert_int_equal(tsc_calc_median(even, 4), 20);
	assert_int_equal(tsc_calc_median(smi, 5), 100);
	assert_int_equal(tsc_calc_median(one, 1), 7);
	assert_int_equal(tsc_calc_median(one, 0), 0);
}

static void test_spread(void **state)
{
	const uint64_t tight[] = {99, 100, 101};
	const uint64_t bochs[] = {100004, 100004, 100013, 100013, 100013};
	const uint64_t zeros[] = {0, 0, 5};

	assert_int_equal(tsc_calc_spread_permille(tight, 3), 20);
	assert_int_equal(tsc_calc_spread_permille(bochs, 5), 0);
	assert_int_equal(tsc_calc_spread_permille(tight, 0), 0);
	assert_int_equal(tsc_calc_spread_permille(zeros, 3), UINT64_MAX);
	assert_int_equal(tsc_calc_spread_permille(zeros, 2), 0);
}

static void test_cpuid15(void **state)
{
	/* 24 MHz crystal, TSC/crystal = 292/2 */
	assert_int_equal(tsc_calc_cpuid15_khz(2, 292, 24000000), 3504000);
	/* 38.4 MHz crystal, ratio 125/2: 2.4 GHz */
	assert_int_equal(tsc_calc_cpuid15_khz(2, 125, 38400000), 2400000);
	/* Bochs skylake_x: the ratio without the crystal (ECX = 0) */
	assert_int_equal(tsc_calc_cpuid15_khz(2, 0x124, 0), 0);
	/* zero ratio fields, including a zero denominator */
	assert_int_equal(tsc_calc_cpuid15_khz(0, 292, 24000000), 0);
	assert_int_equal(tsc_calc_cpuid15_khz(2, 0, 24000000), 0);
	assert_int_equal(tsc_calc_cpuid15_khz(0, 0, 0), 0);
	/* the largest fields do not overflow */
	assert_int_equal(tsc_calc_cpuid15_khz(1, UINT32_MAX, UINT32_MAX),
			 (uint64_t)UINT32_MAX * UINT32_MAX / 1000);
}

static void test_cpuid16(void **state)
{
	assert_int_equal(tsc_calc_cpuid16_khz(3500), 3500000);
	assert_int_equal(tsc_calc_cpuid16_khz(0), 0);
	/* EAX[31:16] are reserved */
	assert_int_equal(tsc_calc_cpuid16_khz(0xabcd0dac), 3500000);
	assert_int_equal(tsc_calc_cpuid16_khz(0xffff0000), 0);
}

static void test_diff_and_agreement(void **state)
{
	assert_int_equal(tsc_calc_diff_permille(100000, 3500000), 34000);
	assert_int_equal(tsc_calc_diff_permille(100000, 100000), 0);
	assert_int_equal(tsc_calc_diff_permille(100000, 99000), 10);
	assert_int_equal(tsc_calc_diff_permille(0, 100000), UINT64_MAX);
	assert_int_equal(tsc_calc_diff_permille(UINT64_MAX, 0), 1000);
	/* within 1 %, either side */
	assert_true(tsc_calc_agrees(100000, 101000));
	assert_false(tsc_calc_agrees(100000, 101001));
	assert_true(tsc_calc_agrees(100000, 99000));
	assert_false(tsc_calc_agrees(100000, 98999));
	assert_false(tsc_calc_agrees(100000, 3500000));
	assert_false(tsc_calc_agrees(0, 0));
	assert_false(tsc_calc_agrees(100000, 0));
}

static void test_pm_timer_24_bit(void **state)
{
	assert_int_equal(tsc_calc_pm_delta(0x10, 0x20, false), 0x10);
	assert_int_equal(tsc_calc_pm_delta(0xfffff0, 0x10, false), 0x20);
	assert_int_equal(tsc_calc_pm_delta(0x123456, 0x123456, false), 0);
	/* one count short of a whole wrap */
	assert_int_equal(tsc_calc_pm_delta(0x123456, 0x123455, false),
			 0xffffff);
	/* reserved bits 31:24 are ignored, whatever they read as */
	assert_int_equal(tsc_calc_pm_delta(0xff000010, 0x00000020, false),
			 0x10);
	assert_int_equal(tsc_calc_pm_delta(0x00fffff0, 0xab000010, false),
			 0x20);
}

static void test_pm_timer_32_bit(void **state)
{
	assert_int_equal(tsc_calc_pm_delta(0x10, 0x20, true), 0x10);
	assert_int_equal(tsc_calc_pm_delta(0xfffffff0, 0x10, true), 0x20);
	/* past 24 bits without a wrap */
	assert_int_equal(tsc_calc_pm_delta(0x00fffff0, 0x01000010, true), 0x20);
	assert_int_equal(tsc_calc_pm_delta(5, 4, true), UINT32_MAX);
}

static void test_conversions(void **state)
{
	assert_int_equal(tsc_calc_ns_to_ticks(NS_PER_S, 100000), 100000000);
	assert_int_equal(tsc_calc_ticks_to_ns(100000000, 100000), NS_PER_S);
	assert_int_equal(tsc_calc_ns_to_ticks(1000, 3500000), 3500);
	/* ns_to_ticks rounds up (a wait is never short), ticks_to_ns down */
	assert_int_equal(tsc_calc_ns_to_ticks(1, 100000), 1);
	assert_int_equal(tsc_calc_ns_to_ticks(0, 100000), 0);
	assert_int_equal(tsc_calc_ticks_to_ns(1, 3000000), 0);
	assert_int_equal(tsc_calc_ticks_to_ns(3, 3000000), 1);
	/* unknown frequency */
	assert_int_equal(tsc_calc_ns_to_ticks(NS_PER_S, 0), 0);
	assert_int_equal(tsc_calc_ticks_to_ns(12345, 0), 0);
}

static void test_conversions_at_extremes(void **state)
{
	/* ten years at 5 GHz: ns * kHz needs 81 bits, the answer 61 */
	const uint64_t ten_years_ns = 315360000ULL * NS_PER_S;

	assert_int_equal(tsc_calc_ns_to_ticks(ten_years_ns, 5000000),
			 1576800000000000000ULL);
	assert_int_equal(tsc_calc_ticks_to_ns(1576800000000000000ULL, 5000000),
			 ten_years_ns);
	assert_int_equal(tsc_calc_ns_to_ticks(UINT64_MAX, 100000),
			 1844674407370955162ULL);
	assert_int_equal(tsc_calc_ticks_to_ns(UINT64_MAX, 1000000), UINT64_MAX);
	assert_int_equal(tsc_calc_ticks_to_ns(UINT64_MAX, 100000), UINT64_MAX);
	assert_int_equal(tsc_calc_ns_to_ticks(UINT64_MAX, UINT64_MAX),
			 UINT64_MAX);
	assert_int_equal(tsc_calc_ticks_to_ns(UINT64_MAX, UINT64_MAX), 1000000);
	assert_int_equal(tsc_calc_ns_to_ticks(1, UINT64_MAX),
			 UINT64_MAX / 1000000 + 1);
}

static void test_round_trip_never_short(void **state)
{
	const uint64_t khz[] = {1, 999, 100000, 1193182, 3504000, 5000000};
	const uint64_t ns[] = {1,	  7,	      999,	 1000,
			       123456789, 1ULL << 40, 1ULL << 62};

	for (unsigned i = 0; i < sizeof(khz) / sizeof(khz[0]); i++)
		for (unsigned j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
			uint64_t t = tsc_calc_ns_to_ticks(ns[j], khz[i]);

			if (t == UINT64_MAX) /* saturated: no way back */
				continue;
			assert_true(tsc_calc_ticks_to_ns(t, khz[i]) >= ns[j]);
		}
}

static void test_choose(void **state)
{
	struct tsc_report r = {.measured_khz = 100013,
			       .cpuid15_khz = 3504000,
			       .cpuid16_khz = 3500000};

	assert_int_equal(tsc_calc_choose(&r), 100013);
	assert_int_equal(r.source, TSC_SOURCE_MEASURED);
	r.measured_khz = 0;
	assert_int_equal(tsc_calc_choose(&r), 3504000);
	assert_int_equal(r.source, TSC_SOURCE_CPUID_15);
	r.cpuid15_khz = 0;
	assert_int_equal(tsc_calc_choose(&r), 3500000);
	assert_int_equal(r.source, TSC_SOURCE_CPUID_16);
	r.cpuid16_khz = 0;
	assert_int_equal(tsc_calc_choose(&r), 0);
	assert_int_equal(r.source, TSC_SOURCE_UNKNOWN);
}

/* The line tsc_calc_describe writes after tsc_calc_choose. */
static const char *describe(struct tsc_report r)
{
	static char buf[256];
	int n;

	tsc_calc_choose(&r);
	n = tsc_calc_describe(&r, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_describe_measured(void **state)
{
	const struct tsc_report bochs = {.clock = "the PIT",
					 .measured_khz = 100013,
					 .samples = 5,
					 .cpuid16_khz = 3500000};
	const struct tsc_report agree = {.clock = "the ACPI PM timer",
					 .measured_khz = 2111990,
					 .samples = 5,
					 .spread_permille = 3,
					 .cpuid15_khz = 2112000,
					 .cpuid16_khz = 2100000};
	const struct tsc_report alone = {
		.clock = "the PIT", .measured_khz = 100013, .samples = 5};

	assert_string_equal(describe(bochs),
			    "100013 kHz measured against the PIT (median of "
			    "5, spread 0.0%); CPUID 0x16 says 3500000 kHz "
			    "(differs by 3399.5%); using the measurement");
	assert_string_equal(describe(agree),
			    "2111990 kHz measured against the ACPI PM timer "
			    "(median of 5, spread 0.3%); CPUID 0x15 says "
			    "2112000 kHz (agrees); CPUID 0x16 says 2100000 "
			    "kHz (agrees); using the measurement");
	assert_string_equal(describe(alone),
			    "100013 kHz measured against the PIT (median of "
			    "5, spread 0.0%); CPUID leaves 0x15/0x16 give no "
			    "frequency; using the measurement");
}

static void test_describe_fallbacks(void **state)
{
	const struct tsc_report dead_pit = {
		.clock = "the PIT",
		.failure = "channel 2 never counted down",
		.cpuid15_khz = 3504000,
		.cpuid16_khz = 3500000};
	const struct tsc_report nothing = {.clock = "the PIT",
					   .failure = "no 8254"};

	assert_string_equal(describe(dead_pit),
			    "not measured against the PIT: channel 2 never "
			    "counted down; CPUID 0x15 says 3504000 kHz; CPUID "
			    "0x16 says 3500000 kHz; using CPUID 0x15");
	assert_string_equal(describe(nothing),
			    "not measured against the PIT: no 8254; CPUID "
			    "leaves 0x15/0x16 give no frequency; the TSC "
			    "frequency is unknown");
}

static void test_describe_truncates(void **state)
{
	struct tsc_report r = {.clock = "the PIT",
			       .measured_khz = 100013,
			       .samples = 5,
			       .cpuid16_khz = 3500000};
	char small[16], full[256];
	int n;

	tsc_calc_choose(&r);
	n = tsc_calc_describe(&r, full, sizeof(full));
	memset(small, 'X', sizeof(small));
	assert_int_equal(tsc_calc_describe(&r, small, sizeof(small)), n);
	assert_string_equal(small, "100013 kHz meas");
	assert_int_equal(tsc_calc_describe(&r, NULL, 0), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_khz_from_bochs_samples),
		cmocka_unit_test(test_khz_rounds_to_nearest),
		cmocka_unit_test(test_khz_degenerate_inputs),
		cmocka_unit_test(test_median_odd_even_and_outlier),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_cpuid15),
		cmocka_unit_test(test_cpuid16),
		cmocka_unit_test(test_diff_and_agreement),
		cmocka_unit_test(test_pm_timer_24_bit),
		cmocka_unit_test(test_pm_timer_32_bit),
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_conversions_at_extremes),
		cmocka_unit_test(test_round_trip_never_short),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_describe_measured),
		cmocka_unit_test(test_describe_fallbacks),
		cmocka_unit_test(test_describe_truncates),
	};
	return cmocka_run_group_tests_name("tsc_calc", tests, NULL, NULL);
}
