/*
 * lib/str_copy.c - bounded string copy that always terminates.
 * Any context. Separate from string.c so host tests can link it beside
 * the C library.
 */
#include "lib/string.h"

size_t str_copy(char *dst, const char *src, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return 0;
	while (n + 1 < size && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return n;
}
