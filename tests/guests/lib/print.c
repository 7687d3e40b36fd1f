/*
 * tests/guests/lib/print.c - printf for guests, through the hypervisor's
 * own formatter (lib/fmt.c, freestanding, built here for -m32). Lines
 * end in "\n" alone. Runs in the guest.
 */
#include <stdarg.h>
#include "tests/guests/lib/guest.h"
#include "lib/fmt.h"

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		serial_putc(*p);
}
