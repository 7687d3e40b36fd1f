/*
 * tests/unit/support.h - what every host unit test shares: cmocka, and
 * the host's versions of the hooks the kernel provides (panic).
 */
#ifndef TESTS_UNIT_SUPPORT_H
#define TESTS_UNIT_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Last message passed to panic() by the code under test. */
extern char unit_panic_message[256];

#endif
