/*
 * tests/guests/lib/libgcc.h - the 64-bit division helpers gcc calls in
 * 32-bit code (lib/fmt.c divides uint64_t). We provide them because the
 * 32-bit libgcc is not installed here. Runs in the guest.
 */
#ifndef TESTS_GUESTS_LIB_LIBGCC_H
#define TESTS_GUESTS_LIB_LIBGCC_H

#include "lib/types.h"

/* N / D; *REM (when not NULL) gets N % D. D must not be 0. */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);

#endif
