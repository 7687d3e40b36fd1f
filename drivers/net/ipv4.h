/*
 * drivers/net/ipv4.h - an IPv4 packet inside an Ethernet frame: the
 * checks that make its header safe to use (version, header length,
 * total length within the frame, header checksum) and the header
 * fields a router rewrites (addresses, TTL) with the header checksum
 * kept right; and the headers of a UDP datagram the hypervisor sends
 * (DHCP, client and server).
 * Pure logic, any context; used by the NAT (drivers/net/nat*.c) and the
 * DHCP client, on the host in tests/unit/test_nat.c,
 * test_dhcp_client.c and the fuzz targets fuzz_nat, fuzz_dhcp_client.
 * RFC 791 "Internet Protocol" ("Internet Header Format"), RFC 768, RFC 1812
 * "Requirements for IP Version 4 Routers" ("Time to Live"), RFC 1624
 * (the checksum's incremental update).
 */
#ifndef DRIVERS_NET_IPV4_H
#define DRIVERS_NET_IPV4_H

#include "lib/types.h"

/* A parsed packet; the pointers point into the caller's buffer. */
struct ipv4_pkt {
	uint8_t *hdr;	/* the IPv4 header */
	size_t hdr_len; /* 20 to 60 bytes */
	uint8_t *l4;	/* what follows it: ICMP, UDP, TCP */
	size_t l4_len;	/* total length - header length */
	uint8_t proto;
	uint32_t src, dst; /* host byte order */
	bool fragment;	   /* more fragments, or not the first one */
};

enum ipv4_error {
	IPV4_OK,
	IPV4_TRUNCATED,	 /* the header or total length is past the end */
	IPV4_BAD_HEADER, /* not version 4, or IHL under 5 words */
	IPV4_BAD_CSUM,	 /* the header checksum is wrong */
};

/* Parse len bytes at p (what follows the Ethernet header). Bytes past
 * the total length (Ethernet padding) are allowed and ignored. */
enum ipv4_error ipv4_parse(uint8_t *p, size_t len, struct ipv4_pkt *pkt);

/* Rewrite the source or destination address, and the header checksum
 * with it (the transport checksum is the caller's). */
void ipv4_set_src(struct ipv4_pkt *pkt, uint32_t addr);
void ipv4_set_dst(struct ipv4_pkt *pkt, uint32_t addr);

/* A router's hop: the TTL down by one and the checksum updated; false
 * (nothing changed) when the TTL is 0 or 1 and the packet must die. */
bool ipv4_hop(struct ipv4_pkt *pkt);

/*
 * Build the IPv4 and UDP headers in front of a UDP payload already in
 * place at ip + 20 + 8 (udp_len = 8 + the payload's length): a 20-byte
 * header (no options, TTL 64) with its checksum, and the UDP header
 * with the checksum over the pseudo header (RFC 768 "User Datagram
 * Protocol": a sum of 0 is sent as 0xffff).
 */
void ipv4_udp_headers(uint8_t *ip, uint32_t src, uint32_t dst, uint16_t sport,
		      uint16_t dport, size_t udp_len);

/* Whether addr is in the subnet of net with mask. */
static inline bool ipv4_same_subnet(uint32_t addr, uint32_t net, uint32_t mask)
{
	return (addr & mask) == (net & mask);
}

#endif
