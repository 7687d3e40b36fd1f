/*
 * drivers/net/nat_dhcp.c - the NAT's DHCP server on the inside: each
 * VM (by its MAC) gets an address of a small pool, the gateway as its
 * router and the configured DNS server; the same MAC always gets the
 * same address back.
 * Pure logic, serialised by the NAT's caller (drivers/net/nat.h); on
 * the host in tests/unit/test_nat.c and tests/fuzz/fuzz_nat.c.
 * RFC 2131 "Dynamic Host Configuration Protocol" ("Format of a DHCP
 * message", "DHCP server behavior": DHCPDISCOVER, DHCPREQUEST, where
 * replies are sent), RFC 2132 "DHCP Options and BOOTP Vendor
 * Extensions".
 *
 * The pool is pool_first .. pool_first + pool_size - 1 and lease i is
 * address pool_first + i, so "which address" and "whose" are one array.
 * A lease stays with its MAC; only when the pool is empty does a lease
 * not renewed for lease_timeout go to a new MAC. The client must send
 * from the MAC it asks for (chaddr): a VM cannot empty the pool by
 * asking for made-up MACs.
 */
#include "drivers/net/dhcp_opts.h"
#include "drivers/net/inet.h"
#include "drivers/net/inet_csum.h"
#include "drivers/net/ipv4.h"
#include "drivers/net/nat_internal.h"
#include "lib/string.h"

/* What the server reads of a client's message. */
struct dhcp_msg {
	uint8_t type; /* DHCP_DISCOVER, ...; 0 when absent */
	uint16_t flags;
	uint32_t xid, ciaddr, req_ip, server_id;
	struct mac_addr chaddr;
};

/* ---- reading a request ---------------------------------------------- */

static void dhcp_option(void *ctx, uint8_t code, const uint8_t *v, uint8_t len)
{
	struct dhcp_msg *m = ctx;

	if (code == DHCP_OPT_MSG_TYPE && len == 1)
		m->type = v[0];
	else if (code == DHCP_OPT_REQ_IP && len == 4)
		m->req_ip = get_be32(v);
	else if (code == DHCP_OPT_SERVER_ID && len == 4)
		m->server_id = get_be32(v);
}

/* The options of m's message b[0..len); false when one runs past the
 * end. */
static bool dhcp_options(struct dhcp_msg *m, const uint8_t *b, size_t len)
{
	return dhcp_options_each(b, len, dhcp_option, m);
}

static bool dhcp_parse(const struct ipv4_pkt *pkt, const struct mac_addr *src,
		       struct dhcp_msg *m)
{
	size_t udp_len = get_be16(pkt->l4 + UDP_LEN_OFF);
	const uint8_t *b = pkt->l4 + UDP_HDR_LEN;
	size_t len = udp_len - UDP_HDR_LEN;

	if (udp_len < UDP_HDR_LEN + DHCP_OPTIONS_OFF || udp_len > pkt->l4_len)
		return false;
	if (b[DHCP_OP_OFF] != DHCP_BOOTREQUEST ||
	    b[DHCP_HTYPE_OFF] != ARP_HTYPE_ETH ||
	    b[DHCP_HLEN_OFF] != MAC_ADDR_LEN ||
	    get_be32(b + DHCP_COOKIE_OFF) != DHCP_COOKIE)
		return false;
	*m = (struct dhcp_msg){
		.flags = get_be16(b + DHCP_FLAGS_OFF),
		.xid = get_be32(b + DHCP_XID_OFF),
		.ciaddr = get_be32(b + DHCP_CIADDR_OFF),
	};
	memcpy(m->chaddr.b, b + DHCP_CHADDR_OFF, MAC_ADDR_LEN);
	return mac_equal(&m->chaddr, src) && dhcp_options(m, b, len) &&
	       m->type != 0;
}

/* ---- leases --------------------------------------------------------- */

static uint32_t lease_ip(const struct nat *nat, int i)
{
	return nat->cfg.pool_first + (uint32_t)i;
}

static int lease_find(const struct nat *nat, const struct mac_addr *mac)
{
	for (unsigned i = 0; i < nat->cfg.pool_size; i++)
		if (nat->leases[i].used && mac_equal(&nat->leases[i].mac, mac))
			return (int)i;
	return -1;
}

uint32_t nat_lease_of(const struct nat *nat, const struct mac_addr *mac)
{
	int i = lease_find(nat, mac);

	return i < 0 ? 0 : lease_ip(nat, i);
}

bool nat_lease_allows(const struct nat *nat, uint32_t ip,
		      const struct mac_addr *mac)
{
	uint32_t i = ip - nat->cfg.pool_first;

	return i >= nat->cfg.pool_size || !nat->leases[i].used ||
	       mac_equal(&nat->leases[i].mac, mac);
}

/* A slot for a new MAC: a free one, else the one renewed longest ago
 * if that was more than lease_timeout ago; -1 when the pool is empty. */
static int lease_free(const struct nat *nat, uint64_t now)
{
	int oldest = -1;

	for (unsigned i = 0; i < nat->cfg.pool_size; i++) {
		const struct nat_lease *l = &nat->leases[i];

		if (!l->used)
			return (int)i;
		if (oldest < 0 || l->seen < nat->leases[oldest].seen)
			oldest = (int)i;
	}
	if (oldest >= 0 &&
	    now - nat->leases[oldest].seen > nat->cfg.lease_timeout)
		return oldest;
	return -1;
}

/* mac's lease, made if new and renewed; -1 when the pool is empty. */
static int lease_get(struct nat *nat, const struct mac_addr *mac, uint64_t now)
{
	int i = lease_find(nat, mac);

	if (i < 0)
		i = lease_free(nat, now);
	if (i < 0)
		return -1;
	nat->leases[i] =
		(struct nat_lease){.used = true, .mac = *mac, .seen = now};
	return i;
}

/* ---- writing a reply ------------------------------------------------ */

static uint8_t *put_opt32(uint8_t *o, uint8_t code, uint32_t v)
{
	o[0] = code;
	o[1] = 4;
	put_be32(o + 2, v);
	return o + 6;
}

/* The options of a reply of `type`; where they end. */
static uint8_t *reply_options(const struct nat *nat, uint8_t *o, uint8_t type)
{
	const struct nat_config *c = &nat->cfg;

	*o++ = DHCP_OPT_MSG_TYPE;
	*o++ = 1;
	*o++ = type;
	o = put_opt32(o, DHCP_OPT_SERVER_ID, c->gw_ip);
	if (type != DHCP_NAK) {
		o = put_opt32(o, DHCP_OPT_LEASE, c->lease_secs);
		o = put_opt32(o, DHCP_OPT_NETMASK, c->inside_mask);
		o = put_opt32(o, DHCP_OPT_ROUTER, c->gw_ip);
		if (c->dns)
			o = put_opt32(o, DHCP_OPT_DNS, c->dns);
	}
	*o++ = DHCP_OPT_END;
	return o;
}

/* RFC 2131 "DHCP server behavior": a NAK, or a client that asked for
 * broadcast, hears broadcast; else the reply goes to the address
 * offered or confirmed (a renewing client's ciaddr is that address; a
 * ciaddr that is not, the server does not send to), at the client's
 * MAC. */
static uint32_t reply_dest(const struct dhcp_msg *m, uint8_t type,
			   uint32_t yiaddr)
{
	if (type == DHCP_NAK || (m->flags & DHCP_FLAG_BROADCAST))
		return IPV4_BROADCAST;
	return yiaddr;
}

static void dhcp_reply(struct nat *nat, const struct dhcp_msg *m, uint8_t type,
		       uint32_t yiaddr)
{
	static const struct mac_addr bcast = {
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	uint8_t *f = nat->reply, *ip = f + ETH_HDR_LEN;
	uint8_t *b = ip + IPV4_HDR_MIN + UDP_HDR_LEN;
	uint32_t dst = reply_dest(m, type, yiaddr);

	memset(b, 0, DHCP_MIN_LEN);
	b[DHCP_OP_OFF] = DHCP_BOOTREPLY;
	b[DHCP_HTYPE_OFF] = ARP_HTYPE_ETH;
	b[DHCP_HLEN_OFF] = MAC_ADDR_LEN;
	put_be32(b + DHCP_XID_OFF, m->xid);
	put_be16(b + DHCP_FLAGS_OFF, m->flags);
	if (type != DHCP_NAK)
		put_be32(b + DHCP_CIADDR_OFF, m->ciaddr);
	put_be32(b + DHCP_YIADDR_OFF, yiaddr);
	memcpy(b + DHCP_CHADDR_OFF, m->chaddr.b, MAC_ADDR_LEN);
	put_be32(b + DHCP_COOKIE_OFF, DHCP_COOKIE);
	reply_options(nat, b + DHCP_OPTIONS_OFF, type);

	nat_eth_header(f, dst == IPV4_BROADCAST ? &bcast : &m->chaddr,
		       &nat->cfg.gw_mac, ETH_TYPE_IPV4);
	ipv4_udp_headers(ip, nat->cfg.gw_ip, dst, DHCP_SERVER_PORT,
			 DHCP_CLIENT_PORT, UDP_HDR_LEN + DHCP_MIN_LEN);
	nat->cfg.to_inside(nat->cfg.ctx, f,
			   ETH_HDR_LEN + IPV4_HDR_MIN + UDP_HDR_LEN +
				   DHCP_MIN_LEN);
}

/* ---- the server ----------------------------------------------------- */

static void dhcp_discover(struct nat *nat, const struct dhcp_msg *m,
			  uint64_t now)
{
	int i = lease_get(nat, &m->chaddr, now);

	if (i < 0) {
		nat_drop(nat, NAT_DROP_POOL_EMPTY);
		return;
	}
	nat->stats.dhcp_offers++;
	dhcp_reply(nat, m, DHCP_OFFER, lease_ip(nat, i));
}

/* SELECTING names us in server_id; INIT-REBOOT, RENEWING and REBINDING
 * do not, and ask for (or are at) an address we must confirm. */
static void dhcp_request(struct nat *nat, const struct dhcp_msg *m,
			 uint64_t now)
{
	uint32_t want = m->req_ip ? m->req_ip : m->ciaddr;
	int i;

	if (m->server_id && m->server_id != nat->cfg.gw_ip) {
		nat->stats.ignored++; /* the client chose another server */
		return;
	}
	i = lease_get(nat, &m->chaddr, now);
	if (i >= 0 && want == lease_ip(nat, i)) {
		nat->stats.dhcp_acks++;
		dhcp_reply(nat, m, DHCP_ACK, want);
	} else {
		nat->stats.dhcp_naks++;
		dhcp_reply(nat, m, DHCP_NAK, 0);
	}
}

void nat_dhcp_input(struct nat *nat, const struct mac_addr *src,
		    const struct ipv4_pkt *pkt, uint64_t now)
{
	struct dhcp_msg m;

	if (!dhcp_parse(pkt, src, &m)) {
		nat_drop(nat, NAT_DROP_DHCP);
		return;
	}
	switch (m.type) {
	case DHCP_DISCOVER: dhcp_discover(nat, &m, now); break;
	case DHCP_REQUEST: dhcp_request(nat, &m, now); break;
	default: nat->stats.ignored++; break; /* RELEASE, DECLINE, INFORM */
	}
}
