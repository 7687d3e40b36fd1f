/*
 * lib/fmt.h - printf-style formatting into a bounded buffer.
 * Any context; no allocation. Supports the conversions the hypervisor uses:
 * %d %i %u %x %X %p %s %c %%, flags '-' and '0', a width (number or '*'),
 * a precision for %s, and the length modifiers hh h l ll z.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include "lib/types.h"

/*
 * Like vsnprintf: writes at most size-1 characters plus a terminator and
 * returns the length the full output would have had.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * fmt_snprintf, then -1: for a parser that refuses its input and says
 * why in the caller's buffer, in one statement:
 *     return fmt_fail(why, why_len, "version %u is not supported", v);
 */
int fmt_fail(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
