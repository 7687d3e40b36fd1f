/*
 * drivers/net/nat_arp.c - ARP for the NAT: on the inside it answers
 * the VMs' "who has the gateway?"; on the outside it answers for the
 * hypervisor's address, learns its neighbours' MACs in a small cache
 * and holds a few translated frames while it asks for a next hop.
 * Pure logic, serialised by the NAT's caller (drivers/net/nat.h); on
 * the host in tests/unit/test_nat.c and tests/fuzz/fuzz_nat.c.
 * RFC 826 "An Ethernet Address Resolution Protocol" ("Packet
 * Reception"), RFC 1122 "Requirements for Internet Hosts" ("ARP Cache
 * Validation": flood protection, queueing while unresolved).
 *
 * The cache has NAT_ARP_MAX entries (the outside is usually one router
 * and a few hosts); the oldest makes room. A frame whose next hop is
 * unknown waits in one of NAT_PENDING_MAX slots for at most arp_retry
 * ticks; one request goes out per next hop and wait, so a burst of
 * frames asks once, and a silent neighbour costs one request per
 * arp_retry.
 */
#include "drivers/net/inet.h"
#include "drivers/net/nat_internal.h"
#include "lib/string.h"

/* The fields of an Ethernet/IPv4 ARP packet. */
struct arp_msg {
	uint16_t oper;
	struct mac_addr sha, tha;
	uint32_t spa, tpa;
};

static bool arp_parse(const uint8_t *p, size_t len, struct arp_msg *m)
{
	if (len < ARP_LEN || get_be16(p + ARP_HTYPE_OFF) != ARP_HTYPE_ETH ||
	    get_be16(p + ARP_PTYPE_OFF) != ETH_TYPE_IPV4 ||
	    p[ARP_HLEN_OFF] != MAC_ADDR_LEN || p[ARP_PLEN_OFF] != 4)
		return false;
	m->oper = get_be16(p + ARP_OPER_OFF);
	memcpy(m->sha.b, p + ARP_SHA_OFF, MAC_ADDR_LEN);
	memcpy(m->tha.b, p + ARP_THA_OFF, MAC_ADDR_LEN);
	m->spa = get_be32(p + ARP_SPA_OFF);
	m->tpa = get_be32(p + ARP_TPA_OFF);
	return !mac_is_multicast(&m->sha) && !mac_is_zero(&m->sha);
}

/* An ARP packet in nat->reply from `from` to `to`. */
static void arp_send(struct nat *nat, nat_send_fn send, uint16_t oper,
		     const struct mac_addr *eth_dst, const struct arp_msg *m)
{
	uint8_t *f = nat->reply, *p = f + ETH_HDR_LEN;

	nat_eth_header(f, eth_dst, &m->sha, ETH_TYPE_ARP);
	put_be16(p + ARP_HTYPE_OFF, ARP_HTYPE_ETH);
	put_be16(p + ARP_PTYPE_OFF, ETH_TYPE_IPV4);
	p[ARP_HLEN_OFF] = MAC_ADDR_LEN;
	p[ARP_PLEN_OFF] = 4;
	put_be16(p + ARP_OPER_OFF, oper);
	memcpy(p + ARP_SHA_OFF, m->sha.b, MAC_ADDR_LEN);
	put_be32(p + ARP_SPA_OFF, m->spa);
	memcpy(p + ARP_THA_OFF, m->tha.b, MAC_ADDR_LEN);
	put_be32(p + ARP_TPA_OFF, m->tpa);
	send(nat->cfg.ctx, f, ETH_HDR_LEN + ARP_LEN);
}

/* Answer a request for `ip`, ours on this side, with `mac`. */
static void arp_answer(struct nat *nat, nat_send_fn send,
		       const struct arp_msg *req, const struct mac_addr *mac,
		       uint32_t ip)
{
	struct arp_msg rep = {
		.sha = *mac, .spa = ip, .tha = req->sha, .tpa = req->spa};

	nat->stats.arp_replies++;
	arp_send(nat, send, ARP_OP_REPLY, &req->sha, &rep);
}

void nat_arp_inside(struct nat *nat, const uint8_t *arp, size_t len)
{
	struct arp_msg m;

	if (!arp_parse(arp, len, &m)) {
		nat_drop(nat, NAT_DROP_RUNT);
		return;
	}
	if (m.oper == ARP_OP_REQUEST && m.tpa == nat->cfg.gw_ip &&
	    m.spa != nat->cfg.gw_ip)
		arp_answer(nat, nat->cfg.to_inside, &m, &nat->cfg.gw_mac,
			   nat->cfg.gw_ip);
	else
		nat->stats.ignored++; /* about another VM, or a reply */
}

/* ---- the outside neighbour cache ------------------------------------ */

static struct nat_arp_entry *cache_find(struct nat *nat, uint32_t ip,
					uint64_t now)
{
	for (unsigned i = 0; i < NAT_ARP_MAX; i++) {
		struct nat_arp_entry *e = &nat->arp[i];

		if (e->used && e->ip == ip &&
		    now - e->seen <= nat->cfg.arp_timeout)
			return e;
	}
	return NULL;
}

static struct nat_arp_entry *cache_slot(struct nat *nat, uint32_t ip)
{
	struct nat_arp_entry *oldest = &nat->arp[0];

	for (unsigned i = 0; i < NAT_ARP_MAX; i++) {
		struct nat_arp_entry *e = &nat->arp[i];

		if (!e->used || e->ip == ip)
			return e;
		if (e->seen < oldest->seen)
			oldest = e;
	}
	return oldest;
}

/* Send every frame that waited for ip, now at mac. */
static void pending_flush(struct nat *nat, uint32_t ip,
			  const struct mac_addr *mac)
{
	for (unsigned i = 0; i < NAT_PENDING_MAX; i++) {
		struct nat_pending *p = &nat->pending[i];

		if (!p->used || p->next_hop != ip)
			continue;
		memcpy(p->frame + ETH_DST_OFF, mac->b, MAC_ADDR_LEN);
		p->used = false;
		nat->stats.out_translated++;
		nat->cfg.to_outside(nat->cfg.ctx, p->frame, p->len);
	}
}

static void cache_learn(struct nat *nat, const struct arp_msg *m, uint64_t now)
{
	struct nat_arp_entry *e = cache_slot(nat, m->spa);

	*e = (struct nat_arp_entry){
		.used = true, .ip = m->spa, .mac = m->sha, .seen = now};
	pending_flush(nat, m->spa, &m->sha);
}

/*
 * RFC 826 "Packet Reception", simplified: a sender we already know is
 * refreshed; a packet aimed at our address (request or reply) teaches
 * us its sender; a request for our address is answered.
 */
void nat_arp_outside(struct nat *nat, const uint8_t *arp, size_t len,
		     uint64_t now)
{
	const struct nat_config *c = &nat->cfg;
	struct arp_msg m;
	bool for_us;

	if (!arp_parse(arp, len, &m)) {
		nat_drop(nat, NAT_DROP_RUNT);
		return;
	}
	for_us = m.tpa == c->out_ip && m.spa != c->out_ip;
	if (for_us || cache_find(nat, m.spa, now))
		cache_learn(nat, &m, now);
	else
		nat->stats.ignored++;
	if (for_us && m.oper == ARP_OP_REQUEST)
		arp_answer(nat, c->to_outside, &m, &c->out_mac, c->out_ip);
}

bool nat_next_hop(const struct nat *nat, uint32_t dst, uint32_t *hop)
{
	const struct nat_config *c = &nat->cfg;

	if (ipv4_same_subnet(dst, c->out_ip, c->out_mask))
		*hop = dst;
	else if (c->out_router)
		*hop = c->out_router;
	else
		return false;
	return true;
}

/* ---- frames waiting for ARP ----------------------------------------- */

static bool waiting_for(const struct nat *nat, uint32_t hop)
{
	for (unsigned i = 0; i < NAT_PENDING_MAX; i++)
		if (nat->pending[i].used && nat->pending[i].next_hop == hop)
			return true;
	return false;
}

static void arp_request(struct nat *nat, uint32_t hop)
{
	static const struct mac_addr bcast = {
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	struct arp_msg req = {
		.sha = nat->cfg.out_mac, .spa = nat->cfg.out_ip, .tpa = hop};

	nat->stats.arp_requests++;
	arp_send(nat, nat->cfg.to_outside, ARP_OP_REQUEST, &bcast, &req);
}

static void pending_add(struct nat *nat, uint32_t hop, size_t len, uint64_t now)
{
	bool asked = waiting_for(nat, hop);

	for (unsigned i = 0; i < NAT_PENDING_MAX; i++) {
		struct nat_pending *p = &nat->pending[i];

		if (p->used)
			continue;
		*p = (struct nat_pending){.used = true,
					  .next_hop = hop,
					  .queued = now,
					  .len = len};
		memcpy(p->frame, nat->buf, len);
		if (!asked)
			arp_request(nat, hop);
		return;
	}
	nat_drop(nat, NAT_DROP_ARP_QUEUE);
	if (!asked)
		arp_request(nat, hop);
}

void nat_arp_output(struct nat *nat, uint32_t hop, size_t len, uint64_t now)
{
	struct nat_arp_entry *e;

	nat_arp_expire(nat, now);
	e = cache_find(nat, hop, now);
	if (!e) {
		pending_add(nat, hop, len, now);
		return;
	}
	memcpy(nat->buf + ETH_DST_OFF, e->mac.b, MAC_ADDR_LEN);
	nat->stats.out_translated++;
	nat->cfg.to_outside(nat->cfg.ctx, nat->buf, len);
}

void nat_arp_expire(struct nat *nat, uint64_t now)
{
	for (unsigned i = 0; i < NAT_PENDING_MAX; i++) {
		struct nat_pending *p = &nat->pending[i];

		if (p->used && now - p->queued > nat->cfg.arp_retry) {
			p->used = false;
			nat_drop(nat, NAT_DROP_ARP_TIMEOUT);
		}
	}
}
