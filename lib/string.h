/*
 * lib/string.h - the few mem/str functions the freestanding kernel needs.
 * The kernel links lib/string.c; host tests use the C library's versions,
 * which have the same contracts.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "lib/types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Copy at most size-1 bytes and always terminate (when size > 0). */
size_t str_copy(char *dst, const char *src, size_t size);

#endif
