/*
 * tests/unit/test_nat.c - NAT mode (drivers/net/nat*.c, ipv4.c,
 * inet_csum.c) on the host: two fake wires record every frame the NAT
 * sends to the VMs and to the outside, and the test plays VMs and
 * outside hosts with frames it builds itself. Every checksum the NAT
 * writes is checked with the test's own checksum routine (below), not
 * the NAT's. ARP on both sides, DHCP DISCOVER/OFFER/REQUEST/ACK/NAK and
 * the pool, UDP/TCP/ICMP echo out and back, unsolicited frames, expiry,
 * a full table and port range, ARP waits, truncated and damaged frames.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "tests/unit/ref_csum.h"
#include "drivers/net/nat.h"
#include "drivers/net/inet.h"
#include "drivers/net/inet_csum.h"

#define GW_IP	  IPV4_ADDR(10, 0, 2, 2)
#define MASK24	  IPV4_ADDR(255, 255, 255, 0)
#define POOL	  IPV4_ADDR(10, 0, 2, 15)
#define DNS	  IPV4_ADDR(192, 168, 10, 3)
#define OUT_IP	  IPV4_ADDR(192, 168, 10, 2)
#define ROUTER	  IPV4_ADDR(192, 168, 10, 1)
#define REMOTE	  IPV4_ADDR(8, 8, 8, 8)
#define NEIGHBOUR IPV4_ADDR(192, 168, 10, 7) /* on the outside subnet */
#define PORT_LO	  40000
#define PORTS	  1000
#define UDP_TO	  30
#define TCP_TO	  100
#define CLOSE_TO  10
#define ICMP_TO	  5
#define ARP_TO	  60
#define ARP_RETRY 3
#define LEASE_TO  1000

#define WIRE_MAX 16

/* What the NAT sent to one side. */
struct wire {
	unsigned n;
	size_t len[WIRE_MAX];
	uint8_t f[WIRE_MAX][ETH_FRAME_MAX];
};

static struct nat nat;
static struct wire inside, outside;

static const struct mac_addr gw_mac = {{0x52, 0x55, 0x0a, 0, 2, 2}};
static const struct mac_addr out_mac = {{0x02, 0, 0, 0, 0, 0x01}};
static const struct mac_addr router_mac = {{0x02, 0, 0, 0, 0, 0xfe}};
static const struct mac_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static struct mac_addr vm_mac(unsigned i)
{
	return (struct mac_addr){{0x52, 0x54, 0, 0, 0, (uint8_t)i}};
}

static void wire_put(struct wire *w, const uint8_t *frame, size_t len)
{
	assert_true(len <= ETH_FRAME_MAX);
	assert_true(w->n < WIRE_MAX);
	memcpy(w->f[w->n], frame, len);
	w->len[w->n++] = len;
}

static void to_inside(void *ctx, const uint8_t *frame, size_t len)
{
	wire_put(&inside, frame, len);
}

static void to_outside(void *ctx, const uint8_t *frame, size_t len)
{
	wire_put(&outside, frame, len);
}

static struct nat_config config(void)
{
	return (struct nat_config){
		.gw_mac = gw_mac,
		.gw_ip = GW_IP,
		.inside_mask = MASK24,
		.pool_first = POOL,
		.pool_size = 4,
		.dns = DNS,
		.lease_secs = 86400,
		.lease_timeout = LEASE_TO,
		.out_mac = out_mac,
		.out_ip = OUT_IP,
		.out_mask = MASK24,
		.out_router = ROUTER,
		.port_first = PORT_LO,
		.port_count = PORTS,
		.udp_timeout = UDP_TO,
		.tcp_timeout = TCP_TO,
		.tcp_closing_timeout = CLOSE_TO,
		.icmp_timeout = ICMP_TO,
		.arp_timeout = ARP_TO,
		.arp_retry = ARP_RETRY,
		.to_inside = to_inside,
		.to_outside = to_outside,
	};
}

static void clear_wires(void)
{
	inside.n = outside.n = 0;
}

static int setup(void **state)
{
	struct nat_config c = config();

	clear_wires();
	assert_int_equal(nat_init(&nat, &c, NULL), 0);
	return 0;
}

/* ---- the test's own checksum and frame builders --------------------- */

/* The reference checksum is tests/unit/ref_csum.h's. */

/* Whether the IPv4 packet at ip has right header and transport
 * checksums (a UDP checksum of 0 is "none" and fine). */
static void assert_checksums(const uint8_t *ip)
{
	size_t hl = (ip[0] & 0xf) * 4, tot = rd16(ip + 2);
	const uint8_t *l4 = ip + hl;
	size_t l4_len = tot - hl;

	assert_int_equal(ref_sum(ip, hl, 0), 0);
	switch (ip[9]) {
	case IPV4_PROTO_ICMP:
		assert_int_equal(ref_sum(l4, l4_len, 0), 0);
		break;
	case IPV4_PROTO_UDP:
		if (rd16(l4 + 6) == 0)
			break;
		/* fallthrough */
	case IPV4_PROTO_TCP:
		assert_int_equal(
			ref_sum(l4, l4_len, ref_pseudo(ip, ip[9], l4_len)), 0);
		break;
	}
}

static size_t eth(uint8_t *f, struct mac_addr dst, struct mac_addr src,
		  uint16_t type)
{
	memcpy(f, dst.b, 6);
	memcpy(f + 6, src.b, 6);
	wr16(f + 12, type);
	return ETH_HDR_LEN;
}

/* An IPv4 frame with l4 (l4_len bytes, its checksum field zero) whose
 * transport checksum the builder computes; the frame's length. */
static size_t ip_frame(uint8_t *f, struct mac_addr dst, struct mac_addr src,
		       uint32_t sip, uint32_t dip, uint8_t proto,
		       const uint8_t *l4, size_t l4_len)
{
	uint8_t *ip = f + eth(f, dst, src, ETH_TYPE_IPV4);
	uint8_t *t = ip + 20;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(20 + l4_len));
	wr16(ip + 4, 0x1234);
	wr16(ip + 6, IPV4_FLAG_DF);
	ip[8] = 64;
	ip[9] = proto;
	wr32(ip + 12, sip);
	wr32(ip + 16, dip);
	wr16(ip + 10, ref_sum(ip, 20, 0));
	memcpy(t, l4, l4_len);
	if (proto == IPV4_PROTO_ICMP)
		wr16(t + 2, ref_sum(t, l4_len, 0));
	else if (proto == IPV4_PROTO_UDP)
		wr16(t + 6, ref_sum(t, l4_len, ref_pseudo(ip, proto, l4_len)));
	else if (proto == IPV4_PROTO_TCP)
		wr16(t + 16, ref_sum(t, l4_len, ref_pseudo(ip, proto, l4_len)));
	return ETH_HDR_LEN + 20 + l4_len;
}

static size_t udp_frame(uint8_t *f, struct mac_addr dst, struct mac_addr src,
			uint32_t sip, uint16_t sport, uint32_t dip,
			uint16_t dport, const char *payload)
{
	uint8_t u[256] = {0};
	size_t n = strlen(payload);

	wr16(u, sport);
	wr16(u + 2, dport);
	wr16(u + 4, (uint16_t)(8 + n));
	memcpy(u + 8, payload, n);
	return ip_frame(f, dst, src, sip, dip, IPV4_PROTO_UDP, u, 8 + n);
}

static size_t tcp_frame(uint8_t *f, struct mac_addr dst, struct mac_addr src,
			uint32_t sip, uint16_t sport, uint32_t dip,
			uint16_t dport, uint8_t flags)
{
	uint8_t t[24] = {0};

	wr16(t, sport);
	wr16(t + 2, dport);
	wr32(t + 4, 0x11223344); /* sequence number */
	t[12] = 6 << 4;		 /* data offset: 24 bytes */
	t[13] = flags;
	wr16(t + 14, 65535);
	t[20] = 2; /* MSS option */
	t[21] = 4;
	wr16(t + 22, 1460);
	return ip_frame(f, dst, src, sip, dip, IPV4_PROTO_TCP, t, sizeof(t));
}

static size_t icmp_frame(uint8_t *f, struct mac_addr dst, struct mac_addr src,
			 uint32_t sip, uint32_t dip, uint8_t type, uint16_t id,
			 uint16_t seq)
{
	uint8_t m[8 + 11] = {type, 0};

	wr16(m + 4, id);
	wr16(m + 6, seq);
	memcpy(m + 8, "ping data!", 11);
	return ip_frame(f, dst, src, sip, dip, IPV4_PROTO_ICMP, m, sizeof(m));
}

static size_t arp_frame(uint8_t *f, struct mac_addr dst, uint16_t oper,
			struct mac_addr sha, uint32_t spa, struct mac_addr tha,
			uint32_t tpa)
{
	uint8_t *a = f + eth(f, dst, sha, ETH_TYPE_ARP);

	wr16(a, 1);
	wr16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, oper);
	memcpy(a + 8, sha.b, 6);
	wr32(a + 14, spa);
	memcpy(a + 18, tha.b, 6);
	wr32(a + 24, tpa);
	return ETH_HDR_LEN + 28;
}

static const uint8_t *ip_of(const uint8_t *f)
{
	return f + ETH_HDR_LEN;
}

static const uint8_t *l4_of(const uint8_t *f)
{
	return f + ETH_HDR_LEN + (f[ETH_HDR_LEN] & 0xf) * 4;
}

static void assert_mac(const uint8_t *p, struct mac_addr m)
{
	assert_memory_equal(p, m.b, 6);
}

static uint64_t dropped(enum nat_drop why)
{
	return nat.stats.dropped[why];
}

static uint64_t total_dropped(void)
{
	uint64_t n = 0;

	for (int i = 0; i < NAT_DROP_COUNT; i++)
		n += nat.stats.dropped[i];
	return n;
}

/* The router answers the NAT's ARP request (makes it known). */
static void router_known(uint64_t now)
{
	uint8_t f[64];
	size_t n = arp_frame(f, out_mac, ARP_OP_REPLY, router_mac, ROUTER,
			     out_mac, OUT_IP);

	nat_from_outside(&nat, f, n, now);
}

/* ---- configuration -------------------------------------------------- */

static void expect_refused(struct nat_config c, const char *why_part)
{
	const char *why = NULL;

	assert_int_equal(nat_init(&nat, &c, &why), -1);
	assert_non_null(why);
	if (!strstr(why, why_part))
		fail_msg("\"%s\" does not say \"%s\"", why, why_part);
}

static void test_config_checked(void **state)
{
	struct nat_config c;

	c = config(), c.pool_first = IPV4_ADDR(10, 0, 3, 15);
	expect_refused(c, "pool is not inside");
	c = config(), c.pool_first = IPV4_ADDR(10, 0, 2, 253);
	expect_refused(c, "pool is not inside"); /* reaches .255 */
	c = config(), c.pool_first = GW_IP;
	expect_refused(c, "gateway's or DNS");
	c = config(), c.pool_size = NAT_LEASES_MAX + 1;
	expect_refused(c, "1 to 32");
	c = config(), c.port_first = 65000, c.port_count = 1000;
	expect_refused(c, "port range");
	c = config(), c.out_ip = IPV4_ADDR(10, 0, 2, 99);
	expect_refused(c, "overlap");
	c = config(), c.out_router = IPV4_ADDR(172, 16, 0, 1);
	expect_refused(c, "router is not on the outside subnet");
	c = config(), c.inside_mask = IPV4_ADDR(255, 0, 255, 0);
	expect_refused(c, "netmask");
	c = config(), c.gw_mac = bcast;
	expect_refused(c, "not unicast");
	c = config(), c.to_outside = NULL;
	expect_refused(c, "callbacks");
	c = config();
	assert_int_equal(nat_init(&nat, &c, NULL), 0);
}

/* The defaults meet the RFCs' minimums (RFC 4787 REQ-5: UDP at least
 * 2 min; RFC 5382 REQ-5: established TCP at least 2 h 4 min; RFC 5508
 * REQ-1: ICMP query at least 60 s), and a closing TCP goes sooner. */
static void test_config_timeouts(void **state)
{
	struct nat_config c = config();
	const uint64_t hz = 1000;

	nat_config_timeouts(&c, hz);
	assert_true(c.udp_timeout >= 120 * hz);
	assert_true(c.tcp_timeout >= (2 * 3600 + 4 * 60) * hz);
	assert_true(c.icmp_timeout >= 60 * hz);
	assert_true(c.tcp_closing_timeout < c.tcp_timeout);
	assert_true(c.lease_timeout >= c.lease_secs * hz);
	assert_true(c.arp_retry > 0 && c.arp_retry < c.arp_timeout);
	assert_int_equal(nat_init(&nat, &c, NULL), 0);
}

/* ---- ARP ------------------------------------------------------------ */

static void test_arp_gateway(void **state)
{
	uint8_t f[64];
	size_t n = arp_frame(f, bcast, ARP_OP_REQUEST, vm_mac(1), POOL,
			     (struct mac_addr){{0}}, GW_IP);
	const uint8_t *r, *a;

	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(inside.n, 1);
	assert_int_equal(outside.n, 0);
	r = inside.f[0];
	a = r + ETH_HDR_LEN;
	assert_int_equal(inside.len[0], ETH_HDR_LEN + 28);
	assert_mac(r, vm_mac(1));
	assert_mac(r + 6, gw_mac);
	assert_int_equal(rd16(r + 12), ETH_TYPE_ARP);
	assert_int_equal(rd16(a + 6), ARP_OP_REPLY);
	assert_mac(a + 8, gw_mac);
	assert_int_equal(rd32(a + 14), GW_IP);
	assert_mac(a + 18, vm_mac(1));
	assert_int_equal(rd32(a + 24), POOL);
	assert_int_equal(nat.stats.arp_replies, 1);

	/* Asking for another VM, or a reply, gets nothing. */
	n = arp_frame(f, bcast, ARP_OP_REQUEST, vm_mac(1), POOL,
		      (struct mac_addr){{0}}, POOL + 1);
	nat_from_inside(&nat, f, n, 0);
	n = arp_frame(f, gw_mac, ARP_OP_REPLY, vm_mac(1), POOL, gw_mac, GW_IP);
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(inside.n, 1);
	assert_int_equal(nat.stats.ignored, 2);
	assert_int_equal(total_dropped(), 0);
}

static void test_arp_outside(void **state)
{
	uint8_t f[64];
	size_t n = arp_frame(f, bcast, ARP_OP_REQUEST, router_mac, ROUTER,
			     (struct mac_addr){{0}}, OUT_IP);
	const uint8_t *a;

	nat_from_outside(&nat, f, n, 0);
	assert_int_equal(outside.n, 1);
	assert_int_equal(inside.n, 0);
	a = outside.f[0] + ETH_HDR_LEN;
	assert_mac(outside.f[0], router_mac);
	assert_mac(outside.f[0] + 6, out_mac);
	assert_int_equal(rd16(a + 6), ARP_OP_REPLY);
	assert_mac(a + 8, out_mac);
	assert_int_equal(rd32(a + 14), OUT_IP);
	assert_int_equal(rd32(a + 24), ROUTER);
	/* A request for someone else's address: no answer. */
	n = arp_frame(f, bcast, ARP_OP_REQUEST, router_mac, ROUTER,
		      (struct mac_addr){{0}}, NEIGHBOUR);
	nat_from_outside(&nat, f, n, 0);
	assert_int_equal(outside.n, 1);
}

/* ---- DHCP ----------------------------------------------------------- */

struct dhcp_opts {
	int type;
	uint32_t server_id, lease, mask, router, dns;
	bool has_dns;
};

/* A client's message from VM i: type, requested address (0: none),
 * server id (0: none), ciaddr, flags. */
static size_t dhcp_frame(uint8_t *f, unsigned vm, uint8_t type, uint32_t req_ip,
			 uint32_t server_id, uint32_t ciaddr, uint16_t flags)
{
	uint8_t u[8 + 300] = {0};
	uint8_t *b = u + 8, *o = b + 240;

	wr16(u, 68);
	wr16(u + 2, 67);
	wr16(u + 4, sizeof(u));
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	wr32(b + 4, 0xabcd0000 + vm);
	wr16(b + 10, flags);
	wr32(b + 12, ciaddr);
	memcpy(b + 28, vm_mac(vm).b, 6);
	wr32(b + 236, DHCP_COOKIE);
	*o++ = 53, *o++ = 1, *o++ = type;
	if (req_ip)
		*o++ = 50, *o++ = 4, wr32(o, req_ip), o += 4;
	if (server_id)
		*o++ = 54, *o++ = 4, wr32(o, server_id), o += 4;
	*o++ = 55, *o++ = 3, *o++ = 1, *o++ = 3, *o++ = 6; /* asks for */
	*o++ = 255;
	return ip_frame(f, bcast, vm_mac(vm), ciaddr, IPV4_BROADCAST,
			IPV4_PROTO_UDP, u, sizeof(u));
}

/* Check a server reply from the wire and read its options. */
static struct dhcp_opts dhcp_check(const uint8_t *f, size_t len, unsigned vm,
				   uint32_t ip_dst)
{
	const uint8_t *ip = ip_of(f), *u = l4_of(f), *b = u + 8;
	struct dhcp_opts o = {0};
	size_t blen = rd16(u + 4) - 8;

	assert_true(len >= ETH_HDR_LEN + 20 + 8 + 300);
	assert_int_equal(rd16(f + 12), ETH_TYPE_IPV4);
	assert_mac(f + 6, gw_mac);
	assert_mac(f, ip_dst == IPV4_BROADCAST ? bcast : vm_mac(vm));
	assert_checksums(ip);
	assert_int_not_equal(rd16(u + 6), 0); /* UDP checksum present */
	assert_int_equal(rd32(ip + 12), GW_IP);
	assert_int_equal(rd32(ip + 16), ip_dst);
	assert_int_equal(rd16(u), 67);
	assert_int_equal(rd16(u + 2), 68);
	assert_int_equal(b[0], DHCP_BOOTREPLY);
	assert_int_equal(rd32(b + 4), 0xabcd0000 + vm);
	assert_memory_equal(b + 28, vm_mac(vm).b, 6);
	assert_int_equal(rd32(b + 236), DHCP_COOKIE);
	for (size_t i = 240; i < blen && b[i] != 255;) {
		const uint8_t *v = b + i + 2;

		if (b[i] == 0) {
			i++;
			continue;
		}
		switch (b[i]) {
		case 53: o.type = v[0]; break;
		case 54: o.server_id = rd32(v); break;
		case 51: o.lease = rd32(v); break;
		case 1: o.mask = rd32(v); break;
		case 3: o.router = rd32(v); break;
		case 6: o.dns = rd32(v), o.has_dns = true; break;
		}
		i += 2 + b[i + 1];
	}
	return o;
}

static uint32_t yiaddr(const uint8_t *f)
{
	return rd32(l4_of(f) + 8 + 16);
}

/* VM vm goes through DISCOVER, OFFER, REQUEST, ACK: its address. */
static uint32_t dhcp_bind(unsigned vm, uint64_t now)
{
	uint8_t f[ETH_FRAME_MAX];
	uint32_t offered;
	unsigned first = inside.n;

	nat_from_inside(&nat, f, dhcp_frame(f, vm, DHCP_DISCOVER, 0, 0, 0, 0),
			now);
	assert_int_equal(inside.n, first + 1);
	offered = yiaddr(inside.f[first]);
	assert_int_equal(
		dhcp_check(inside.f[first], inside.len[first], vm, offered)
			.type,
		DHCP_OFFER);
	nat_from_inside(&nat, f,
			dhcp_frame(f, vm, DHCP_REQUEST, offered, GW_IP, 0, 0),
			now);
	assert_int_equal(inside.n, first + 2);
	assert_int_equal(dhcp_check(inside.f[first + 1], inside.len[first + 1],
				    vm, offered)
				 .type,
			 DHCP_ACK);
	assert_int_equal(yiaddr(inside.f[first + 1]), offered);
	return offered;
}

static void test_dhcp_handshake(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	struct mac_addr m1 = vm_mac(1);
	struct dhcp_opts o;

	/* DISCOVER with the broadcast flag: a broadcast OFFER. */
	nat_from_inside(
		&nat, f,
		dhcp_frame(f, 1, DHCP_DISCOVER, 0, 0, 0, DHCP_FLAG_BROADCAST),
		0);
	assert_int_equal(inside.n, 1);
	assert_int_equal(outside.n, 0);
	o = dhcp_check(inside.f[0], inside.len[0], 1, IPV4_BROADCAST);
	assert_int_equal(o.type, DHCP_OFFER);
	assert_int_equal(yiaddr(inside.f[0]), POOL);
	assert_int_equal(o.server_id, GW_IP);
	assert_int_equal(o.lease, 86400);
	assert_int_equal(o.mask, MASK24);
	assert_int_equal(o.router, GW_IP);
	assert_true(o.has_dns);
	assert_int_equal(o.dns, DNS);

	/* REQUEST naming us and the offered address: ACK, same options. */
	nat_from_inside(&nat, f,
			dhcp_frame(f, 1, DHCP_REQUEST, POOL, GW_IP, 0,
				   DHCP_FLAG_BROADCAST),
			1);
	assert_int_equal(inside.n, 2);
	o = dhcp_check(inside.f[1], inside.len[1], 1, IPV4_BROADCAST);
	assert_int_equal(o.type, DHCP_ACK);
	assert_int_equal(yiaddr(inside.f[1]), POOL);
	assert_int_equal(o.router, GW_IP);
	assert_int_equal(o.dns, DNS);
	assert_int_equal(nat_lease_of(&nat, &m1), POOL);

	/* RENEWING: unicast from its address, ciaddr set, ACK to it. */
	nat_from_inside(&nat, f, dhcp_frame(f, 1, DHCP_REQUEST, 0, 0, POOL, 0),
			2);
	assert_int_equal(inside.n, 3);
	o = dhcp_check(inside.f[2], inside.len[2], 1, POOL);
	assert_int_equal(o.type, DHCP_ACK);
	assert_int_equal(nat.stats.dhcp_offers, 1);
	assert_int_equal(nat.stats.dhcp_acks, 2);
	assert_int_equal(total_dropped(), 0);
}

static void test_dhcp_stable_and_nak(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	struct mac_addr m1 = vm_mac(1);

	assert_int_equal(dhcp_bind(1, 0), POOL);
	assert_int_equal(dhcp_bind(2, 0), POOL + 1);
	/* VM 1 reboots: the same address again, whatever the order. */
	assert_int_equal(dhcp_bind(3, 5), POOL + 2);
	assert_int_equal(dhcp_bind(1, 10), POOL);
	assert_int_equal(nat_lease_of(&nat, &m1), POOL);

	/* Asking for VM 2's address: NAK, broadcast, no address. */
	clear_wires();
	nat_from_inside(&nat, f,
			dhcp_frame(f, 1, DHCP_REQUEST, POOL + 1, 0, 0, 0), 11);
	assert_int_equal(inside.n, 1);
	assert_int_equal(
		dhcp_check(inside.f[0], inside.len[0], 1, IPV4_BROADCAST).type,
		DHCP_NAK);
	assert_int_equal(yiaddr(inside.f[0]), 0);
	assert_int_equal(nat.stats.dhcp_naks, 1);

	/* Confirming its address with a made-up ciaddr: the ACK goes to
	 * the address, not to ciaddr. */
	nat_from_inside(&nat, f,
			dhcp_frame(f, 1, DHCP_REQUEST, POOL, 0,
				   IPV4_ADDR(8, 8, 4, 4), 0),
			11);
	assert_int_equal(inside.n, 2);
	assert_int_equal(dhcp_check(inside.f[1], inside.len[1], 1, POOL).type,
			 DHCP_ACK);

	/* A REQUEST for another server's offer: silence. */
	nat_from_inside(&nat, f,
			dhcp_frame(f, 1, DHCP_REQUEST, POOL,
				   IPV4_ADDR(10, 0, 2, 4), 0, 0),
			12);
	/* RELEASE is ignored: the lease stays with the MAC. */
	nat_from_inside(&nat, f, dhcp_frame(f, 1, DHCP_RELEASE, 0, 0, POOL, 0),
			13);
	assert_int_equal(inside.n, 2);
	assert_int_equal(nat_lease_of(&nat, &m1), POOL);
}

static void test_dhcp_pool_empty(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	struct mac_addr m5 = vm_mac(5), m1 = vm_mac(1);

	for (unsigned vm = 1; vm <= 4; vm++)
		assert_int_equal(dhcp_bind(vm, vm), POOL + vm - 1);
	clear_wires();
	nat_from_inside(&nat, f, dhcp_frame(f, 5, DHCP_DISCOVER, 0, 0, 0, 0),
			100);
	assert_int_equal(inside.n, 0);
	assert_int_equal(dropped(NAT_DROP_POOL_EMPTY), 1);
	/* VM 2..4 renew; VM 1's lease is older than the lease timeout and
	 * goes to VM 5. */
	for (unsigned vm = 2; vm <= 4; vm++)
		dhcp_bind(vm, LEASE_TO + 1);
	assert_int_equal(dhcp_bind(5, LEASE_TO + 2), POOL);
	assert_int_equal(nat_lease_of(&nat, &m5), POOL);
	assert_int_equal(nat_lease_of(&nat, &m1), 0);
}

static void test_dhcp_malformed(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	size_t n;

	/* chaddr not the sender's MAC. */
	n = dhcp_frame(f, 1, DHCP_DISCOVER, 0, 0, 0, 0);
	memcpy(f + 6, vm_mac(9).b, 6);
	nat_from_inside(&nat, f, n, 0);
	/* A bad magic cookie (UDP checksum off: no need to redo it). */
	n = dhcp_frame(f, 1, DHCP_DISCOVER, 0, 0, 0, 0);
	f[ETH_HDR_LEN + 20 + 8 + 236] = 0;
	wr16(f + ETH_HDR_LEN + 20 + 6, 0);
	nat_from_inside(&nat, f, n, 0);
	/* An option running past the end of the message. */
	n = dhcp_frame(f, 1, DHCP_DISCOVER, 0, 0, 0, 0);
	memset(f + ETH_HDR_LEN + 20 + 8 + 240, 0, 60);
	f[n - 2] = 12; /* host name, 200 bytes long */
	f[n - 1] = 200;
	wr16(f + ETH_HDR_LEN + 20 + 6, 0);
	nat_from_inside(&nat, f, n, 0);
	/* A UDP length beyond the packet. */
	n = dhcp_frame(f, 1, DHCP_DISCOVER, 0, 0, 0, 0);
	wr16(f + ETH_HDR_LEN + 20 + 4, 400);
	wr16(f + ETH_HDR_LEN + 20 + 6, 0);
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(inside.n, 0);
	assert_int_equal(dropped(NAT_DROP_DHCP), 4);
}

/* ---- translation ---------------------------------------------------- */

/* VM 1 (10.0.2.15) sends a UDP datagram to REMOTE:53 with the router
 * known; the translated frame on the outside wire. */
static const uint8_t *udp_out(uint16_t sport, uint32_t dst, uint16_t dport,
			      uint64_t now)
{
	uint8_t f[ETH_FRAME_MAX];
	unsigned before = outside.n;

	nat_from_inside(&nat, f,
			udp_frame(f, gw_mac, vm_mac(1), POOL, sport, dst, dport,
				  "query"),
			now);
	assert_int_equal(outside.n, before + 1);
	return outside.f[before];
}

/* The outside sends to the NAT's address and port: what the VMs got
 * (NULL: nothing). */
static const uint8_t *udp_in(uint32_t src, uint16_t sport, uint16_t dport,
			     uint64_t now)
{
	uint8_t f[ETH_FRAME_MAX];
	unsigned before = inside.n;

	nat_from_outside(&nat, f,
			 udp_frame(f, out_mac, router_mac, src, sport, OUT_IP,
				   dport, "answer"),
			 now);
	return inside.n > before ? inside.f[before] : NULL;
}

static void test_udp_out_waits_for_arp(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	size_t n = udp_frame(f, gw_mac, vm_mac(1), POOL, 5000, REMOTE, 53,
			     "query");
	const uint8_t *a, *o;

	nat_from_inside(&nat, f, n, 0);
	nat_from_inside(&nat, f, n, 1);
	/* Not sent yet: one ARP request for the router (not two). */
	assert_int_equal(outside.n, 1);
	a = outside.f[0];
	assert_mac(a, bcast);
	assert_mac(a + 6, out_mac);
	assert_int_equal(rd16(a + 12), ETH_TYPE_ARP);
	assert_int_equal(rd16(a + 14 + 6), ARP_OP_REQUEST);
	assert_mac(a + 14 + 8, out_mac);
	assert_int_equal(rd32(a + 14 + 14), OUT_IP);
	assert_int_equal(rd32(a + 14 + 24), ROUTER);
	assert_int_equal(nat.stats.arp_requests, 1);
	/* The router answers: both frames leave, to its MAC. */
	router_known(2);
	assert_int_equal(outside.n, 3);
	for (unsigned i = 1; i < 3; i++) {
		o = outside.f[i];
		assert_mac(o, router_mac);
		assert_mac(o + 6, out_mac);
		assert_int_equal(rd32(ip_of(o) + 12), OUT_IP);
		assert_int_equal(rd32(ip_of(o) + 16), REMOTE);
		assert_checksums(ip_of(o));
	}
	/* The same flow: the same translation. */
	assert_int_equal(rd16(l4_of(outside.f[1])), rd16(l4_of(outside.f[2])));
	assert_int_equal(nat.stats.out_translated, 2);
	assert_int_equal(nat_conn_count(&nat, 2), 1);
	assert_int_equal(inside.n, 0);
}

static void test_udp_out_and_back(void **state)
{
	const uint8_t *o, *i, *u;
	uint16_t port;

	router_known(0);
	o = udp_out(5000, REMOTE, 53, 1);
	u = l4_of(o);
	port = rd16(u);
	assert_true(port >= PORT_LO && port < PORT_LO + PORTS);
	assert_int_equal(rd16(u + 2), 53);
	assert_int_equal(ip_of(o)[8], 63); /* TTL 64, one hop */
	assert_int_equal(rd32(ip_of(o) + 12), OUT_IP);
	assert_memory_equal(u + 8, "query", 5);
	assert_checksums(ip_of(o));

	i = udp_in(REMOTE, 53, port, 2);
	assert_non_null(i);
	u = l4_of(i);
	assert_mac(i, vm_mac(1));
	assert_mac(i + 6, gw_mac);
	assert_int_equal(rd32(ip_of(i) + 12), REMOTE);
	assert_int_equal(rd32(ip_of(i) + 16), POOL);
	assert_int_equal(rd16(u), 53);
	assert_int_equal(rd16(u + 2), 5000);
	assert_int_equal(ip_of(i)[8], 63);
	assert_memory_equal(u + 8, "answer", 6);
	assert_checksums(ip_of(i));
	assert_int_equal(nat.stats.in_translated, 1);

	/* Only the remote the VM talked to gets in through the hole. */
	assert_null(udp_in(REMOTE, 54, port, 3));
	assert_null(udp_in(REMOTE + 1, 53, port, 3));
	assert_null(udp_in(REMOTE, 53, port + 1, 3));
	assert_int_equal(dropped(NAT_DROP_NO_CONN), 3);
	/* Another source port of the VM: another translation. */
	assert_int_not_equal(rd16(l4_of(udp_out(5001, REMOTE, 53, 4))), port);
	assert_int_equal(nat_conn_count(&nat, 4), 2);
}

static void test_udp_no_checksum_kept(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	size_t n = udp_frame(f, gw_mac, vm_mac(1), POOL, 7, REMOTE, 7, "x");

	router_known(0);
	wr16(f + ETH_HDR_LEN + 20 + 6, 0);
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(outside.n, 1);
	assert_int_equal(rd16(l4_of(outside.f[0]) + 6), 0);
	assert_checksums(ip_of(outside.f[0]));
}

static void test_tcp_out_and_back(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	const uint8_t *o, *i;
	uint16_t port;

	router_known(0);
	nat_from_inside(&nat, f,
			tcp_frame(f, gw_mac, vm_mac(2), POOL + 1, 33000, REMOTE,
				  443, TCP_FLAG_SYN),
			1);
	assert_int_equal(outside.n, 1);
	o = outside.f[0];
	port = rd16(l4_of(o));
	assert_true(port >= PORT_LO && port < PORT_LO + PORTS);
	assert_int_equal(rd32(ip_of(o) + 12), OUT_IP);
	assert_int_equal(rd16(l4_of(o) + 2), 443);
	assert_int_equal(rd32(l4_of(o) + 4), 0x11223344);
	assert_checksums(ip_of(o));

	nat_from_outside(&nat, f,
			 tcp_frame(f, out_mac, router_mac, REMOTE, 443, OUT_IP,
				   port, TCP_FLAG_SYN | 0x10),
			 2);
	assert_int_equal(inside.n, 1);
	i = inside.f[0];
	assert_mac(i, vm_mac(2));
	assert_int_equal(rd32(ip_of(i) + 16), POOL + 1);
	assert_int_equal(rd16(l4_of(i) + 2), 33000);
	assert_int_equal(l4_of(i)[13], TCP_FLAG_SYN | 0x10);
	assert_checksums(ip_of(i));

	/* A SYN from outside to another port is not let in. */
	nat_from_outside(&nat, f,
			 tcp_frame(f, out_mac, router_mac, REMOTE, 443, OUT_IP,
				   port + 1, TCP_FLAG_SYN),
			 3);
	assert_int_equal(inside.n, 1);
	assert_int_equal(dropped(NAT_DROP_NO_CONN), 1);
}

/* A TCP connection forgotten TCP_TO after its last packet, but
 * CLOSE_TO after FIN both ways or a RST. */
static void test_tcp_end(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	uint16_t port;

	router_known(0);
	nat_from_inside(&nat, f,
			tcp_frame(f, gw_mac, vm_mac(1), POOL, 1000, REMOTE, 80,
				  TCP_FLAG_SYN),
			0);
	port = rd16(l4_of(outside.f[0]));
	assert_int_equal(nat_conn_count(&nat, TCP_TO), 1);
	assert_int_equal(nat_conn_count(&nat, TCP_TO + 1), 0);

	nat_from_inside(&nat, f,
			tcp_frame(f, gw_mac, vm_mac(1), POOL, 1000, REMOTE, 80,
				  TCP_FLAG_FIN | 0x10),
			10);
	assert_int_equal(nat_conn_count(&nat, 10 + CLOSE_TO + 1), 1);
	nat_from_outside(&nat, f,
			 tcp_frame(f, out_mac, router_mac, REMOTE, 80, OUT_IP,
				   port, TCP_FLAG_FIN | 0x10),
			 11);
	assert_int_equal(inside.n, 1);
	assert_int_equal(nat_conn_count(&nat, 11 + CLOSE_TO), 1);
	assert_int_equal(nat_conn_count(&nat, 11 + CLOSE_TO + 1), 0);

	/* A new connection, ended by a RST from outside. */
	nat_from_inside(&nat, f,
			tcp_frame(f, gw_mac, vm_mac(1), POOL, 1001, REMOTE, 80,
				  TCP_FLAG_SYN),
			20);
	port = rd16(l4_of(outside.f[2]));
	nat_from_outside(&nat, f,
			 tcp_frame(f, out_mac, router_mac, REMOTE, 80, OUT_IP,
				   port, TCP_FLAG_RST),
			 21);
	assert_int_equal(inside.n, 2);
	assert_int_equal(nat_conn_count(&nat, 21 + CLOSE_TO + 1), 0);
	nat_expire(&nat, 21 + CLOSE_TO + 1);
	assert_int_equal(nat.stats.conns_expired, 2);
}

static void test_icmp_echo_out_and_back(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	const uint8_t *o, *i;
	uint16_t id;

	router_known(0);
	nat_from_inside(&nat, f,
			icmp_frame(f, gw_mac, vm_mac(1), POOL, REMOTE,
				   ICMP_ECHO_REQUEST, 0x77, 1),
			1);
	assert_int_equal(outside.n, 1);
	o = outside.f[0];
	id = rd16(l4_of(o) + 4);
	assert_true(id >= PORT_LO && id < PORT_LO + PORTS);
	assert_int_equal(rd16(l4_of(o) + 6), 1); /* sequence kept */
	assert_int_equal(l4_of(o)[0], ICMP_ECHO_REQUEST);
	assert_int_equal(rd32(ip_of(o) + 12), OUT_IP);
	assert_checksums(ip_of(o));

	nat_from_outside(&nat, f,
			 icmp_frame(f, out_mac, router_mac, REMOTE, OUT_IP,
				    ICMP_ECHO_REPLY, id, 1),
			 2);
	assert_int_equal(inside.n, 1);
	i = inside.f[0];
	assert_mac(i, vm_mac(1));
	assert_int_equal(rd32(ip_of(i) + 16), POOL);
	assert_int_equal(rd16(l4_of(i) + 4), 0x77);
	assert_int_equal(l4_of(i)[0], ICMP_ECHO_REPLY);
	assert_memory_equal(l4_of(i) + 8, "ping data!", 11);
	assert_checksums(ip_of(i));

	/* A reply from another host, or an echo *request* to that id: no. */
	nat_from_outside(&nat, f,
			 icmp_frame(f, out_mac, router_mac, REMOTE + 1, OUT_IP,
				    ICMP_ECHO_REPLY, id, 1),
			 3);
	assert_int_equal(dropped(NAT_DROP_NO_CONN), 1);
	/* Echo expires after ICMP_TO. */
	nat_from_outside(&nat, f,
			 icmp_frame(f, out_mac, router_mac, REMOTE, OUT_IP,
				    ICMP_ECHO_REPLY, id, 2),
			 2 + ICMP_TO + 1);
	assert_int_equal(inside.n, 1);
	assert_int_equal(dropped(NAT_DROP_NO_CONN), 2);
}

/* Pings of the NAT's own addresses are answered, on their side. */
static void test_ping_own_addresses(void **state)
{
	uint8_t f[ETH_FRAME_MAX];

	nat_from_inside(&nat, f,
			icmp_frame(f, gw_mac, vm_mac(1), POOL, GW_IP,
				   ICMP_ECHO_REQUEST, 9, 3),
			0);
	assert_int_equal(inside.n, 1);
	assert_mac(inside.f[0], vm_mac(1));
	assert_int_equal(rd32(ip_of(inside.f[0]) + 12), GW_IP);
	assert_int_equal(rd32(ip_of(inside.f[0]) + 16), POOL);
	assert_int_equal(l4_of(inside.f[0])[0], ICMP_ECHO_REPLY);
	assert_int_equal(rd16(l4_of(inside.f[0]) + 4), 9);
	assert_checksums(ip_of(inside.f[0]));

	nat_from_outside(&nat, f,
			 icmp_frame(f, out_mac, router_mac, REMOTE, OUT_IP,
				    ICMP_ECHO_REQUEST, 9, 3),
			 0);
	assert_int_equal(outside.n, 1);
	assert_mac(outside.f[0], router_mac);
	assert_int_equal(rd32(ip_of(outside.f[0]) + 16), REMOTE);
	assert_checksums(ip_of(outside.f[0]));
	assert_int_equal(nat.stats.echo_replies, 2);
	assert_int_equal(nat_conn_count(&nat, 0), 0);
}

/* An echo whose every byte is zero (identifier, sequence, no data):
 * its checksum is 0xffff, which an incremental update alone would get
 * wrong (0x0000), both for the NAT's own reply and a translated one. */
static void test_icmp_all_zero(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	uint8_t echo[8] = {ICMP_ECHO_REQUEST};
	uint16_t id;

	nat_from_inside(&nat, f,
			ip_frame(f, gw_mac, vm_mac(1), POOL, GW_IP,
				 IPV4_PROTO_ICMP, echo, sizeof(echo)),
			0);
	assert_int_equal(inside.n, 1);
	assert_int_equal(rd16(l4_of(inside.f[0]) + 2), 0xffff);
	assert_checksums(ip_of(inside.f[0]));

	router_known(0);
	nat_from_inside(&nat, f,
			ip_frame(f, gw_mac, vm_mac(1), POOL, REMOTE,
				 IPV4_PROTO_ICMP, echo, sizeof(echo)),
			0);
	assert_int_equal(outside.n, 1);
	id = rd16(l4_of(outside.f[0]) + 4);
	echo[0] = ICMP_ECHO_REPLY;
	wr16(echo + 4, id);
	nat_from_outside(&nat, f,
			 ip_frame(f, out_mac, router_mac, REMOTE, OUT_IP,
				  IPV4_PROTO_ICMP, echo, sizeof(echo)),
			 1);
	assert_int_equal(inside.n, 2);
	assert_int_equal(rd16(l4_of(inside.f[1]) + 4), 0);
	assert_int_equal(rd16(l4_of(inside.f[1]) + 2), 0xffff);
	assert_checksums(ip_of(inside.f[1]));
}

static void test_unsolicited_dropped(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	uint8_t unreach[8 + 28] = {3, 1}; /* host unreachable */

	router_known(0);
	assert_null(udp_in(REMOTE, 53, PORT_LO, 1));
	nat_from_outside(&nat, f,
			 tcp_frame(f, out_mac, router_mac, REMOTE, 80, OUT_IP,
				   22, TCP_FLAG_SYN),
			 1);
	nat_from_outside(&nat, f,
			 icmp_frame(f, out_mac, router_mac, REMOTE, OUT_IP,
				    ICMP_ECHO_REPLY, PORT_LO, 1),
			 1);
	nat_from_outside(&nat, f,
			 ip_frame(f, out_mac, router_mac, REMOTE, OUT_IP,
				  IPV4_PROTO_ICMP, unreach, sizeof(unreach)),
			 1);
	nat_from_outside(&nat, f,
			 ip_frame(f, out_mac, router_mac, REMOTE, OUT_IP, 47,
				  unreach, sizeof(unreach)),
			 1);
	/* For another host's MAC or address: not ours at all. */
	udp_frame(f, router_mac, router_mac, REMOTE, 53, OUT_IP, 1, "x");
	nat_from_outside(&nat, f, 60, 1);
	nat_from_outside(&nat, f,
			 udp_frame(f, out_mac, router_mac, REMOTE, 53,
				   NEIGHBOUR, PORT_LO, "x"),
			 1);
	assert_int_equal(inside.n, 0);
	assert_int_equal(outside.n, 0);
	assert_int_equal(dropped(NAT_DROP_NO_CONN), 3);
	assert_int_equal(dropped(NAT_DROP_PROTO), 2);
	assert_int_equal(nat.stats.ignored, 2);
	assert_int_equal(nat.stats.in_translated, 0);
}

/* A new outside address: old translations and neighbours are gone,
 * new ones use it. */
static void test_set_outside(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	const uint32_t new_ip = IPV4_ADDR(172, 16, 0, 9);
	const uint32_t new_router = IPV4_ADDR(172, 16, 0, 1);
	const char *why = NULL;
	uint16_t port;

	router_known(0);
	port = rd16(l4_of(udp_out(5000, REMOTE, 53, 1)));
	assert_int_equal(nat_set_outside(&nat, GW_IP, MASK24, 0, &why), -1);
	assert_non_null(strstr(why, "overlap"));
	assert_int_equal(
		nat_set_outside(&nat, new_ip, MASK24, new_router, NULL), 0);
	assert_int_equal(nat_conn_count(&nat, 2), 0);
	assert_null(udp_in(REMOTE, 53, port, 2)); /* to the old address */
	clear_wires();
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), POOL, 5000, REMOTE, 53, "q"),
		3);
	/* The old router is forgotten: ARP for the new one, from new_ip. */
	assert_int_equal(outside.n, 1);
	assert_int_equal(rd16(outside.f[0] + 12), ETH_TYPE_ARP);
	assert_int_equal(rd32(outside.f[0] + 14 + 14), new_ip);
	assert_int_equal(rd32(outside.f[0] + 14 + 24), new_router);
}

static void test_udp_expiry(void **state)
{
	uint16_t port;

	router_known(100);
	port = rd16(l4_of(udp_out(5000, REMOTE, 53, 100)));
	/* Each packet, either way, restarts the idle time. */
	assert_non_null(udp_in(REMOTE, 53, port, 100 + UDP_TO));
	assert_non_null(udp_in(REMOTE, 53, port, 100 + 2 * UDP_TO));
	assert_null(udp_in(REMOTE, 53, port, 100 + 3 * UDP_TO + 1));
	assert_int_equal(dropped(NAT_DROP_NO_CONN), 1);
	assert_int_equal(nat_conn_count(&nat, 100 + 3 * UDP_TO + 1), 0);
	nat_expire(&nat, 100 + 3 * UDP_TO + 1);
	assert_int_equal(nat.stats.conns_expired, 1);
}

/* A full table makes room by evicting the entry idle longest. */
static void test_table_full(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	uint16_t first_port, last_port;

	router_known(0);
	first_port = rd16(l4_of(udp_out(1000, REMOTE, 53, 1)));
	for (unsigned i = 1; i < NAT_CONNS_MAX; i++) {
		nat_from_inside(&nat, f,
				udp_frame(f, gw_mac, vm_mac(1), POOL,
					  (uint16_t)(1000 + i), REMOTE, 53,
					  "q"),
				2);
		clear_wires();
	}
	assert_int_equal(nat_conn_count(&nat, 2), NAT_CONNS_MAX);
	assert_int_equal(nat.stats.conns_evicted, 0);
	last_port = rd16(l4_of(udp_out(2000, REMOTE, 53, 3)));
	assert_int_equal(nat.stats.conns_evicted, 1);
	assert_int_equal(nat_conn_count(&nat, 3), NAT_CONNS_MAX);
	assert_null(udp_in(REMOTE, 53, first_port, 4)); /* the oldest */
	assert_non_null(udp_in(REMOTE, 53, last_port, 4));
}

static void test_ports_exhausted(void **state)
{
	struct nat_config c = config();
	uint8_t f[ETH_FRAME_MAX];
	uint16_t a, b;

	c.port_count = 2;
	assert_int_equal(nat_init(&nat, &c, NULL), 0);
	router_known(0);
	a = rd16(l4_of(udp_out(1, REMOTE, 53, 1)));
	b = rd16(l4_of(udp_out(2, REMOTE, 53, 1)));
	assert_int_not_equal(a, b);
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), POOL, 3, REMOTE, 53, "q"), 1);
	assert_int_equal(outside.n, 2);
	assert_int_equal(dropped(NAT_DROP_NO_PORT), 1);
	/* TCP has its own ports; UDP's come back when they expire. */
	nat_from_inside(&nat, f,
			tcp_frame(f, gw_mac, vm_mac(1), POOL, 3, REMOTE, 80,
				  TCP_FLAG_SYN),
			1);
	assert_int_equal(outside.n, 3);
	udp_out(3, REMOTE, 53, 1 + UDP_TO + 1);
}

/* A neighbour that never answers: a few frames wait, then go. */
static void test_arp_queue(void **state)
{
	uint8_t f[ETH_FRAME_MAX];

	for (unsigned i = 0; i < NAT_PENDING_MAX + 2; i++)
		nat_from_inside(&nat, f,
				udp_frame(f, gw_mac, vm_mac(1), POOL,
					  (uint16_t)(100 + i), NEIGHBOUR, 9,
					  "q"),
				0);
	assert_int_equal(outside.n, 1); /* one ARP request, for NEIGHBOUR */
	assert_int_equal(rd32(outside.f[0] + 14 + 24), NEIGHBOUR);
	assert_int_equal(dropped(NAT_DROP_ARP_QUEUE), 2);
	nat_expire(&nat, ARP_RETRY + 1);
	assert_int_equal(dropped(NAT_DROP_ARP_TIMEOUT), NAT_PENDING_MAX);
	/* A late answer sends nothing; the next frame goes at once. */
	nat_from_outside(&nat, f,
			 arp_frame(f, out_mac, ARP_OP_REPLY, router_mac,
				   NEIGHBOUR, out_mac, OUT_IP),
			 ARP_RETRY + 2);
	assert_int_equal(outside.n, 1);
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), POOL, 100, NEIGHBOUR, 9, "q"),
		ARP_RETRY + 3);
	assert_int_equal(outside.n, 2);
	assert_mac(outside.f[1], router_mac);
	/* The cache entry ages out: ask again. */
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), POOL, 100, NEIGHBOUR, 9, "q"),
		ARP_RETRY + 2 + ARP_TO + 1);
	assert_int_equal(outside.n, 3);
	assert_int_equal(rd16(outside.f[2] + 12), ETH_TYPE_ARP);
}

/* What a router must not forward, and what is not for the NAT. */
static void test_bad_packets(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	size_t n;

	router_known(0);
	n = udp_frame(f, gw_mac, vm_mac(1), POOL, 1, REMOTE, 2, "x");
	f[ETH_HDR_LEN + 8] = 1; /* TTL 1 (header checksum redone) */
	wr16(f + ETH_HDR_LEN + 10, 0);
	wr16(f + ETH_HDR_LEN + 10, ref_sum(f + ETH_HDR_LEN, 20, 0));
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(dropped(NAT_DROP_TTL), 1);

	n = udp_frame(f, gw_mac, vm_mac(1), POOL, 1, REMOTE, 2, "x");
	f[ETH_HDR_LEN + 10] ^= 1; /* header checksum */
	nat_from_inside(&nat, f, n, 0);
	f[ETH_HDR_LEN + 10] ^= 1;
	f[ETH_HDR_LEN] = 0x65; /* IPv6's version */
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(dropped(NAT_DROP_BAD_IP), 2);

	n = udp_frame(f, gw_mac, vm_mac(1), POOL, 1, REMOTE, 2, "x");
	wr16(f + ETH_HDR_LEN + 6, IPV4_FLAG_MF);
	wr16(f + ETH_HDR_LEN + 10, 0);
	wr16(f + ETH_HDR_LEN + 10, ref_sum(f + ETH_HDR_LEN, 20, 0));
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(dropped(NAT_DROP_FRAGMENT), 1);

	/* A spoofed source, a destination inside or broadcast. */
	nat_from_inside(&nat, f,
			udp_frame(f, gw_mac, vm_mac(1), IPV4_ADDR(1, 2, 3, 4),
				  1, REMOTE, 2, "x"),
			0);
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), GW_IP, 1, REMOTE, 2, "x"), 0);
	assert_int_equal(dropped(NAT_DROP_BAD_SOURCE), 2);
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), POOL, 1, POOL + 1, 2, "x"), 0);
	nat_from_inside(&nat, f,
			udp_frame(f, gw_mac, vm_mac(1), POOL, 1,
				  IPV4_ADDR(192, 168, 10, 255), 2, "x"),
			0);
	nat_from_inside(&nat, f,
			udp_frame(f, gw_mac, vm_mac(1), POOL, 1,
				  IPV4_ADDR(224, 0, 0, 251), 5353, "x"),
			0);
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), POOL, 1, OUT_IP, 2, "x"), 0);
	assert_int_equal(dropped(NAT_DROP_BAD_DEST), 4);

	/* Another protocol (GRE), an ICMP that is not an echo request. */
	nat_from_inside(&nat, f,
			ip_frame(f, gw_mac, vm_mac(1), POOL, REMOTE, 47,
				 (const uint8_t *)"12345678", 8),
			0);
	nat_from_inside(&nat, f,
			icmp_frame(f, gw_mac, vm_mac(1), POOL, REMOTE,
				   ICMP_ECHO_REPLY, 1, 1),
			0);
	assert_int_equal(dropped(NAT_DROP_PROTO), 2);

	/* IPv6, and a frame from one VM to another. */
	eth(f, gw_mac, vm_mac(1), 0x86dd);
	nat_from_inside(&nat, f, 60, 0);
	assert_int_equal(dropped(NAT_DROP_ETHERTYPE), 1);
	nat_from_inside(
		&nat, f,
		udp_frame(f, vm_mac(2), vm_mac(1), POOL, 1, POOL + 1, 2, "x"),
		0);
	assert_int_equal(nat.stats.ignored, 1);
	assert_int_equal(outside.n, 0);
	assert_int_equal(inside.n, 0);
}

/* A VM cannot use an address leased to another, nor take another
 * VM's flow (and its replies) by claiming its address. */
static void test_spoofing(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	const uint32_t fixed = IPV4_ADDR(10, 0, 2, 100); /* not leased */
	uint16_t p2, p3;

	assert_int_equal(dhcp_bind(1, 0), POOL);
	router_known(0);
	clear_wires();
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(2), POOL, 1, REMOTE, 2, "x"), 1);
	assert_int_equal(dropped(NAT_DROP_BAD_SOURCE), 1);
	assert_int_equal(outside.n, 0);

	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(2), fixed, 1, REMOTE, 2, "x"), 1);
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(3), fixed, 1, REMOTE, 2, "x"), 1);
	assert_int_equal(outside.n, 2);
	p2 = rd16(l4_of(outside.f[0]));
	p3 = rd16(l4_of(outside.f[1]));
	assert_int_not_equal(p2, p3);
	assert_non_null(udp_in(REMOTE, 2, p2, 2));
	assert_mac(inside.f[0], vm_mac(2));
	assert_non_null(udp_in(REMOTE, 2, p3, 2));
	assert_mac(inside.f[1], vm_mac(3));

	/* A group address as a frame's source, from either side. */
	udp_frame(f, out_mac, bcast, REMOTE, 2, OUT_IP, p2, "x");
	nat_from_outside(&nat, f, 60, 3);
	udp_frame(f, gw_mac, bcast, fixed, 1, REMOTE, 2, "x");
	nat_from_inside(&nat, f, 60, 3);
	assert_int_equal(dropped(NAT_DROP_BAD_SOURCE), 3);
	assert_int_equal(inside.n, 2);
	assert_int_equal(outside.n, 2);
}

static void test_no_route(void **state)
{
	struct nat_config c = config();
	uint8_t f[ETH_FRAME_MAX];

	c.out_router = 0;
	assert_int_equal(nat_init(&nat, &c, NULL), 0);
	nat_from_inside(
		&nat, f,
		udp_frame(f, gw_mac, vm_mac(1), POOL, 1, REMOTE, 2, "x"), 0);
	assert_int_equal(dropped(NAT_DROP_NO_ROUTE), 1);
	assert_int_equal(outside.n, 0);
	assert_int_equal(nat_conn_count(&nat, 0), 0);
}

/* Every good frame cut short at every length: dropped and counted,
 * nothing sent, on either side. */
static void feed_truncated(const uint8_t *f, size_t n, bool from_inside)
{
	for (size_t len = 0; len < n; len++) {
		uint64_t before = total_dropped();

		if (from_inside)
			nat_from_inside(&nat, f, len, 0);
		else
			nat_from_outside(&nat, f, len, 0);
		assert_int_equal(total_dropped(), before + 1);
	}
}

static void test_truncated(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	size_t n;

	router_known(0);
	n = arp_frame(f, bcast, ARP_OP_REQUEST, vm_mac(1), POOL,
		      (struct mac_addr){{0}}, GW_IP);
	feed_truncated(f, n, true);
	n = dhcp_frame(f, 1, DHCP_DISCOVER, 0, 0, 0, 0);
	feed_truncated(f, n, true);
	n = udp_frame(f, gw_mac, vm_mac(1), POOL, 1, REMOTE, 2, "xyz");
	feed_truncated(f, n, true);
	n = tcp_frame(f, gw_mac, vm_mac(1), POOL, 1, REMOTE, 2, TCP_FLAG_SYN);
	feed_truncated(f, n, true);
	n = icmp_frame(f, gw_mac, vm_mac(1), POOL, REMOTE, ICMP_ECHO_REQUEST, 1,
		       1);
	feed_truncated(f, n, true);
	n = arp_frame(f, bcast, ARP_OP_REQUEST, router_mac, ROUTER,
		      (struct mac_addr){{0}}, OUT_IP);
	feed_truncated(f, n, false);
	n = udp_frame(f, out_mac, router_mac, REMOTE, 1, OUT_IP, PORT_LO, "x");
	feed_truncated(f, n, false);
	assert_int_equal(inside.n, 0);
	assert_int_equal(outside.n, 0);

	/* Headers that claim more than there is: a UDP header of 4 bytes
	 * (total length says 24), an IHL of 15 words in 20 bytes. */
	n = ip_frame(f, gw_mac, vm_mac(1), POOL, REMOTE, IPV4_PROTO_UDP,
		     (const uint8_t *)"abcd", 4);
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(dropped(NAT_DROP_PROTO), 1);
	f[ETH_HDR_LEN] = 0x4f;
	nat_from_inside(&nat, f, n, 0);
	assert_int_equal(dropped(NAT_DROP_BAD_IP), 1);
	memset(f, 0, sizeof(f));
	nat_from_inside(&nat, f, sizeof(f) + 1, 0);
	assert_int_equal(dropped(NAT_DROP_OVERSIZE), 1);
	assert_int_equal(outside.n, 0);
	assert_string_equal(nat_drop_name(NAT_DROP_NO_CONN), "no-conn");
}

/* The NAT's incremental update agrees with a full recomputation. */
static void test_checksum_update(void **state)
{
	uint8_t buf[64];
	uint32_t seed = 12345;

	for (int round = 0; round < 2000; round++) {
		uint16_t c, old, new;
		unsigned at;

		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = (uint8_t)(seed >> 16);
		}
		if (round % 7 == 0)
			memset(buf, 0xff, 8); /* the sum's corner: -0 */
		wr16(buf, 0);
		wr16(buf, ref_sum(buf, sizeof(buf), 0));
		c = rd16(buf);
		assert_int_equal(inet_csum(buf, sizeof(buf)), 0);
		at = 2 + 2 * (seed % 30);
		old = rd16(buf + at);
		new = (uint16_t)(seed >> 8);
		wr16(buf + at, new);
		wr16(buf, inet_csum_update16(c, old, new));
		assert_int_equal(ref_sum(buf, sizeof(buf), 0), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_config_checked, setup),
		cmocka_unit_test_setup(test_config_timeouts, setup),
		cmocka_unit_test_setup(test_set_outside, setup),
		cmocka_unit_test_setup(test_arp_gateway, setup),
		cmocka_unit_test_setup(test_arp_outside, setup),
		cmocka_unit_test_setup(test_dhcp_handshake, setup),
		cmocka_unit_test_setup(test_dhcp_stable_and_nak, setup),
		cmocka_unit_test_setup(test_dhcp_pool_empty, setup),
		cmocka_unit_test_setup(test_dhcp_malformed, setup),
		cmocka_unit_test_setup(test_udp_out_waits_for_arp, setup),
		cmocka_unit_test_setup(test_udp_out_and_back, setup),
		cmocka_unit_test_setup(test_udp_no_checksum_kept, setup),
		cmocka_unit_test_setup(test_tcp_out_and_back, setup),
		cmocka_unit_test_setup(test_tcp_end, setup),
		cmocka_unit_test_setup(test_icmp_echo_out_and_back, setup),
		cmocka_unit_test_setup(test_ping_own_addresses, setup),
		cmocka_unit_test_setup(test_icmp_all_zero, setup),
		cmocka_unit_test_setup(test_unsolicited_dropped, setup),
		cmocka_unit_test_setup(test_udp_expiry, setup),
		cmocka_unit_test_setup(test_table_full, setup),
		cmocka_unit_test_setup(test_ports_exhausted, setup),
		cmocka_unit_test_setup(test_arp_queue, setup),
		cmocka_unit_test_setup(test_bad_packets, setup),
		cmocka_unit_test_setup(test_spoofing, setup),
		cmocka_unit_test_setup(test_no_route, setup),
		cmocka_unit_test_setup(test_truncated, setup),
		cmocka_unit_test_setup(test_checksum_update, setup),
	};
	return cmocka_run_group_tests_name("nat", tests, NULL, NULL);
}
