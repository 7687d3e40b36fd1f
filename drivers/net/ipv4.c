/*
 * drivers/net/ipv4.c - checking an IPv4 header and rewriting the
 * fields a router changes; building the headers of a UDP datagram.
 * Pure logic, any context; on the host in tests/unit/test_nat.c and
 * tests/fuzz/fuzz_nat.c.
 * RFC 791 "Internet Header Format", RFC 768 "User Datagram Protocol",
 * RFC 1812 "Time to Live", RFC 1624
 * "Computation of the Internet Checksum via Incremental Update".
 *
 * Every length comes from the packet and is checked against the bytes
 * really there before anything behind it is read: a guest or a host on
 * the outside may send any bytes.
 */
#include "drivers/net/ipv4.h"
#include "drivers/net/inet.h"
#include "drivers/net/inet_csum.h"
#include "lib/string.h"

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

void ipv4_udp_headers(uint8_t *ip, uint32_t src, uint32_t dst, uint16_t sport,
		      uint16_t dport, size_t udp_len)
{
	uint8_t *udp = ip + IPV4_HDR_MIN;
	uint32_t sum;
	uint16_t csum;

	memset(ip, 0, IPV4_HDR_MIN);
	ip[IPV4_VER_IHL_OFF] = IPV4_VERSION << 4 | IPV4_HDR_MIN / 4;
	put_be16(ip + IPV4_TOTLEN_OFF, (uint16_t)(IPV4_HDR_MIN + udp_len));
	ip[IPV4_TTL_OFF] = IPV4_DEFAULT_TTL;
	ip[IPV4_PROTO_OFF] = IPV4_PROTO_UDP;
	put_be32(ip + IPV4_SRC_OFF, src);
	put_be32(ip + IPV4_DST_OFF, dst);
	put_be16(ip + IPV4_CSUM_OFF, inet_csum(ip, IPV4_HDR_MIN));

	put_be16(udp + UDP_SPORT_OFF, sport);
	put_be16(udp + UDP_DPORT_OFF, dport);
	put_be16(udp + UDP_LEN_OFF, (uint16_t)udp_len);
	put_be16(udp + UDP_CSUM_OFF, 0);
	/* The pseudo header: both addresses, protocol, UDP length. */
	sum = inet_csum_add(0, ip + IPV4_SRC_OFF, 8);
	sum += IPV4_PROTO_UDP + (uint32_t)udp_len;
	csum = inet_csum_fold(inet_csum_add(sum, udp, udp_len));
	put_be16(udp + UDP_CSUM_OFF, csum ? csum : 0xffff);
}
