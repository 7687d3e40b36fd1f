/*
 * tests/unit/support.c - host implementations of kernel hooks for the
 * unit tests: panic() fails the running test with its message.
 */
#include <stdio.h>
#include <stdlib.h>
#include "lib/panic.h"
#include "tests/unit/support.h"

char unit_panic_message[256];

void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unit_panic_message, sizeof(unit_panic_message), fmt, ap);
	va_end(ap);
	print_error("panic at %s:%d: %s\n", file, line, unit_panic_message);
	_fail(file, line);
	abort();
}
