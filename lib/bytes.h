/*
 * lib/bytes.h - reading little-endian fields at any alignment, as the
 * boot formats (Multiboot, ELF, ACPI tables) lay them out. Any context;
 * used by the parsers and their host unit tests.
 */
#ifndef LIB_BYTES_H
#define LIB_BYTES_H

#include "lib/types.h"

/* memcpy, not a cast: the field may be unaligned, and x86 is
 * little-endian like every format we read. */
static inline uint16_t get_le16(const void *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t get_le32(const void *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t get_le64(const void *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

#endif
