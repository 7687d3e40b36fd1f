/*
 * drivers/net/nat_xlate.c - rewriting a VM's packet for the outside
 * (source address and port become the NAT's) and a reply for the VM
 * (destination address and port become the VM's again), with the IPv4,
 * TCP, UDP and ICMP checksums updated to match.
 * Pure logic, serialised by the NAT's caller (drivers/net/nat.h); on
 * the host in tests/unit/test_nat.c and tests/fuzz/fuzz_nat.c.
 * RFC 3022 "Traditional IP Network Address Translator" ("Translation
 * phase", "Checksum adjustment"), RFC 5508 "NAT Behavioral Requirements
 * for ICMP" ("ICMP Query Handling"), RFC 768 and RFC 9293 (the pseudo
 * header), RFC 1624 (incremental checksum update).
 *
 * TCP and UDP checksums cover a pseudo header with both addresses, so
 * an address change updates them too; the port change updates them
 * once more. ICMP's checksum covers only the ICMP message, so an echo
 * needs only its identifier's change. The updates are incremental: a
 * packet with a wrong checksum still has a wrong one after translation
 * (the receiver drops it, as it would have without the NAT).
 */
#include "drivers/net/inet.h"
#include "drivers/net/inet_csum.h"
#include "drivers/net/nat_internal.h"
#include "lib/string.h"

/* Where a protocol keeps the port the NAT rewrites and its checksum. */
struct l4_fields {
	unsigned port_off;  /* the inside port: source out, dest in */
	unsigned other_off; /* the remote port */
	unsigned csum_off;
	bool pseudo;	   /* the checksum covers the pseudo header */
	bool zero_is_none; /* UDP: checksum 0 means "not computed" */
};

/* Out (in) the inside port is the source (destination) port; an echo
 * request (reply) carries it as the identifier. */
static bool l4_fields(const struct ipv4_pkt *pkt, bool inward,
		      struct l4_fields *f)
{
	unsigned sport = inward ? UDP_DPORT_OFF : UDP_SPORT_OFF;
	unsigned dport = inward ? UDP_SPORT_OFF : UDP_DPORT_OFF;
	uint8_t echo = inward ? ICMP_ECHO_REPLY : ICMP_ECHO_REQUEST;

	switch (pkt->proto) {
	case IPV4_PROTO_TCP:
		*f = (struct l4_fields){sport, dport, TCP_CSUM_OFF, true,
					false};
		return pkt->l4_len >= TCP_HDR_MIN;
	case IPV4_PROTO_UDP:
		*f = (struct l4_fields){sport, dport, UDP_CSUM_OFF, true, true};
		return pkt->l4_len >= UDP_HDR_LEN;
	case IPV4_PROTO_ICMP:
		*f = (struct l4_fields){ICMP_ECHO_ID_OFF, 0, ICMP_CSUM_OFF,
					false, false};
		return pkt->l4_len >= ICMP_ECHO_LEN &&
		       pkt->l4[ICMP_TYPE_OFF] == echo &&
		       pkt->l4[ICMP_CODE_OFF] == 0;
	default: return false;
	}
}

static uint16_t remote_port(const struct ipv4_pkt *pkt,
			    const struct l4_fields *f)
{
	return pkt->proto == IPV4_PROTO_ICMP ? 0
					     : get_be16(pkt->l4 + f->other_off);
}

/* Change the port (identifier) to port and the address the pseudo
 * header holds from old_ip to new_ip, keeping the checksum right. */
static void l4_rewrite(struct ipv4_pkt *pkt, const struct l4_fields *f,
		       uint16_t port, uint32_t old_ip, uint32_t new_ip)
{
	uint8_t *csum_at = pkt->l4 + f->csum_off;
	uint16_t csum = get_be16(csum_at);
	uint16_t old_port = get_be16(pkt->l4 + f->port_off);

	put_be16(pkt->l4 + f->port_off, port);
	if (f->zero_is_none && csum == 0)
		return;
	if (f->pseudo)
		csum = inet_csum_update32(csum, old_ip, new_ip);
	csum = inet_csum_update16(csum, old_port, port);
	if (f->zero_is_none && csum == 0)
		csum = 0xffff; /* RFC 768: a computed 0 is sent as all ones */
	put_be16(csum_at, csum);
	if (!f->pseudo) /* ICMP: the message alone may be all zero */
		put_be16(csum_at, inet_csum_settle(csum, pkt->l4, pkt->l4_len));
}

static size_t ip_frame_len(const struct ipv4_pkt *pkt)
{
	return ETH_HDR_LEN + pkt->hdr_len + pkt->l4_len;
}

/* ---- out: a VM's packet to the outside ------------------------------ */

/* Somewhere outside: not ours, not the inside, not a group or the
 * outside subnet's broadcast address. */
static bool outside_dest(const struct nat_config *c, uint32_t a)
{
	bool out_bcast = ipv4_same_subnet(a, c->out_ip, c->out_mask) &&
			 (a | c->out_mask) == IPV4_BROADCAST;

	return a != 0 && a != IPV4_BROADCAST && !IPV4_MULTICAST(a) &&
	       a != c->out_ip && !out_bcast &&
	       !ipv4_same_subnet(a, c->gw_ip, c->inside_mask);
}

static bool out_checks(struct nat *nat, const struct ipv4_pkt *pkt,
		       const struct mac_addr *vm, struct l4_fields *f,
		       uint32_t *hop)
{
	enum nat_drop why;

	if (!nat_vm_addr(&nat->cfg, pkt->src) ||
	    !nat_lease_allows(nat, pkt->src, vm))
		why = NAT_DROP_BAD_SOURCE;
	else if (!outside_dest(&nat->cfg, pkt->dst))
		why = NAT_DROP_BAD_DEST;
	else if (!l4_fields(pkt, false, f))
		why = NAT_DROP_PROTO;
	else if (!nat_next_hop(nat, pkt->dst, hop))
		why = NAT_DROP_NO_ROUTE;
	else
		return true;
	nat_drop(nat, why);
	return false;
}

void nat_xlate_out(struct nat *nat, struct ipv4_pkt *pkt, uint64_t now)
{
	struct nat_flow flow;
	struct nat_conn *c;
	struct l4_fields f;
	struct mac_addr vm;
	uint32_t hop;

	memcpy(vm.b, nat->buf + ETH_SRC_OFF, MAC_ADDR_LEN);
	if (!out_checks(nat, pkt, &vm, &f, &hop))
		return;
	flow = (struct nat_flow){pkt->proto, pkt->src, pkt->dst,
				 get_be16(pkt->l4 + f.port_off),
				 remote_port(pkt, &f)};
	if (!ipv4_hop(pkt)) {
		nat_drop(nat, NAT_DROP_TTL);
		return;
	}
	c = nat_conn_out(nat, &flow, &vm, now);
	if (!c) {
		nat_drop(nat, NAT_DROP_NO_PORT);
		return;
	}
	if (pkt->proto == IPV4_PROTO_TCP)
		nat_conn_tcp(c, pkt->l4[TCP_FLAGS_OFF], false);
	l4_rewrite(pkt, &f, c->nat_port, pkt->src, nat->cfg.out_ip);
	ipv4_set_src(pkt, nat->cfg.out_ip);
	memcpy(nat->buf + ETH_SRC_OFF, nat->cfg.out_mac.b, MAC_ADDR_LEN);
	nat_arp_output(nat, hop, ip_frame_len(pkt), now);
}

/* ---- in: a reply from the outside back to its VM -------------------- */

void nat_xlate_in(struct nat *nat, struct ipv4_pkt *pkt, uint64_t now)
{
	struct nat_conn *c;
	struct l4_fields f;

	if (!l4_fields(pkt, true, &f)) {
		nat_drop(nat, NAT_DROP_PROTO);
		return;
	}
	c = nat_conn_in(nat, pkt->proto, get_be16(pkt->l4 + f.port_off),
			pkt->src, remote_port(pkt, &f), now);
	if (!c) {
		nat_drop(nat, NAT_DROP_NO_CONN);
		return;
	}
	if (!ipv4_hop(pkt)) {
		nat_drop(nat, NAT_DROP_TTL);
		return;
	}
	if (pkt->proto == IPV4_PROTO_TCP)
		nat_conn_tcp(c, pkt->l4[TCP_FLAGS_OFF], true);
	l4_rewrite(pkt, &f, c->inside_port, pkt->dst, c->inside_ip);
	ipv4_set_dst(pkt, c->inside_ip);
	nat_eth_header(nat->buf, &c->inside_mac, &nat->cfg.gw_mac,
		       ETH_TYPE_IPV4);
	nat->stats.in_translated++;
	nat->cfg.to_inside(nat->cfg.ctx, nat->buf, ip_frame_len(pkt));
}
