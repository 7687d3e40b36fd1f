/*
 * drivers/net/inet_csum.c - the Internet checksum, full and
 * incremental.
 * Pure logic, any context; on the host in tests/unit/test_nat.c.
 * RFC 1071 "Computing the Internet Checksum", RFC 1624 "Computation of
 * the Internet Checksum via Incremental Update".
 *
 * The sum is kept in 32 bits and folded (carries added back) at the
 * end; a frame of at most 1514 bytes adds at most 757 words of 0xffff,
 * far from overflowing 32 bits even on top of a pseudo-header.
 */
#include "drivers/net/inet_csum.h"

uint32_t inet_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t inet_csum(const uint8_t *p, size_t len)
{
	return inet_csum_fold(inet_csum_add(0, p, len));
}

uint16_t inet_csum_update16(uint16_t csum, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~csum;

	sum += (uint16_t)~old;
	sum += new;
	return inet_csum_fold(sum);
}

uint16_t inet_csum_update32(uint16_t csum, uint32_t old, uint32_t new)
{
	csum = inet_csum_update16(csum, (uint16_t)(old >> 16),
				  (uint16_t)(new >> 16));
	return inet_csum_update16(csum, (uint16_t)old, (uint16_t) new);
}

uint16_t inet_csum_settle(uint16_t csum, const uint8_t *p, size_t len)
{
	if (csum != 0)
		return csum;
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 0xffff;
}
