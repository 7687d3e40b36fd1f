/*
 * lib/crc32.h - the CRC-32 of IEEE 802.3 (as zlib, gzip and PNG compute
 * it: polynomial 0x04C11DB7 reflected, initial and final value all
 * ones). Any context; used for the thin disk image header.
 */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include "lib/types.h"

/* crc32_ieee("123456789") == 0xCBF43926 */
uint32_t crc32_ieee(const void *data, size_t len);

#endif
