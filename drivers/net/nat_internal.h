/*
 * drivers/net/nat_internal.h - what the NAT's files share among
 * themselves: nat.c (checks and dispatch), nat_arp.c (ARP on both
 * sides, the outside neighbour cache and the frames waiting for it),
 * nat_dhcp.c (the DHCP server), nat_conn.c (the translation table),
 * nat_xlate.c (rewriting packets out and in). Not for other modules:
 * they use drivers/net/nat.h.
 * Pure logic; every function is called under the caller's
 * serialisation of nat_* calls (drivers/net/nat.h).
 * RFC 3022 "Traditional IP Network Address Translator".
 */
#ifndef DRIVERS_NET_NAT_INTERNAL_H
#define DRIVERS_NET_NAT_INTERNAL_H

#include "drivers/net/ipv4.h"
#include "drivers/net/nat.h"

/* nat.c */
void nat_drop(struct nat *nat, enum nat_drop why);
/* A VM's address: a host of the inside subnet, not the gateway. */
bool nat_vm_addr(const struct nat_config *c, uint32_t addr);
void nat_eth_header(uint8_t *frame, const struct mac_addr *dst,
		    const struct mac_addr *src, uint16_t type);

/* nat_arp.c: frames after the Ethernet header, len bytes of them. */
void nat_arp_inside(struct nat *nat, const uint8_t *arp, size_t len);
void nat_arp_outside(struct nat *nat, const uint8_t *arp, size_t len,
		     uint64_t now);
/* The outside next hop for dst: false when there is none. */
bool nat_next_hop(const struct nat *nat, uint32_t dst, uint32_t *hop);
/* Send len bytes of nat->buf (its Ethernet source already set) to the
 * outside neighbour hop: now if its MAC is known, else after ARP. */
void nat_arp_output(struct nat *nat, uint32_t hop, size_t len, uint64_t now);
void nat_arp_expire(struct nat *nat, uint64_t now);

/* nat_dhcp.c: a UDP datagram to port 67 from the VM with MAC src. */
void nat_dhcp_input(struct nat *nat, const struct mac_addr *src,
		    const struct ipv4_pkt *pkt, uint64_t now);
/* False when ip is a pool address leased to another MAC than mac. */
bool nat_lease_allows(const struct nat *nat, uint32_t ip,
		      const struct mac_addr *mac);

/* nat_conn.c */
struct nat_flow {
	uint8_t proto;
	uint32_t inside_ip, remote_ip;
	uint16_t inside_port, remote_port;
};
bool nat_conn_alive(const struct nat *nat, const struct nat_conn *c,
		    uint64_t now);
/* The translation of an outgoing flow, made if new (NULL: no port). */
struct nat_conn *nat_conn_out(struct nat *nat, const struct nat_flow *f,
			      const struct mac_addr *inside_mac, uint64_t now);
/* The translation a packet from remote to nat_port belongs to. */
struct nat_conn *nat_conn_in(struct nat *nat, uint8_t proto, uint16_t nat_port,
			     uint32_t remote_ip, uint16_t remote_port,
			     uint64_t now);
/* Follow a TCP connection's end: flags of a segment, out or in. */
void nat_conn_tcp(struct nat_conn *c, uint8_t flags, bool inward);
void nat_conn_expire(struct nat *nat, uint64_t now);

/* nat_xlate.c: nat->buf holds the frame, pkt its IPv4 packet. */
void nat_xlate_out(struct nat *nat, struct ipv4_pkt *pkt, uint64_t now);
void nat_xlate_in(struct nat *nat, struct ipv4_pkt *pkt, uint64_t now);

#endif
