/*
 * tests/unit/test_guest_lib.c - the pure parts of the test guests'
 * library (tests/guests/lib/) on the host: the 64-bit division the
 * 32-bit guests use in place of libgcc's.
 */
#include <stdlib.h>
#include "tests/unit/support.h"
#include "tests/guests/lib/libgcc.h"

static void check(uint64_t n, uint64_t d)
{
	uint64_t rem = 0;

	assert_int_equal(__udivmoddi4(n, d, &rem), n / d);
	assert_int_equal(rem, n % d);
	assert_int_equal(__udivdi3(n, d), n / d);
	assert_int_equal(__umoddi3(n, d), n % d);
}

static void test_division_edges(void **state)
{
	check(0, 1);
	check(1, 1);
	check(12345, 10);
	check(UINT64_MAX, 1);
	check(UINT64_MAX, 10);
	check(UINT64_MAX, UINT64_MAX);
	check(UINT64_MAX - 1, UINT64_MAX);
	check(1ULL << 63, (1ULL << 63) + 1); /* divisor above 2^63 */
	check(UINT64_MAX, (1ULL << 63) + 1);
	check(0xffffffffULL, 0x100000000ULL);
	check(0x123456789abcdefULL, 0xfedcbaULL);
}

static void test_division_random(void **state)
{
	srandom(1);
	for (int i = 0; i < 100000; i++) {
		uint64_t n = (uint64_t)random() << 33 ^ (uint64_t)random();
		uint64_t d = ((uint64_t)random() << 33 ^ (uint64_t)random()) >>
			     (random() % 64);

		check(n, d ? d : 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_division_edges),
		cmocka_unit_test(test_division_random),
	};
	return cmocka_run_group_tests_name("guest_lib", tests, NULL, NULL);
}
