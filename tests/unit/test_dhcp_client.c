/*
 * tests/unit/test_dhcp_client.c - the DHCP client of the outside
 * address (drivers/net/dhcp_client.c) on the host: a whole exchange
 * against the NAT's own DHCP server (drivers/net/nat_dhcp.c), then
 * replies the test builds itself the way Bochs's vnet writes them (an
 * OFFER to the broadcast address, a mask only when asked for): the
 * lease, T1 renewal unicast to the server, T2 rebinding, expiry,
 * NAKs, retransmission times, and frames that are not for the client,
 * cut short or damaged. Every frame the client sends is checked with
 * the test's own checksum routine.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "tests/unit/ref_csum.h"
#include "drivers/net/dhcp_client.h"
#include "drivers/net/inet.h"
#include "drivers/net/nat.h"

#define SEC	 1000 /* ticks of `now` per second */
#define HOST_IP	 IPV4_ADDR(192, 168, 10, 1)
#define OUR_IP	 IPV4_ADDR(192, 168, 10, 2)
#define MASK24	 IPV4_ADDR(255, 255, 255, 0)
#define LEASE	 28800
#define SENT_MAX 8

static struct dhcp_client c;
static unsigned sent;
static size_t sent_len[SENT_MAX];
static uint8_t sent_f[SENT_MAX][ETH_FRAME_MAX];

static const struct mac_addr our_mac = {{0x52, 0x54, 0, 0x12, 0x34, 0x56}};
static const struct mac_addr host_mac = {{0x52, 0x54, 0, 0x12, 0x34, 0x55}};
static const struct mac_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static void capture(void *ctx, const uint8_t *frame, size_t len)
{
	assert_true(sent < SENT_MAX && len <= ETH_FRAME_MAX);
	memcpy(sent_f[sent], frame, len);
	sent_len[sent++] = len;
}

static int setup(void **state)
{
	sent = 0;
	dhcp_client_init(&c, &our_mac, capture, NULL, SEC, 12345);
	return 0;
}

/* ---- the test's own reading and writing ----------------------------- */

/* Offsets in a frame the client sent (no IP options). */
#define IP  ETH_HDR_LEN
#define UDP (IP + IPV4_HDR_MIN)
#define MSG (UDP + UDP_HDR_LEN)

/* The option `code` of a message, or NULL. */
static const uint8_t *option(const uint8_t *f, size_t len, uint8_t code)
{
	size_t i = MSG + DHCP_OPTIONS_OFF;

	while (i + 1 < len && f[i] != DHCP_OPT_END) {
		if (f[i] == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (f[i] == code)
			return f + i;
		i += 2 + f[i + 1];
	}
	return NULL;
}

/* A sent frame is a well-formed DHCP request of `type` with the
 * client's MAC, from src to dst; its xid. */
static uint32_t check_sent(unsigned i, uint8_t type, struct mac_addr eth_dst,
			   uint32_t src, uint32_t dst)
{
	const uint8_t *f = sent_f[i];
	size_t len = sent_len[i];
	const uint8_t *o;

	assert_true(i < sent);
	assert_true(len >= MSG + DHCP_MIN_LEN);
	assert_memory_equal(f, eth_dst.b, 6);
	assert_memory_equal(f + 6, our_mac.b, 6);
	assert_int_equal(rd16(f + 12), ETH_TYPE_IPV4);
	assert_int_equal(ref_sum(f + IP, IPV4_HDR_MIN, 0), 0);
	assert_int_equal(rd32(f + IP + IPV4_SRC_OFF), src);
	assert_int_equal(rd32(f + IP + IPV4_DST_OFF), dst);
	assert_int_equal(rd16(f + IP + IPV4_TOTLEN_OFF), len - IP);
	assert_int_equal(rd16(f + UDP + UDP_LEN_OFF), len - UDP);
	assert_int_equal(ref_sum(f + UDP, len - UDP,
				 ref_pseudo(f + IP, IPV4_PROTO_UDP, len - UDP)),
			 0);
	assert_int_equal(rd16(f + UDP), DHCP_CLIENT_PORT);
	assert_int_equal(rd16(f + UDP + 2), DHCP_SERVER_PORT);
	assert_int_equal(f[MSG + DHCP_OP_OFF], DHCP_BOOTREQUEST);
	assert_memory_equal(f + MSG + DHCP_CHADDR_OFF, our_mac.b, 6);
	assert_int_equal(rd32(f + MSG + DHCP_COOKIE_OFF), DHCP_COOKIE);
	o = option(f, len, DHCP_OPT_MSG_TYPE);
	assert_non_null(o);
	assert_int_equal(o[2], type);
	o = option(f, len, DHCP_OPT_PARAMS); /* asks for mask and router */
	assert_non_null(o);
	assert_non_null(memchr(o + 2, DHCP_OPT_NETMASK, o[1]));
	assert_non_null(memchr(o + 2, DHCP_OPT_ROUTER, o[1]));
	return rd32(f + MSG + DHCP_XID_OFF);
}

struct reply {
	uint8_t type;
	uint32_t xid, yiaddr, dst_ip;
	struct mac_addr dst_mac;
	uint32_t server, mask, router, lease, t1; /* 0: option left out */
};

/* A server's reply from vnet's host (its MAC and address). */
static size_t build(uint8_t *f, const struct reply *r)
{
	uint8_t *b = f + MSG, *o = b + DHCP_OPTIONS_OFF;
	size_t udp_len = UDP_HDR_LEN + DHCP_MIN_LEN;

	memset(f, 0, MSG + DHCP_MIN_LEN);
	memcpy(f, r->dst_mac.b, 6);
	memcpy(f + 6, host_mac.b, 6);
	wr16(f + 12, ETH_TYPE_IPV4);
	f[IP] = 0x45;
	wr16(f + IP + 2, (uint16_t)(IPV4_HDR_MIN + udp_len));
	f[IP + 8] = 7; /* vnet's TTL */
	f[IP + 9] = IPV4_PROTO_UDP;
	wr32(f + IP + 12, HOST_IP);
	wr32(f + IP + 16, r->dst_ip);
	wr16(f + IP + 10, ref_sum(f + IP, IPV4_HDR_MIN, 0));
	b[DHCP_OP_OFF] = DHCP_BOOTREPLY;
	b[DHCP_HTYPE_OFF] = 1;
	b[DHCP_HLEN_OFF] = 6;
	wr32(b + DHCP_XID_OFF, r->xid);
	wr32(b + DHCP_YIADDR_OFF, r->yiaddr);
	memcpy(b + DHCP_CHADDR_OFF, our_mac.b, 6);
	wr32(b + DHCP_COOKIE_OFF, DHCP_COOKIE);
	*o++ = DHCP_OPT_MSG_TYPE;
	*o++ = 1;
	*o++ = r->type;
	const uint8_t codes[] = {DHCP_OPT_SERVER_ID, DHCP_OPT_NETMASK,
				 DHCP_OPT_ROUTER, DHCP_OPT_LEASE, DHCP_OPT_T1};
	const uint32_t vals[] = {r->server, r->mask, r->router, r->lease,
				 r->t1};
	for (unsigned i = 0; i < 5; i++) {
		if (!vals[i])
			continue;
		*o++ = codes[i];
		*o++ = 4;
		wr32(o, vals[i]);
		o += 4;
	}
	*o = DHCP_OPT_END;
	wr16(f + UDP, DHCP_SERVER_PORT);
	wr16(f + UDP + 2, DHCP_CLIENT_PORT);
	wr16(f + UDP + 4, (uint16_t)udp_len);
	wr16(f + UDP + 6, ref_sum(f + UDP, udp_len,
				  ref_pseudo(f + IP, IPV4_PROTO_UDP, udp_len)));
	return MSG + DHCP_MIN_LEN;
}

static enum dhcp_client_event feed(const struct reply *r, uint64_t now)
{
	uint8_t f[ETH_FRAME_MAX];
	size_t len = build(f, r);

	return dhcp_client_input(&c, f, len, now);
}

static enum dhcp_client_event feed_r(struct reply r, uint64_t now)
{
	return feed(&r, now);
}

/* vnet's OFFER: to the broadcast address, at the client's MAC. */
static struct reply offer(uint32_t xid)
{
	return (struct reply){.type = DHCP_OFFER,
			      .xid = xid,
			      .yiaddr = OUR_IP,
			      .dst_ip = IPV4_BROADCAST,
			      .dst_mac = our_mac,
			      .server = HOST_IP,
			      .mask = MASK24,
			      .router = HOST_IP,
			      .lease = LEASE};
}

static struct reply ack(uint32_t xid)
{
	struct reply r = offer(xid);

	r.type = DHCP_ACK;
	r.dst_ip = OUR_IP;
	return r;
}

/* DISCOVER, OFFER, REQUEST, ACK at time 0: bound. */
static void get_lease(void)
{
	uint32_t xid;

	assert_int_equal(dhcp_client_tick(&c, 0), DHCPC_NOTHING);
	xid = check_sent(0, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
	assert_int_equal(feed(&(struct reply){0}, 0), DHCPC_NOT_MINE);
	assert_int_equal(feed(&(struct reply){.type = DHCP_OFFER,
					      .xid = xid + 1,
					      .yiaddr = OUR_IP,
					      .dst_ip = IPV4_BROADCAST,
					      .dst_mac = our_mac,
					      .server = HOST_IP},
			      0),
			 DHCPC_NOT_MINE); /* another exchange */
	assert_int_equal(feed_r(offer(xid), 0), DHCPC_NOTHING);
	assert_int_equal(c.state, DHCPC_REQUESTING);
	assert_int_equal(check_sent(1, DHCP_REQUEST, bcast, 0, IPV4_BROADCAST),
			 xid);
	assert_int_equal(
		rd32(option(sent_f[1], sent_len[1], DHCP_OPT_REQ_IP) + 2),
		OUR_IP);
	assert_int_equal(
		rd32(option(sent_f[1], sent_len[1], DHCP_OPT_SERVER_ID) + 2),
		HOST_IP);
	assert_int_equal(feed_r(ack(xid), 0), DHCPC_BOUND_NEW);
	assert_true(dhcp_client_bound(&c));
	sent = 0;
}

/* ---- the tests ------------------------------------------------------ */

static void test_vnet_lease(void **state)
{
	get_lease();
	assert_int_equal(c.lease.ip, OUR_IP);
	assert_int_equal(c.lease.mask, MASK24);
	assert_int_equal(c.lease.router, HOST_IP);
	assert_int_equal(c.lease.server, HOST_IP);
	assert_memory_equal(c.lease.server_mac.b, host_mac.b, 6);
	assert_int_equal(c.lease.lease_secs, LEASE);
	assert_string_equal(dhcp_client_state_name(c.state), "bound");
	/* nothing more to send until T1, half the lease */
	assert_int_equal(dhcp_client_tick(&c, (uint64_t)LEASE / 2 * SEC - 1),
			 DHCPC_NOTHING);
	assert_int_equal(sent, 0);
}

/* A reply without a mask (vnet's, when not asked): the address's
 * class; a router off the subnet is not taken. */
static void test_defaults_from_class(void **state)
{
	uint32_t xid;
	struct reply r;

	dhcp_client_tick(&c, 0);
	xid = check_sent(0, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
	r = offer(xid);
	r.mask = 0;
	feed(&r, 0);
	r = ack(xid);
	r.mask = 0;
	r.router = IPV4_ADDR(10, 1, 1, 1);
	r.lease = 0; /* none: infinite */
	assert_int_equal(feed(&r, 0), DHCPC_BOUND_NEW);
	assert_int_equal(c.lease.mask, MASK24);
	assert_int_equal(c.lease.router, 0);
	assert_int_equal(dhcp_client_tick(&c, UINT64_MAX - 1), DHCPC_NOTHING);
	assert_int_equal(c.state, DHCPC_BOUND);
}

/* T1: a REQUEST unicast to the server with ciaddr; its ACK renews. */
static void test_renew(void **state)
{
	uint64_t t1 = (uint64_t)LEASE / 2 * SEC;
	uint32_t xid;

	get_lease();
	assert_int_equal(dhcp_client_tick(&c, t1), DHCPC_NOTHING);
	assert_int_equal(c.state, DHCPC_RENEWING);
	xid = check_sent(0, DHCP_REQUEST, host_mac, OUR_IP, HOST_IP);
	assert_int_equal(rd32(sent_f[0] + MSG + DHCP_CIADDR_OFF), OUR_IP);
	assert_null(option(sent_f[0], sent_len[0], DHCP_OPT_REQ_IP));
	assert_null(option(sent_f[0], sent_len[0], DHCP_OPT_SERVER_ID));
	/* sent again halfway to T2 */
	dhcp_client_tick(&c, t1 + 1);
	assert_int_equal(sent, 1);
	dhcp_client_tick(&c, t1 + ((uint64_t)LEASE * 7 / 8 * SEC - t1) / 2);
	assert_int_equal(sent, 2);
	assert_int_equal(feed_r(ack(xid), t1 + 5 * SEC), DHCPC_BOUND_NEW);
	assert_int_equal(c.state, DHCPC_BOUND);
	assert_int_equal(c.t1, t1 + 5 * SEC + t1); /* from the new ACK */
}

/* No answer to renewing: rebinding (broadcast) at T2, and at the end
 * of the lease the address is lost and a DISCOVER goes out. */
static void test_rebind_and_expire(void **state)
{
	uint64_t t2 = (uint64_t)LEASE / 8 * 7 * SEC,
		 end = (uint64_t)LEASE * SEC;

	get_lease();
	dhcp_client_tick(&c, t2 - 1);
	assert_int_equal(c.state, DHCPC_RENEWING);
	sent = 0;
	dhcp_client_tick(&c, t2);
	assert_int_equal(c.state, DHCPC_REBINDING);
	check_sent(0, DHCP_REQUEST, bcast, OUR_IP, IPV4_BROADCAST);
	assert_int_equal(dhcp_client_tick(&c, end - 1), DHCPC_NOTHING);
	assert_int_equal(dhcp_client_tick(&c, end), DHCPC_LOST);
	assert_false(dhcp_client_bound(&c));
	check_sent(sent - 1, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
}

/* A tick long after the last (the poll stalled): the latest deadline
 * that passed counts, so an expired lease is lost at once. */
static void test_long_gap(void **state)
{
	get_lease();
	assert_int_equal(dhcp_client_tick(&c, (uint64_t)LEASE / 8 * 7 * SEC),
			 DHCPC_NOTHING);
	assert_int_equal(c.state, DHCPC_REBINDING); /* T1 and T2 passed */
	check_sent(0, DHCP_REQUEST, bcast, OUR_IP, IPV4_BROADCAST);
	setup(NULL);
	get_lease();
	assert_int_equal(dhcp_client_tick(&c, (uint64_t)LEASE * 2 * SEC),
			 DHCPC_LOST);
	check_sent(0, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
}

/* A NAK while requesting starts over; while renewing, loses the
 * address. */
static void test_nak(void **state)
{
	uint32_t xid;
	struct reply r;

	dhcp_client_tick(&c, 0);
	xid = check_sent(0, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
	feed_r(offer(xid), 0);
	r = (struct reply){.type = DHCP_NAK,
			   .xid = xid,
			   .dst_ip = IPV4_BROADCAST,
			   .dst_mac = bcast,
			   .server = HOST_IP};
	assert_int_equal(feed(&r, 0), DHCPC_NOTHING);
	assert_int_equal(c.state, DHCPC_INIT);
	assert_int_equal(c.stats.naks, 1);
	dhcp_client_tick(&c, 1);
	assert_int_not_equal(
		check_sent(2, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST), xid);

	setup(NULL);
	get_lease();
	dhcp_client_tick(&c, (uint64_t)LEASE / 2 * SEC);
	r.xid = check_sent(0, DHCP_REQUEST, host_mac, OUR_IP, HOST_IP);
	assert_int_equal(feed(&r, (uint64_t)LEASE / 2 * SEC), DHCPC_LOST);
	assert_false(dhcp_client_bound(&c));
}

/* Unanswered DISCOVERs go again after 1, 2, 4 ... s, at most 32 s
 * apart; an offer whose REQUESTs go unanswered is given up. */
static void test_retransmit(void **state)
{
	static const uint64_t at[] = {0, 1, 3, 7, 15, 31, 63, 95};
	uint64_t t;
	uint32_t xid;

	dhcp_client_tick(&c, 0);
	for (unsigned i = 1; i < ARRAY_SIZE(at); i++) {
		dhcp_client_tick(&c, at[i] * SEC - 1);
		assert_int_equal(sent, i);
		dhcp_client_tick(&c, at[i] * SEC);
		assert_int_equal(sent, i + 1);
		check_sent(i, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
	}
	setup(NULL);
	dhcp_client_tick(&c, 0);
	xid = check_sent(0, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
	feed_r(offer(xid), 0);
	for (t = 1; t < 100 * SEC && c.state == DHCPC_REQUESTING; t += 100)
		dhcp_client_tick(&c, t);
	assert_int_equal(c.state, DHCPC_SELECTING);
	assert_int_equal(c.stats.requests, DHCPC_REQUEST_TRIES);
	check_sent(sent - 1, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
}

/* Frames that are not the client's, late, cut short or damaged: none
 * binds, none is read past its end (ASan). */
static void test_foreign_and_broken(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	struct reply r;
	uint32_t xid;
	size_t len;

	dhcp_client_tick(&c, 0);
	xid = check_sent(0, DHCP_DISCOVER, bcast, 0, IPV4_BROADCAST);
	r = offer(xid);
	len = build(f, &r);
	for (size_t n = 0; n < len; n++) {
		enum dhcp_client_event e = dhcp_client_input(&c, f, n, 0);

		assert_true(e == DHCPC_NOT_MINE || e == DHCPC_NOTHING);
		assert_int_equal(c.state, DHCPC_SELECTING);
	}
	memcpy(f, host_mac.b, 6); /* to another station */
	assert_int_equal(dhcp_client_input(&c, f, len, 0), DHCPC_NOT_MINE);
	len = build(f, &r);
	f[MSG + DHCP_CHADDR_OFF + 5] ^= 1; /* another client's */
	assert_int_equal(dhcp_client_input(&c, f, len, 0), DHCPC_NOT_MINE);
	len = build(f, &r);
	f[MSG + DHCP_OPTIONS_OFF + 4] = 200; /* an option past the end */
	f[MSG + DHCP_OPTIONS_OFF + 3] = 1;
	memset(f + MSG + DHCP_OPTIONS_OFF + 5, 1, DHCP_MIN_LEN - 245);
	assert_int_equal(dhcp_client_input(&c, f, len, 0), DHCPC_NOTHING);
	assert_int_equal(c.stats.malformed, 1);
	r.type = DHCP_ACK; /* an ACK while selecting */
	assert_int_equal(feed(&r, 0), DHCPC_NOTHING);
	assert_int_equal(c.stats.ignored, 1);
	r = offer(xid);
	r.yiaddr = IPV4_ADDR(192, 168, 10, 255); /* the broadcast address */
	assert_int_equal(feed(&r, 0), DHCPC_NOTHING);
	assert_int_equal(c.state, DHCPC_SELECTING);
	assert_int_equal(feed_r(offer(xid), 0), DHCPC_NOTHING);
	assert_int_equal(c.state, DHCPC_REQUESTING);
	r = ack(xid);
	r.server = IPV4_ADDR(192, 168, 10, 9); /* another server's ACK */
	assert_int_equal(feed(&r, 0), DHCPC_NOTHING);
	assert_false(dhcp_client_bound(&c));
}

/* ---- against the NAT's own DHCP server ------------------------------ */

static struct nat server;
static uint8_t to_client[ETH_FRAME_MAX];
static size_t to_client_len;

static void server_out(void *ctx, const uint8_t *frame, size_t len)
{
	memcpy(to_client, frame, len);
	to_client_len = len;
}

static void test_against_nat_server(void **state)
{
	struct nat_config cfg = {
		.gw_mac = {{0x52, 0x55, 0x0a, 0, 2, 2}},
		.gw_ip = IPV4_ADDR(10, 0, 2, 2),
		.inside_mask = MASK24,
		.pool_first = IPV4_ADDR(10, 0, 2, 15),
		.pool_size = 4,
		.dns = IPV4_ADDR(10, 0, 2, 3),
		.out_mac = {{0x02, 0, 0, 0, 0, 1}},
		.out_ip = OUR_IP,
		.out_mask = MASK24,
		.port_first = 40000,
		.port_count = 100,
		.to_inside = server_out,
		.to_outside = server_out,
	};

	nat_config_timeouts(&cfg, SEC);
	assert_int_equal(nat_init(&server, &cfg, NULL), 0);
	dhcp_client_tick(&c, 0);
	for (unsigned i = 0; i < 2; i++) { /* DISCOVER, then REQUEST */
		to_client_len = 0;
		nat_from_inside(&server, sent_f[i], sent_len[i], 0);
		assert_true(to_client_len > 0);
		dhcp_client_input(&c, to_client, to_client_len, 0);
	}
	assert_int_equal(server.stats.dhcp_offers, 1);
	assert_int_equal(server.stats.dhcp_acks, 1);
	assert_int_equal(c.state, DHCPC_BOUND);
	assert_int_equal(c.lease.ip, IPV4_ADDR(10, 0, 2, 15));
	assert_int_equal(c.lease.mask, MASK24);
	assert_int_equal(c.lease.router, cfg.gw_ip);
	assert_int_equal(c.lease.dns, cfg.dns);
	assert_int_equal(c.lease.server, cfg.gw_ip);
	assert_int_equal(c.lease.lease_secs, 86400);
	assert_int_equal(nat_lease_of(&server, &our_mac), c.lease.ip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vnet_lease, setup),
		cmocka_unit_test_setup(test_defaults_from_class, setup),
		cmocka_unit_test_setup(test_renew, setup),
		cmocka_unit_test_setup(test_rebind_and_expire, setup),
		cmocka_unit_test_setup(test_long_gap, setup),
		cmocka_unit_test_setup(test_nak, setup),
		cmocka_unit_test_setup(test_retransmit, setup),
		cmocka_unit_test_setup(test_foreign_and_broken, setup),
		cmocka_unit_test_setup(test_against_nat_server, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
