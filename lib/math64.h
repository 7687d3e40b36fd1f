/*
 * lib/math64.h - 64-bit multiply-then-divide without overflow: a * b / c
 * with the product held in 128 bits. Any context; pure, host-tested.
 * The kernel links no libgcc, so the 128-by-64 division is done here by
 * shift and subtract instead of calling __udivti3.
 */
#ifndef LIB_MATH64_H
#define LIB_MATH64_H

#include "lib/types.h"

/*
 * floor(a * b / c). c must not be 0 (panics). When the quotient does not
 * fit in 64 bits the result saturates at UINT64_MAX.
 */
uint64_t mul_div_u64(uint64_t a, uint64_t b, uint64_t c);
/* The same, rounded up: ceil(a * b / c), saturating at UINT64_MAX. */
uint64_t mul_div_u64_ceil(uint64_t a, uint64_t b, uint64_t c);

#endif
