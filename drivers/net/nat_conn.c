/*
 * drivers/net/nat_conn.c - the NAT's translation table: finding the
 * translation of a flow going out (or making one, with a port of the
 * NAT's range), finding the one a packet coming in belongs to, ageing
 * them by idle time, following a TCP connection to its end.
 * Pure logic, serialised by the NAT's caller (drivers/net/nat.h); on
 * the host in tests/unit/test_nat.c and tests/fuzz/fuzz_nat.c.
 * RFC 3022 "Traditional IP Network Address Translator" ("Network
 * Address Port Translation"), RFC 4787 "NAT Behavioral Requirements for
 * Unicast UDP" ("Mapping Refresh"), RFC 5382 "NAT Behavioral
 * Requirements for TCP" ("NAT Session Refresh").
 *
 * The table is an array of NAT_CONNS_MAX entries searched linearly, as
 * the switch's is. An entry idle longer than its protocol's timeout is
 * dead and its slot and port are free again. A translated port is
 * unique per protocol among live entries, so a packet coming in finds
 * its entry by (protocol, port), and must then also come from the
 * remote address and port the VM talked to ("address and port
 * dependent filtering": nobody else can use the hole). When every slot
 * is alive, the entry idle longest is evicted for the new one.
 */
#include "drivers/net/inet.h"
#include "drivers/net/nat_internal.h"

static uint64_t timeout_of(const struct nat *nat, const struct nat_conn *c)
{
	const struct nat_config *cfg = &nat->cfg;

	switch (c->proto) {
	case IPV4_PROTO_TCP:
		return c->closing ? cfg->tcp_closing_timeout : cfg->tcp_timeout;
	case IPV4_PROTO_UDP: return cfg->udp_timeout;
	default: return cfg->icmp_timeout;
	}
}

bool nat_conn_alive(const struct nat *nat, const struct nat_conn *c,
		    uint64_t now)
{
	return c->used && now - c->seen <= timeout_of(nat, c);
}

/* A dead entry still marked used is counted once, as it is freed. */
static void reap(struct nat *nat, struct nat_conn *c, uint64_t now)
{
	if (c->used && !nat_conn_alive(nat, c, now)) {
		c->used = false;
		nat->stats.conns_expired++;
	}
}

void nat_conn_expire(struct nat *nat, uint64_t now)
{
	for (unsigned i = 0; i < NAT_CONNS_MAX; i++)
		reap(nat, &nat->conns[i], now);
}

unsigned nat_conn_count(const struct nat *nat, uint64_t now)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NAT_CONNS_MAX; i++)
		n += nat_conn_alive(nat, &nat->conns[i], now);
	return n;
}

static bool flow_matches(const struct nat_conn *c, const struct nat_flow *f)
{
	return c->proto == f->proto && c->inside_ip == f->inside_ip &&
	       c->inside_port == f->inside_port &&
	       c->remote_ip == f->remote_ip && c->remote_port == f->remote_port;
}

static bool port_in_use(const struct nat *nat, uint8_t proto, uint16_t port,
			uint64_t now)
{
	for (unsigned i = 0; i < NAT_CONNS_MAX; i++) {
		const struct nat_conn *c = &nat->conns[i];

		if (nat_conn_alive(nat, c, now) && c->proto == proto &&
		    c->nat_port == port)
			return true;
	}
	return false;
}

/*
 * A free port of the range, searched from a cursor that moves on (so a
 * port just freed is not handed out again at once, where a late packet
 * of the old flow could reach the new one). At most NAT_CONNS_MAX ports
 * are in use, so the search ends within NAT_CONNS_MAX + 1 tries.
 */
static bool port_alloc(struct nat *nat, uint8_t proto, uint64_t now,
		       uint16_t *port)
{
	uint32_t count = nat->cfg.port_count;
	uint32_t tries = MIN(count, NAT_CONNS_MAX + 1);

	for (uint32_t i = 0; i < tries; i++) {
		uint16_t p = (uint16_t)(nat->cfg.port_first +
					nat->port_cursor++ % count);

		if (!port_in_use(nat, proto, p, now)) {
			*port = p;
			return true;
		}
	}
	return false;
}

/* A free slot, else the live entry idle longest (evicted). */
static struct nat_conn *slot(struct nat *nat, uint64_t now)
{
	struct nat_conn *oldest = &nat->conns[0];

	for (unsigned i = 0; i < NAT_CONNS_MAX; i++) {
		struct nat_conn *c = &nat->conns[i];

		reap(nat, c, now);
		if (!c->used)
			return c;
		if (c->seen < oldest->seen)
			oldest = c;
	}
	oldest->used = false;
	nat->stats.conns_evicted++;
	return oldest;
}

/* The flow's entry, if the same VM (MAC) made it: a VM claiming
 * another's address gets its own entry and port, never the other's
 * replies. */
static struct nat_conn *find_out(struct nat *nat, const struct nat_flow *f,
				 const struct mac_addr *mac, uint64_t now)
{
	for (unsigned i = 0; i < NAT_CONNS_MAX; i++) {
		struct nat_conn *c = &nat->conns[i];

		if (nat_conn_alive(nat, c, now) && flow_matches(c, f) &&
		    mac_equal(&c->inside_mac, mac))
			return c;
	}
	return NULL;
}

struct nat_conn *nat_conn_out(struct nat *nat, const struct nat_flow *f,
			      const struct mac_addr *inside_mac, uint64_t now)
{
	struct nat_conn *c = find_out(nat, f, inside_mac, now);
	uint16_t port;

	if (c) {
		c->seen = now;
		return c;
	}
	c = slot(nat, now);
	if (!port_alloc(nat, f->proto, now, &port))
		return NULL;
	*c = (struct nat_conn){
		.used = true,
		.proto = f->proto,
		.inside_mac = *inside_mac,
		.inside_ip = f->inside_ip,
		.remote_ip = f->remote_ip,
		.inside_port = f->inside_port,
		.remote_port = f->remote_port,
		.nat_port = port,
		.seen = now,
	};
	nat->stats.conns_created++;
	return c;
}

struct nat_conn *nat_conn_in(struct nat *nat, uint8_t proto, uint16_t nat_port,
			     uint32_t remote_ip, uint16_t remote_port,
			     uint64_t now)
{
	for (unsigned i = 0; i < NAT_CONNS_MAX; i++) {
		struct nat_conn *c = &nat->conns[i];

		if (nat_conn_alive(nat, c, now) && c->proto == proto &&
		    c->nat_port == nat_port && c->remote_ip == remote_ip &&
		    c->remote_port == remote_port) {
			c->seen = now;
			return c;
		}
	}
	return NULL;
}

/*
 * RFC 5382 lets a NAT forget a connection soon after it ends: after a
 * RST, or once both sides sent FIN, the short closing timeout applies.
 * A new SYN from inside on the same flow (the port reused) reopens it.
 */
void nat_conn_tcp(struct nat_conn *c, uint8_t flags, bool inward)
{
	if ((flags & TCP_FLAG_SYN) && !inward && !(flags & TCP_FLAG_RST)) {
		c->fin_seen = 0;
		c->closing = false;
	}
	if (flags & TCP_FLAG_FIN)
		c->fin_seen |= inward ? 2 : 1;
	if ((flags & TCP_FLAG_RST) || c->fin_seen == 3)
		c->closing = true;
}
