/*
 * drivers/net/nat.c - NAT mode: the configuration's checks, the frame
 * checks both sides share, the dispatch by EtherType and destination,
 * and the answers to pings of the NAT's own two addresses.
 * Pure logic; in the hypervisor it runs wherever its caller receives a
 * frame (a VM's transmit exit via the switch, or the host NIC's receive
 * path), serialised by the caller; on the host in tests/unit/test_nat.c
 * and tests/fuzz/fuzz_nat.c.
 * RFC 3022 "Traditional IP Network Address Translator", RFC 1812
 * "Requirements for IP Version 4 Routers", RFC 792 "Echo or Echo Reply
 * Message".
 *
 * Every frame is first copied into nat->buf, and all rewriting happens
 * there: the caller's frame is never written, and the bytes checked are
 * the bytes used (a guest cannot change them behind our back).
 */
#include "drivers/net/nat.h"
#include "drivers/net/inet.h"
#include "drivers/net/inet_csum.h"
#include "drivers/net/nat_internal.h"
#include "lib/string.h"

static const char *const drop_names[NAT_DROP_COUNT] = {
	[NAT_DROP_RUNT] = "runt",
	[NAT_DROP_OVERSIZE] = "oversize",
	[NAT_DROP_ETHERTYPE] = "ethertype",
	[NAT_DROP_BAD_IP] = "bad-ip",
	[NAT_DROP_FRAGMENT] = "fragment",
	[NAT_DROP_TTL] = "ttl",
	[NAT_DROP_PROTO] = "proto",
	[NAT_DROP_BAD_SOURCE] = "bad-source",
	[NAT_DROP_BAD_DEST] = "bad-dest",
	[NAT_DROP_NO_ROUTE] = "no-route",
	[NAT_DROP_NO_CONN] = "no-conn",
	[NAT_DROP_NO_PORT] = "no-port",
	[NAT_DROP_ARP_QUEUE] = "arp-queue",
	[NAT_DROP_ARP_TIMEOUT] = "arp-timeout",
	[NAT_DROP_DHCP] = "dhcp",
	[NAT_DROP_POOL_EMPTY] = "pool-empty",
};

const char *nat_drop_name(enum nat_drop why)
{
	return (unsigned)why < NAT_DROP_COUNT ? drop_names[why] : "?";
}

void nat_drop(struct nat *nat, enum nat_drop why)
{
	nat->stats.dropped[why]++;
}

void nat_eth_header(uint8_t *frame, const struct mac_addr *dst,
		    const struct mac_addr *src, uint16_t type)
{
	memcpy(frame + ETH_DST_OFF, dst->b, MAC_ADDR_LEN);
	memcpy(frame + ETH_SRC_OFF, src->b, MAC_ADDR_LEN);
	put_be16(frame + ETH_TYPE_OFF, type);
}

/* ---- configuration -------------------------------------------------- */

/* A host address of the subnet: neither its network nor its broadcast
 * address. */
static bool host_of(uint32_t addr, uint32_t net, uint32_t mask)
{
	return ipv4_same_subnet(addr, net, mask) && (addr & ~mask) != 0 &&
	       (addr & ~mask) != ~mask;
}

static bool mask_valid(uint32_t mask)
{
	uint32_t host = ~mask;

	return mask != 0 && (host & (host + 1)) == 0 && host > 1;
}

static const char *pool_error(const struct nat_config *c)
{
	if (c->pool_size == 0 || c->pool_size > NAT_LEASES_MAX)
		return "the DHCP pool must have 1 to 32 addresses";
	for (unsigned i = 0; i < c->pool_size; i++) {
		uint32_t a = c->pool_first + i;

		if (!host_of(a, c->gw_ip, c->inside_mask))
			return "the DHCP pool is not inside the gateway's "
			       "subnet";
		if (a == c->gw_ip || a == c->dns)
			return "the DHCP pool holds the gateway's or DNS "
			       "address";
	}
	return NULL;
}

static const char *config_error(const struct nat_config *c)
{
	if (!c->to_inside || !c->to_outside)
		return "no send callbacks";
	if (mac_is_multicast(&c->gw_mac) || mac_is_zero(&c->gw_mac) ||
	    mac_is_multicast(&c->out_mac) || mac_is_zero(&c->out_mac))
		return "a MAC address is not unicast";
	if (!mask_valid(c->inside_mask) || !mask_valid(c->out_mask))
		return "a netmask is not a prefix of 1 to 30 bits";
	if (!host_of(c->gw_ip, c->gw_ip, c->inside_mask))
		return "the gateway address is its subnet's network or "
		       "broadcast address";
	if (!host_of(c->out_ip, c->out_ip, c->out_mask))
		return "the outside address is its subnet's network or "
		       "broadcast address";
	if (ipv4_same_subnet(c->out_ip, c->gw_ip, c->inside_mask) ||
	    ipv4_same_subnet(c->gw_ip, c->out_ip, c->out_mask))
		return "the inside and outside subnets overlap";
	if (c->out_router && !host_of(c->out_router, c->out_ip, c->out_mask))
		return "the outside router is not on the outside subnet";
	if (c->port_count == 0 ||
	    (uint32_t)c->port_first + c->port_count > 0x10000 ||
	    c->port_first == 0)
		return "the port range is empty or past 65535";
	return pool_error(c);
}

int nat_init(struct nat *nat, const struct nat_config *cfg, const char **why)
{
	const char *err = config_error(cfg);

	memset(nat, 0, sizeof(*nat));
	if (err) {
		if (why)
			*why = err;
		return -1;
	}
	nat->cfg = *cfg;
	return 0;
}

bool nat_vm_addr(const struct nat_config *c, uint32_t addr)
{
	return host_of(addr, c->gw_ip, c->inside_mask) && addr != c->gw_ip;
}

void nat_config_timeouts(struct nat_config *cfg, uint64_t ticks_per_sec)
{
	const uint64_t s = ticks_per_sec;

	cfg->udp_timeout = 120 * s;
	cfg->tcp_timeout = 7440 * s;
	cfg->tcp_closing_timeout = 240 * s;
	cfg->icmp_timeout = 60 * s;
	cfg->arp_timeout = 60 * s;
	cfg->arp_retry = s;
	cfg->lease_secs = 86400;
	cfg->lease_timeout = 86400 * s;
}

int nat_set_outside(struct nat *nat, uint32_t ip, uint32_t mask,
		    uint32_t router, const char **why)
{
	struct nat_config c = nat->cfg;
	const char *err;

	c.out_ip = ip;
	c.out_mask = mask;
	c.out_router = router;
	err = config_error(&c);
	if (err) {
		if (why)
			*why = err;
		return -1;
	}
	nat->cfg = c;
	memset(nat->conns, 0, sizeof(nat->conns));
	memset(nat->arp, 0, sizeof(nat->arp));
	memset(nat->pending, 0, sizeof(nat->pending));
	return 0;
}

/* ---- pings of the NAT's own addresses ------------------------------- */

/* Whom an echo reply may go to: a VM inside; outside, a host that is
 * neither us nor a broadcast or group address. */
static bool echo_peer(const struct nat *nat, uint32_t ip, bool inside)
{
	const struct nat_config *c = &nat->cfg;

	if (inside)
		return nat_vm_addr(c, ip);
	return ip != 0 && ip != IPV4_BROADCAST && !IPV4_MULTICAST(ip) &&
	       ip != c->out_ip &&
	       !(ipv4_same_subnet(ip, c->out_ip, c->out_mask) &&
		 (ip | c->out_mask) == IPV4_BROADCAST);
}

/* An echo request to one of our addresses becomes its reply, in place
 * in nat->buf, back to where it came from. */
static void echo_reply(struct nat *nat, struct ipv4_pkt *pkt, size_t len,
		       bool inside)
{
	const struct mac_addr *our_mac =
		inside ? &nat->cfg.gw_mac : &nat->cfg.out_mac;
	nat_send_fn send = inside ? nat->cfg.to_inside : nat->cfg.to_outside;
	uint8_t *icmp = pkt->l4;
	struct mac_addr peer;
	uint32_t peer_ip = pkt->src;
	uint16_t csum;

	if (!echo_peer(nat, peer_ip, inside)) {
		nat_drop(nat, NAT_DROP_BAD_SOURCE);
		return;
	}
	if (pkt->proto != IPV4_PROTO_ICMP || pkt->l4_len < ICMP_ECHO_LEN ||
	    icmp[ICMP_TYPE_OFF] != ICMP_ECHO_REQUEST) {
		nat_drop(nat, NAT_DROP_PROTO);
		return;
	}
	memcpy(peer.b, nat->buf + ETH_SRC_OFF, MAC_ADDR_LEN);
	nat_eth_header(nat->buf, &peer, our_mac, ETH_TYPE_IPV4);
	ipv4_set_src(pkt, pkt->dst);
	ipv4_set_dst(pkt, peer_ip);
	icmp[ICMP_TYPE_OFF] = ICMP_ECHO_REPLY;
	csum = inet_csum_update16(get_be16(icmp + ICMP_CSUM_OFF),
				  ICMP_ECHO_REQUEST << 8, ICMP_ECHO_REPLY << 8);
	put_be16(icmp + ICMP_CSUM_OFF, 0);
	put_be16(icmp + ICMP_CSUM_OFF,
		 inet_csum_settle(csum, icmp, pkt->l4_len));
	nat->stats.echo_replies++;
	send(nat->cfg.ctx, nat->buf, len);
}

/* ---- dispatch ------------------------------------------------------- */

/* Copy a frame in: its length, or 0 when it is dropped. */
static size_t take(struct nat *nat, const uint8_t *frame, size_t len)
{
	if (len < ETH_HDR_LEN) {
		nat_drop(nat, NAT_DROP_RUNT);
		return 0;
	}
	if (len > ETH_FRAME_MAX) {
		nat_drop(nat, NAT_DROP_OVERSIZE);
		return 0;
	}
	if (frame[ETH_SRC_OFF] & MAC_GROUP_BIT) {
		nat_drop(nat, NAT_DROP_BAD_SOURCE); /* no one sends from it */
		return 0;
	}
	memcpy(nat->buf, frame, len);
	return len;
}

static bool for_mac(const uint8_t *frame, const struct mac_addr *ours)
{
	struct mac_addr dst;

	memcpy(dst.b, frame + ETH_DST_OFF, MAC_ADDR_LEN);
	return mac_equal(&dst, ours) || mac_is_broadcast(&dst);
}

/* The IPv4 packet of nat->buf; false when it was dropped. */
static bool parse_ip(struct nat *nat, size_t len, struct ipv4_pkt *pkt)
{
	switch (ipv4_parse(nat->buf + ETH_HDR_LEN, len - ETH_HDR_LEN, pkt)) {
	case IPV4_OK: break;
	case IPV4_TRUNCATED: nat_drop(nat, NAT_DROP_RUNT); return false;
	default: nat_drop(nat, NAT_DROP_BAD_IP); return false;
	}
	if (pkt->fragment) {
		nat_drop(nat, NAT_DROP_FRAGMENT);
		return false;
	}
	return true;
}

static bool is_dhcp_request(const struct nat *nat, const struct ipv4_pkt *pkt)
{
	return pkt->proto == IPV4_PROTO_UDP && pkt->l4_len >= UDP_HDR_LEN &&
	       get_be16(pkt->l4 + UDP_DPORT_OFF) == DHCP_SERVER_PORT &&
	       (pkt->dst == IPV4_BROADCAST || pkt->dst == nat->cfg.gw_ip);
}

static void ip_from_inside(struct nat *nat, size_t len, uint64_t now)
{
	struct ipv4_pkt pkt;
	struct mac_addr src;
	size_t ip_len;

	if (!parse_ip(nat, len, &pkt))
		return;
	ip_len = ETH_HDR_LEN + pkt.hdr_len + pkt.l4_len;
	memcpy(src.b, nat->buf + ETH_SRC_OFF, MAC_ADDR_LEN);
	if (is_dhcp_request(nat, &pkt))
		nat_dhcp_input(nat, &src, &pkt, now);
	else if (pkt.dst == nat->cfg.gw_ip)
		echo_reply(nat, &pkt, ip_len, true);
	else if (mac_is_broadcast((const struct mac_addr *)nat->buf))
		nat->stats.ignored++; /* a broadcast for the VMs */
	else
		nat_xlate_out(nat, &pkt, now);
}

void nat_from_inside(struct nat *nat, const uint8_t *frame, size_t len,
		     uint64_t now)
{
	len = take(nat, frame, len);
	if (!len)
		return;
	if (!for_mac(nat->buf, &nat->cfg.gw_mac)) {
		nat->stats.ignored++; /* one VM to another, flooded */
		return;
	}
	switch (get_be16(nat->buf + ETH_TYPE_OFF)) {
	case ETH_TYPE_ARP:
		nat_arp_inside(nat, nat->buf + ETH_HDR_LEN, len - ETH_HDR_LEN);
		break;
	case ETH_TYPE_IPV4: ip_from_inside(nat, len, now); break;
	default: nat_drop(nat, NAT_DROP_ETHERTYPE); break;
	}
}

static void ip_from_outside(struct nat *nat, size_t len, uint64_t now)
{
	struct ipv4_pkt pkt;

	if (!parse_ip(nat, len, &pkt))
		return;
	if (pkt.dst != nat->cfg.out_ip) {
		nat->stats.ignored++; /* broadcast, or for another host */
		return;
	}
	if (pkt.proto == IPV4_PROTO_ICMP && pkt.l4_len >= ICMP_ECHO_LEN &&
	    pkt.l4[ICMP_TYPE_OFF] == ICMP_ECHO_REQUEST)
		echo_reply(nat, &pkt, ETH_HDR_LEN + pkt.hdr_len + pkt.l4_len,
			   false);
	else
		nat_xlate_in(nat, &pkt, now);
}

void nat_from_outside(struct nat *nat, const uint8_t *frame, size_t len,
		      uint64_t now)
{
	len = take(nat, frame, len);
	if (!len)
		return;
	nat_arp_expire(nat, now);
	if (!for_mac(nat->buf, &nat->cfg.out_mac)) {
		nat->stats.ignored++;
		return;
	}
	switch (get_be16(nat->buf + ETH_TYPE_OFF)) {
	case ETH_TYPE_ARP:
		nat_arp_outside(nat, nat->buf + ETH_HDR_LEN, len - ETH_HDR_LEN,
				now);
		break;
	case ETH_TYPE_IPV4: ip_from_outside(nat, len, now); break;
	default: nat_drop(nat, NAT_DROP_ETHERTYPE); break;
	}
}

void nat_expire(struct nat *nat, uint64_t now)
{
	nat_conn_expire(nat, now);
	nat_arp_expire(nat, now);
}
