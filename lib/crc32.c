/*
 * lib/crc32.c - CRC-32 (IEEE 802.3), bit by bit: no table, since it only
 * checks a 512-byte header now and then.
 * Any context; see lib/crc32.h.
 */
#include "lib/crc32.h"

#define CRC32_POLY_REFLECTED 0xEDB88320u

uint32_t crc32_ieee(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xFFFFFFFFu;

	while (len--) {
		crc ^= *p++;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (CRC32_POLY_REFLECTED & -(crc & 1));
	}
	return ~crc;
}
