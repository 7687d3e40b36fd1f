/*
 * tests/guests/lib/libgcc.c - unsigned 64-bit division for 32-bit guest
 * code, by shift and subtract (one bit of quotient per step). Runs in the
 * guest; tested on the host by tests/unit/test_guest_lib.c.
 */
#include "tests/guests/lib/libgcc.h"

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int bit = 63; bit >= 0; bit--) {
		/* r < d before the shift; when d > 2^63 the shifted r may
		 * need 65 bits: its lost top bit means r >= d. */
		bool carry = r >> 63;

		r = (r << 1) | ((n >> bit) & 1);
		if (carry || r >= d) {
			r -= d;
			q |= 1ULL << bit;
		}
	}
	if (rem)
		*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return __udivmoddi4(n, d, NULL);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t rem;

	__udivmoddi4(n, d, &rem);
	return rem;
}
