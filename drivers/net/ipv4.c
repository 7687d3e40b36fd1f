/*
 * drivers/net/ipv4.c - checking an IPv4 header and rewriting the
 * fields a router changes.
 * Pure logic, any context; on the host in tests/unit/test_nat.c and
 * tests/fuzz/fuzz_nat.c.
 * RFC 791 "Internet Header Format", RFC 1812 "Time to Live", RFC 1624
 * "Computation of the Internet Checksum via Incremental Update".
 *
 * Every length comes from the packet and is checked against the bytes
 * really there before anything behind it is read: a guest or a host on
 * the outside may send any bytes.
 */
#include "drivers/net/ipv4.h"
#include "drivers/net/inet.h"
#include "drivers/net/inet_csum.h"

enum ipv4_error ipv4_parse(uint8_t *p, size_t len, struct ipv4_pkt *pkt)
{
	size_t hdr_len, total;
	uint16_t frag;

	if (len < IPV4_HDR_MIN)
		return IPV4_TRUNCATED;
	if (p[IPV4_VER_IHL_OFF] >> 4 != IPV4_VERSION)
		return IPV4_BAD_HEADER;
	hdr_len = (size_t)(p[IPV4_VER_IHL_OFF] & 0xf) * 4;
	total = get_be16(p + IPV4_TOTLEN_OFF);
	if (hdr_len < IPV4_HDR_MIN || total < hdr_len)
		return IPV4_BAD_HEADER;
	if (total > len)
		return IPV4_TRUNCATED;
	if (inet_csum(p, hdr_len) != 0)
		return IPV4_BAD_CSUM;
	frag = get_be16(p + IPV4_FRAG_OFF);
	*pkt = (struct ipv4_pkt){
		.hdr = p,
		.hdr_len = hdr_len,
		.l4 = p + hdr_len,
		.l4_len = total - hdr_len,
		.proto = p[IPV4_PROTO_OFF],
		.src = get_be32(p + IPV4_SRC_OFF),
		.dst = get_be32(p + IPV4_DST_OFF),
		.fragment = (frag & (IPV4_FLAG_MF | IPV4_FRAG_MASK)) != 0,
	};
	return IPV4_OK;
}

static void set_addr(struct ipv4_pkt *pkt, unsigned off, uint32_t addr)
{
	uint8_t *csum = pkt->hdr + IPV4_CSUM_OFF;
	uint32_t old = get_be32(pkt->hdr + off);

	put_be16(csum, inet_csum_update32(get_be16(csum), old, addr));
	put_be32(pkt->hdr + off, addr);
}

void ipv4_set_src(struct ipv4_pkt *pkt, uint32_t addr)
{
	set_addr(pkt, IPV4_SRC_OFF, addr);
	pkt->src = addr;
}

void ipv4_set_dst(struct ipv4_pkt *pkt, uint32_t addr)
{
	set_addr(pkt, IPV4_DST_OFF, addr);
	pkt->dst = addr;
}

bool ipv4_hop(struct ipv4_pkt *pkt)
{
	uint8_t *csum = pkt->hdr + IPV4_CSUM_OFF;
	/* TTL and protocol share one 16-bit word of the checksum. */
	uint16_t old = get_be16(pkt->hdr + IPV4_TTL_OFF);

	if (pkt->hdr[IPV4_TTL_OFF] <= 1)
		return false;
	pkt->hdr[IPV4_TTL_OFF]--;
	put_be16(csum, inet_csum_update16(get_be16(csum), old,
					  get_be16(pkt->hdr + IPV4_TTL_OFF)));
	return true;
}
