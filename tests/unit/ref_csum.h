/*
 * tests/unit/ref_csum.h - the Internet checksum written out again for
 * the tests, independent of drivers/net/inet_csum.c: byte pair by byte
 * pair, as RFC 1071 describes it, and the IPv4 pseudo header's sum; and
 * the big-endian field reads and writes the tests build frames with.
 * Host only; included by the NAT and DHCP client tests and fuzz
 * targets (tests/unit/test_nat.c, test_dhcp_client.c, tests/fuzz/
 * fuzz_nat.c, fuzz_dhcp_client.c).
 * RFC 1071 "Computing the Internet Checksum"; RFC 793 and RFC 768 for
 * the pseudo header.
 */
#ifndef TESTS_UNIT_REF_CSUM_H
#define TESTS_UNIT_REF_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* The one's complement of the one's complement sum of p[0..len) (big
 * endian pairs), started from acc: 0 when p holds a right checksum. */
static inline uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t acc)
{
	for (size_t i = 0; i < len; i++)
		acc += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (acc > 0xffff)
		acc = (acc >> 16) + (acc & 0xffff);
	return (uint16_t)~acc;
}

/* The pseudo header's sum for a transport checksum of the IPv4 packet
 * at ip: its addresses (bytes 12 to 19), the protocol, the length. */
static inline uint32_t ref_pseudo(const uint8_t *ip, uint8_t proto,
				  size_t l4_len)
{
	uint32_t acc = proto + (uint32_t)l4_len;

	for (int i = 12; i < 20; i += 2)
		acc += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	return acc;
}

/* Network byte order, written out. */
static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

#endif
