/*
 * tests/unit/test_math64.c - lib/math64.c (a * b / c with a 128-bit
 * product) on the host, checked against the host compiler's own 128-bit
 * division, which the kernel cannot link.
 */
#include "tests/unit/support.h"
#include "lib/math64.h"

/* The reference: the host's __int128 division, saturated like ours. */
static uint64_t reference(uint64_t a, uint64_t b, uint64_t c, bool ceil)
{
	unsigned __int128 p = (unsigned __int128)a * b;
	unsigned __int128 q = p / c + (ceil && p % c != 0);

	return q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
}

static void test_small_values(void **state)
{
	assert_int_equal(mul_div_u64(6, 7, 3), 14);
	assert_int_equal(mul_div_u64(7, 1, 2), 3);
	assert_int_equal(mul_div_u64_ceil(7, 1, 2), 4);
	assert_int_equal(mul_div_u64_ceil(6, 1, 2), 3);
	assert_int_equal(mul_div_u64(0, UINT64_MAX, 1), 0);
	assert_int_equal(mul_div_u64_ceil(0, UINT64_MAX, 7), 0);
}

static void test_product_beyond_64_bits(void **state)
{
	/* 2^64 * 3 / 4: the product needs 66 bits, the quotient 64 */
	assert_int_equal(mul_div_u64(1ULL << 63, 6, 4), 3ULL << 62);
	assert_int_equal(mul_div_u64(UINT64_MAX, UINT64_MAX, UINT64_MAX),
			 UINT64_MAX);
	/* a divisor above 2^63: the remainder's top bit carries out */
	assert_int_equal(
		mul_div_u64(UINT64_MAX - 1, UINT64_MAX - 2, UINT64_MAX),
		reference(UINT64_MAX - 1, UINT64_MAX - 2, UINT64_MAX, false));
}

static void test_saturates(void **state)
{
	assert_int_equal(mul_div_u64(UINT64_MAX, 2, 1), UINT64_MAX);
	assert_int_equal(mul_div_u64(1ULL << 32, 1ULL << 32, 1), UINT64_MAX);
	assert_int_equal(mul_div_u64_ceil(UINT64_MAX, 2, 1), UINT64_MAX);
	/* 31 * b = 2^65 - 1: the floor of /2 is exactly UINT64_MAX, and
	 * rounding the remainder up would need one more */
	assert_int_equal(mul_div_u64(31, 1190112520884487201ULL, 2),
			 UINT64_MAX);
	assert_int_equal(mul_div_u64_ceil(31, 1190112520884487201ULL, 2),
			 UINT64_MAX);
}

/* xorshift64: many operand sizes, reproducible */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_matches_128_bit_division(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 100000; i++) {
		/* random widths so every path is hit: fast, long, saturated */
		uint64_t a = next(&s) >> (next(&s) % 64);
		uint64_t b = next(&s) >> (next(&s) % 64);
		uint64_t c = next(&s) >> (next(&s) % 64);

		if (c == 0)
			c = 1;

		assert_int_equal(mul_div_u64(a, b, c),
				 reference(a, b, c, false));
		assert_int_equal(mul_div_u64_ceil(a, b, c),
				 reference(a, b, c, true));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_values),
		cmocka_unit_test(test_product_beyond_64_bits),
		cmocka_unit_test(test_saturates),
		cmocka_unit_test(test_matches_128_bit_division),
	};
	return cmocka_run_group_tests_name("math64", tests, NULL, NULL);
}
