/*
 * drivers/net/dhcp_client.c - the DHCP client of the hypervisor's
 * outside address: its state machine, the messages it writes and the
 * replies it reads.
 * Pure logic, serialised by its caller (drivers/net/dhcp_client.h); in
 * the hypervisor it runs in the uplink's poll on the boot CPU with the
 * switch's lock held (drivers/net/nat_uplink.c); on the host in
 * tests/unit/test_dhcp_client.c and tests/fuzz/fuzz_nat.c.
 * RFC 2131 "Dynamic Host Configuration Protocol" ("Format of a DHCP
 * message", "DHCP client behavior", "State-transition diagram for DHCP
 * clients", "Reacquisition and expiration"), RFC 2132 "DHCP Options
 * and BOOTP Vendor Extensions", RFC 768 (the UDP checksum).
 *
 * A reply is anyone's bytes on the outside network: it is copied into
 * c->buf before it is looked at, and every length in it is checked
 * against the bytes really there (drivers/net/ipv4.c for the IPv4
 * header).
 */
#include "drivers/net/dhcp_client.h"
#include "drivers/net/dhcp_opts.h"
#include "drivers/net/inet.h"
#include "drivers/net/inet_csum.h"
#include "drivers/net/ipv4.h"
#include "lib/string.h"

/* "Lease time": all ones is an infinite lease. */
#define DHCP_LEASE_INFINITE 0xffffffffu

static const struct mac_addr broadcast_mac = {
	{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static const char *const state_names[] = {
	[DHCPC_INIT] = "init",
	[DHCPC_SELECTING] = "selecting",
	[DHCPC_REQUESTING] = "requesting",
	[DHCPC_BOUND] = "bound",
	[DHCPC_RENEWING] = "renewing",
	[DHCPC_REBINDING] = "rebinding",
};

const char *dhcp_client_state_name(enum dhcp_client_state s)
{
	return (unsigned)s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

bool dhcp_client_bound(const struct dhcp_client *c)
{
	return c->state == DHCPC_BOUND || c->state == DHCPC_RENEWING ||
	       c->state == DHCPC_REBINDING;
}

void dhcp_client_init(struct dhcp_client *c, const struct mac_addr *mac,
		      dhcp_client_send_fn send, void *ctx,
		      uint64_t ticks_per_sec, uint32_t xid_seed)
{
	memset(c, 0, sizeof(*c));
	c->mac = *mac;
	c->send = send;
	c->ctx = ctx;
	c->tick = ticks_per_sec;
	c->xid = xid_seed ? xid_seed : 0x2545f491u;
	c->state = DHCPC_INIT;
}

/* A new transaction ID (xorshift32): "a random number chosen by the
 * client", different for each exchange. */
static void new_xid(struct dhcp_client *c)
{
	uint32_t x = c->xid;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->xid = x;
}

/* ---- writing a message ---------------------------------------------- */

static uint8_t *put_opt32(uint8_t *o, uint8_t code, uint32_t v)
{
	o[0] = code;
	o[1] = 4;
	put_be32(o + 2, v);
	return o + 6;
}

/* What the client asks the server to tell it. */
static uint8_t *put_params(uint8_t *o)
{
	static const uint8_t params[] = {
		DHCP_OPT_NETMASK, DHCP_OPT_ROUTER,    DHCP_OPT_DNS,
		DHCP_OPT_LEASE,	  DHCP_OPT_SERVER_ID, DHCP_OPT_T1,
		DHCP_OPT_T2,
	};

	*o++ = DHCP_OPT_PARAMS;
	*o++ = sizeof(params);
	memcpy(o, params, sizeof(params));
	return o + sizeof(params);
}

/* RFC 2131 "DHCP client behavior", table "Fields and options used by
 * DHCP clients": a DISCOVER, or a REQUEST as the state asks (SELECTING
 * names the offer and its server; RENEWING and REBINDING put the
 * address in ciaddr, RENEWING unicasts to the server). */
static void send_message(struct dhcp_client *c, uint8_t type)
{
	uint8_t *f = c->out, *ip = f + ETH_HDR_LEN;
	uint8_t *b = ip + IPV4_HDR_MIN + UDP_HDR_LEN, *o;
	bool have = dhcp_client_bound(c);
	bool unicast = c->state == DHCPC_RENEWING;
	uint32_t dst = unicast ? c->lease.server : IPV4_BROADCAST;

	memset(b, 0, DHCP_MIN_LEN);
	b[DHCP_OP_OFF] = DHCP_BOOTREQUEST;
	b[DHCP_HTYPE_OFF] = ARP_HTYPE_ETH;
	b[DHCP_HLEN_OFF] = MAC_ADDR_LEN;
	put_be32(b + DHCP_XID_OFF, c->xid);
	if (have)
		put_be32(b + DHCP_CIADDR_OFF, c->lease.ip);
	memcpy(b + DHCP_CHADDR_OFF, c->mac.b, MAC_ADDR_LEN);
	put_be32(b + DHCP_COOKIE_OFF, DHCP_COOKIE);
	o = b + DHCP_OPTIONS_OFF;
	*o++ = DHCP_OPT_MSG_TYPE;
	*o++ = 1;
	*o++ = type;
	if (c->state == DHCPC_REQUESTING) {
		o = put_opt32(o, DHCP_OPT_REQ_IP, c->offer.ip);
		o = put_opt32(o, DHCP_OPT_SERVER_ID, c->offer.server);
	}
	o = put_params(o);
	*o = DHCP_OPT_END;

	memcpy(f + ETH_DST_OFF,
	       (unicast ? &c->lease.server_mac : &broadcast_mac)->b,
	       MAC_ADDR_LEN);
	memcpy(f + ETH_SRC_OFF, c->mac.b, MAC_ADDR_LEN);
	put_be16(f + ETH_TYPE_OFF, ETH_TYPE_IPV4);
	ipv4_udp_headers(ip, have ? c->lease.ip : 0, dst, DHCP_CLIENT_PORT,
			 DHCP_SERVER_PORT, UDP_HDR_LEN + DHCP_MIN_LEN);
	if (type == DHCP_DISCOVER)
		c->stats.discovers++;
	else
		c->stats.requests++;
	c->tries++;
	c->send(c->ctx, f,
		ETH_HDR_LEN + IPV4_HDR_MIN + UDP_HDR_LEN + DHCP_MIN_LEN);
}

/* ---- timers --------------------------------------------------------- */

/* "DHCP client behavior": wait longer after each unanswered send
 * (RFC 2131 starts at 4 s; 1 s brings the hypervisor up sooner). */
static uint64_t backoff(const struct dhcp_client *c)
{
	uint64_t secs = DHCPC_RETRY_FIRST_SECS;

	for (unsigned i = 1; i < c->tries && secs < DHCPC_RETRY_MAX_SECS; i++)
		secs *= 2;
	return MIN(secs, (uint64_t)DHCPC_RETRY_MAX_SECS) * c->tick;
}

/* "Reacquisition and expiration": half the time left until `until`,
 * but not less than a minute. */
static uint64_t halfway(const struct dhcp_client *c, uint64_t now,
			uint64_t until)
{
	uint64_t half = until > now ? (until - now) / 2 : 0;

	return now + MAX(half, DHCPC_RENEW_RETRY_SECS * c->tick);
}

static void discover(struct dhcp_client *c, uint64_t now)
{
	new_xid(c);
	c->state = DHCPC_SELECTING;
	c->tries = 0;
	send_message(c, DHCP_DISCOVER);
	c->next_send = now + backoff(c);
}

/* From BOUND to RENEWING at T1, RENEWING to REBINDING at T2: a new
 * exchange, sent at once. */
static void reacquire(struct dhcp_client *c, enum dhcp_client_state to,
		      uint64_t now)
{
	new_xid(c);
	c->state = to;
	c->tries = 0;
	send_message(c, DHCP_REQUEST);
	c->next_send = halfway(c, now, to == DHCPC_RENEWING ? c->t2 : c->end);
}

/* BOUND, RENEWING, REBINDING: whichever of T1, T2 and the end has
 * passed (after a long gap between ticks, the latest), or a resend. */
static enum dhcp_client_event keep_lease(struct dhcp_client *c, uint64_t now)
{
	if (now >= c->end) {
		discover(c, now);
		return DHCPC_LOST;
	}
	if (now >= c->t2 && c->state != DHCPC_REBINDING) {
		reacquire(c, DHCPC_REBINDING, now);
	} else if (now >= c->t1 && c->state == DHCPC_BOUND) {
		reacquire(c, DHCPC_RENEWING, now);
	} else if (c->state != DHCPC_BOUND && now >= c->next_send) {
		send_message(c, DHCP_REQUEST);
		c->next_send = halfway(
			c, now, c->state == DHCPC_RENEWING ? c->t2 : c->end);
	}
	return DHCPC_NOTHING;
}

enum dhcp_client_event dhcp_client_tick(struct dhcp_client *c, uint64_t now)
{
	switch (c->state) {
	case DHCPC_INIT: discover(c, now); break;
	case DHCPC_SELECTING:
		if (now >= c->next_send) {
			send_message(c, DHCP_DISCOVER);
			c->next_send = now + backoff(c);
		}
		break;
	case DHCPC_REQUESTING:
		if (now < c->next_send)
			break;
		if (c->tries >= DHCPC_REQUEST_TRIES) {
			discover(c, now); /* the offer went stale */
			break;
		}
		send_message(c, DHCP_REQUEST);
		c->next_send = now + backoff(c);
		break;
	case DHCPC_BOUND:
	case DHCPC_RENEWING:
	case DHCPC_REBINDING: return keep_lease(c, now);
	}
	return DHCPC_NOTHING;
}

/* ---- reading a reply ------------------------------------------------ */

/* What the client reads of a server's message. */
struct dhcp_reply {
	uint8_t type;
	uint32_t yiaddr, server_id, mask, router, dns;
	uint32_t lease, t1, t2; /* 0: not given */
	struct mac_addr from;	/* the frame's source */
};

static void reply_option(void *ctx, uint8_t code, const uint8_t *v, uint8_t len)
{
	struct dhcp_reply *r = ctx;

	if (code == DHCP_OPT_MSG_TYPE && len == 1)
		r->type = v[0];
	else if (len < 4)
		return;
	else if (code == DHCP_OPT_SERVER_ID)
		r->server_id = get_be32(v);
	else if (code == DHCP_OPT_NETMASK)
		r->mask = get_be32(v);
	else if (code == DHCP_OPT_ROUTER)
		r->router = get_be32(v); /* the first of the list */
	else if (code == DHCP_OPT_DNS)
		r->dns = get_be32(v);
	else if (code == DHCP_OPT_LEASE)
		r->lease = get_be32(v);
	else if (code == DHCP_OPT_T1)
		r->t1 = get_be32(v);
	else if (code == DHCP_OPT_T2)
		r->t2 = get_be32(v);
}

/* RFC 2132 "BOOTP Extension/DHCP Option Field Format"; false when an
 * option runs past the end. */
static bool reply_options(struct dhcp_reply *r, const uint8_t *b, size_t len)
{
	return dhcp_options_each(b, len, reply_option, r);
}

/* The UDP datagram from port 67 to port 68 in c->buf, or NULL; its
 * payload length in *len. */
static const uint8_t *dhcp_payload(struct dhcp_client *c, size_t frame_len,
				   size_t *len)
{
	struct ipv4_pkt pkt;
	struct mac_addr dst;
	size_t udp_len;

	memcpy(dst.b, c->buf + ETH_DST_OFF, MAC_ADDR_LEN);
	if (get_be16(c->buf + ETH_TYPE_OFF) != ETH_TYPE_IPV4 ||
	    !(mac_equal(&dst, &c->mac) || mac_is_broadcast(&dst)))
		return NULL;
	if (ipv4_parse(c->buf + ETH_HDR_LEN, frame_len - ETH_HDR_LEN, &pkt) !=
		    IPV4_OK ||
	    pkt.fragment || pkt.proto != IPV4_PROTO_UDP ||
	    pkt.l4_len < UDP_HDR_LEN ||
	    get_be16(pkt.l4 + UDP_SPORT_OFF) != DHCP_SERVER_PORT ||
	    get_be16(pkt.l4 + UDP_DPORT_OFF) != DHCP_CLIENT_PORT)
		return NULL;
	udp_len = get_be16(pkt.l4 + UDP_LEN_OFF);
	if (udp_len < UDP_HDR_LEN || udp_len > pkt.l4_len)
		return NULL;
	*len = udp_len - UDP_HDR_LEN;
	return pkt.l4 + UDP_HDR_LEN;
}

/* For this client: a BOOTREPLY with its xid and MAC. */
static bool for_us(const struct dhcp_client *c, const uint8_t *b, size_t len)
{
	return len >= DHCP_FIXED_LEN && b[DHCP_OP_OFF] == DHCP_BOOTREPLY &&
	       get_be32(b + DHCP_XID_OFF) == c->xid &&
	       !memcmp(b + DHCP_CHADDR_OFF, c->mac.b, MAC_ADDR_LEN);
}

static bool reply_parse(struct dhcp_client *c, const uint8_t *b, size_t len,
			struct dhcp_reply *r)
{
	*r = (struct dhcp_reply){.yiaddr = get_be32(b + DHCP_YIADDR_OFF)};
	memcpy(r->from.b, c->buf + ETH_SRC_OFF, MAC_ADDR_LEN);
	return len >= DHCP_OPTIONS_OFF && b[DHCP_HTYPE_OFF] == ARP_HTYPE_ETH &&
	       b[DHCP_HLEN_OFF] == MAC_ADDR_LEN &&
	       get_be32(b + DHCP_COOKIE_OFF) == DHCP_COOKIE &&
	       reply_options(r, b, len) && r->type != 0;
}

/* ---- binding -------------------------------------------------------- */

/* A netmask is ones then zeros, 1 to 30 bits of prefix. */
static bool mask_valid(uint32_t mask)
{
	uint32_t host = ~mask;

	return mask != 0 && (host & (host + 1)) == 0 && host > 1;
}

/* RFC 2131 leaves a missing mask to the client: the address's class. */
static uint32_t class_mask(uint32_t ip)
{
	if (ip >> 31 == 0)
		return 0xff000000u;
	if (ip >> 30 == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

/* An address the client can take: a host of its subnet. */
static bool host_addr(uint32_t ip, uint32_t mask)
{
	return (ip & ~mask) != 0 && (ip & ~mask) != ~mask && ip >> 28 < 0xe &&
	       ip >> 24 != 0 && ip >> 24 != 127;
}

static uint64_t secs_after(const struct dhcp_client *c, uint64_t now,
			   uint32_t secs)
{
	return now + (uint64_t)secs * c->tick;
}

/* "Reacquisition and expiration": T1 and T2 default to half and seven
 * eighths of the lease, and come before its end. */
static void lease_timers(struct dhcp_client *c, const struct dhcp_reply *r,
			 uint64_t now)
{
	uint32_t l = r->lease ? r->lease : DHCP_LEASE_INFINITE;

	if (l == DHCP_LEASE_INFINITE) {
		c->t1 = c->t2 = c->end = UINT64_MAX;
		return;
	}
	c->end = secs_after(c, now, l);
	c->t2 = secs_after(c, now, r->t2 && r->t2 < l ? r->t2 : l / 8 * 7);
	c->t1 = secs_after(c, now, r->t1 && r->t1 < l ? r->t1 : l / 2);
	c->t1 = MIN(c->t1, c->t2);
}

/* An ACK: the lease is ours (false: its address cannot be used). */
static bool bind(struct dhcp_client *c, const struct dhcp_reply *r,
		 uint64_t now)
{
	struct dhcp_lease l = {
		.ip = r->yiaddr,
		.mask = mask_valid(r->mask) ? r->mask : class_mask(r->yiaddr),
		.dns = r->dns,
		.server = r->server_id ? r->server_id : c->lease.server,
		.server_mac = r->from,
		.lease_secs = r->lease ? r->lease : DHCP_LEASE_INFINITE,
	};

	if (!host_addr(l.ip, l.mask))
		return false;
	if (host_addr(r->router, l.mask) && r->router != l.ip &&
	    ipv4_same_subnet(r->router, l.ip, l.mask))
		l.router = r->router;
	c->lease = l;
	lease_timers(c, r, now);
	c->state = DHCPC_BOUND;
	c->tries = 0;
	return true;
}

static enum dhcp_client_event on_offer(struct dhcp_client *c,
				       const struct dhcp_reply *r, uint64_t now)
{
	uint32_t mask = mask_valid(r->mask) ? r->mask : class_mask(r->yiaddr);

	if (c->state != DHCPC_SELECTING || !r->server_id ||
	    !host_addr(r->yiaddr, mask)) {
		c->stats.ignored++;
		return DHCPC_NOTHING;
	}
	c->stats.offers++;
	c->offer = (struct dhcp_lease){.ip = r->yiaddr, .server = r->server_id};
	c->state = DHCPC_REQUESTING;
	c->tries = 0;
	send_message(c, DHCP_REQUEST);
	c->next_send = now + backoff(c);
	return DHCPC_NOTHING;
}

static bool asked(const struct dhcp_client *c, const struct dhcp_reply *r)
{
	if (c->state == DHCPC_REQUESTING)
		return (!r->server_id || r->server_id == c->offer.server) &&
		       (r->type == DHCP_NAK || r->yiaddr == c->offer.ip);
	return c->state == DHCPC_RENEWING || c->state == DHCPC_REBINDING;
}

static enum dhcp_client_event
on_answer(struct dhcp_client *c, const struct dhcp_reply *r, uint64_t now)
{
	bool had = dhcp_client_bound(c);

	if (!asked(c, r)) {
		c->stats.ignored++;
		return DHCPC_NOTHING;
	}
	if (r->type == DHCP_ACK) {
		if (!bind(c, r, now)) {
			c->stats.malformed++;
			return DHCPC_NOTHING;
		}
		c->stats.acks++;
		return DHCPC_BOUND_NEW;
	}
	c->stats.naks++; /* "the client restarts the configuration" */
	c->state = DHCPC_INIT;
	c->next_send = now;
	return had ? DHCPC_LOST : DHCPC_NOTHING;
}

enum dhcp_client_event dhcp_client_input(struct dhcp_client *c,
					 const uint8_t *frame, size_t len,
					 uint64_t now)
{
	struct dhcp_reply r;
	const uint8_t *b;
	size_t n;

	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX)
		return DHCPC_NOT_MINE;
	memcpy(c->buf, frame, len);
	b = dhcp_payload(c, len, &n);
	if (!b || !for_us(c, b, n))
		return DHCPC_NOT_MINE;
	if (!reply_parse(c, b, n, &r)) {
		c->stats.malformed++;
		return DHCPC_NOTHING;
	}
	switch (r.type) {
	case DHCP_OFFER: return on_offer(c, &r, now);
	case DHCP_ACK:
	case DHCP_NAK: return on_answer(c, &r, now);
	default: c->stats.ignored++; return DHCPC_NOTHING;
	}
}
