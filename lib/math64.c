/*
 * lib/math64.c - a * b / c with a 128-bit intermediate product.
 * Any context; pure, host-tested (tests/unit/test_math64.c).
 * The multiplication is one MUL (GCC's unsigned __int128); the division
 * takes the fast path of one 64-bit divide when the product fits in 64
 * bits, and otherwise divides bit by bit (restoring long division).
 */
#include "lib/math64.h"
#include "lib/panic.h"

/* Divide hi:lo by c, hi < c (so the quotient fits); remainder in *rem. */
static uint64_t div_128_by_64(uint64_t hi, uint64_t lo, uint64_t c,
			      uint64_t *rem)
{
	uint64_t q = 0, r = hi;

	for (int i = 63; i >= 0; i--) {
		/* r < c before the shift; the bit shifted out of r counts */
		bool carry = r >> 63;

		r = (r << 1) | ((lo >> i) & 1);
		q <<= 1;
		if (carry || r >= c) {
			r -= c;
			q |= 1;
		}
	}
	*rem = r;
	return q;
}

/* floor(a * b / c) and the remainder; false when it does not fit. */
static bool mul_div(uint64_t a, uint64_t b, uint64_t c, uint64_t *q,
		    uint64_t *rem)
{
	unsigned __int128 p;
	uint64_t hi, lo;

	if (c == 0)
		panic("mul_div_u64: division by zero");
	p = (unsigned __int128)a * b;
	hi = (uint64_t)(p >> 64);
	lo = (uint64_t)p;
	if (hi == 0) {
		*q = lo / c;
		*rem = lo % c;
		return true;
	}
	if (hi >= c)
		return false;
	*q = div_128_by_64(hi, lo, c, rem);
	return true;
}

uint64_t mul_div_u64(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t q, rem;

	return mul_div(a, b, c, &q, &rem) ? q : UINT64_MAX;
}

uint64_t mul_div_u64_ceil(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t q, rem;

	if (!mul_div(a, b, c, &q, &rem))
		return UINT64_MAX;
	if (rem && q == UINT64_MAX)
		return UINT64_MAX;
	return q + (rem != 0);
}
