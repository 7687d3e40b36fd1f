/*
 * tests/fuzz/fuzz_nat.c - libFuzzer target for NAT mode
 * (drivers/net/nat*.c, ipv4.c, inet_csum.c), built for the host with
 * clang -fsanitize=fuzzer,address,undefined.
 * The input is a sequence of records, each a frame from the VMs' side
 * or from the outside: a control byte, a length byte, then that many
 * bytes (fewer at the end of the input). The control byte says
 *   bit 0     the side it comes from (0 inside, 1 outside);
 *   bits 1-2  what the bytes are: 0 a raw frame; 1 an IPv4 packet's
 *             payload, dressed by the target in a good Ethernet and
 *             IPv4 header (addresses and protocol chosen by the first
 *             payload bytes from a table of interesting ones) with
 *             right checksums; 2 the last frame the NAT sent outside,
 *             turned round as a reply (addresses and ports swapped,
 *             an echo request made a reply), then the bytes written
 *             over it from an offset; 3 a DHCP message (BOOTP fixed part
 *             from the bytes, then the bytes as options) from a VM;
 *   bits 3-4  how far the clock moves first: 0, 1, 10 or 1000 ticks;
 *   bit 5     spoil the transport checksum after dressing;
 *   bit 6     first the outside router answers the NAT's ARP request.
 * A DHCP message (3) starts its options with a message type, a
 * requested address and maybe our server identifier chosen by its
 * first byte, so the server's replies are reached, not only its
 * checks.
 * ASan and UBSan catch any read or write outside a frame; the target
 * checks what must hold whatever comes in:
 *   - every frame sent is 14 to 1514 bytes, with the NAT's own MAC of
 *     that side as its source, and one input sends at most
 *     NAT_PENDING_MAX + 1 frames;
 *   - every IPv4 packet sent has a right header checksum, and when the
 *     input was an IPv4 packet with a right transport checksum (or
 *     none), so has every packet it makes the NAT send (checked with
 *     this file's own routine; frames released by an ARP answer came
 *     from earlier inputs and are not judged by it);
 *   - an IPv4 packet sent outside comes from the outside address, and
 *     a translated TCP/UDP port or echo identifier is in the range;
 *   - an IPv4 packet sent inside comes from the gateway or from
 *     outside the inside subnet, and goes to a VM address or broadcast;
 *   - the live translations never exceed the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/ref_csum.h"
#include "drivers/net/nat.h"
#include "drivers/net/inet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_nat: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                          \
			abort();                                           \
		}                                                          \
	} while (0)

#define GW_IP	IPV4_ADDR(10, 0, 2, 2)
#define MASK24	IPV4_ADDR(255, 255, 255, 0)
#define POOL	IPV4_ADDR(10, 0, 2, 15)
#define OUT_IP	IPV4_ADDR(192, 168, 10, 2)
#define ROUTER	IPV4_ADDR(192, 168, 10, 1)
#define PORT_LO 40000
#define PORTS	4

static struct nat nat;
static unsigned sent;	 /* frames sent for the current input */
static bool l4_was_good; /* the current input's transport checksum */
static uint8_t last_out[ETH_FRAME_MAX];
static size_t last_out_len;

static const struct mac_addr gw_mac = {{0x52, 0x55, 0x0a, 0, 2, 2}};
static const struct mac_addr out_mac = {{0x02, 0, 0, 0, 0, 0x01}};
static const struct mac_addr peers[4] = {
	{{0x52, 0x54, 0, 0, 0, 1}},
	{{0x52, 0x54, 0, 0, 0, 2}},
	{{0x02, 0, 0, 0, 0, 0xfe}},
	{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
};
static const uint32_t addrs[8] = {
	POOL,	POOL + 1, GW_IP,	  IPV4_ADDR(8, 8, 8, 8),
	OUT_IP, ROUTER,	  IPV4_BROADCAST, IPV4_ADDR(192, 168, 10, 7),
};
static const uint8_t protos[4] = {IPV4_PROTO_UDP, IPV4_PROTO_TCP,
				  IPV4_PROTO_ICMP, 47};

/* The transport checksum offset of proto, or -1: none checked. */
static int csum_off(uint8_t proto, size_t l4_len)
{
	if (proto == IPV4_PROTO_TCP && l4_len >= TCP_HDR_MIN)
		return TCP_CSUM_OFF;
	if (proto == IPV4_PROTO_UDP && l4_len >= UDP_HDR_LEN)
		return UDP_CSUM_OFF;
	if (proto == IPV4_PROTO_ICMP && l4_len >= 4)
		return ICMP_CSUM_OFF;
	return -1;
}

/* Whether an IPv4 packet's transport checksum is right (or absent). */
static bool l4_good(const uint8_t *ip, size_t hl, size_t tot)
{
	uint8_t proto = ip[IPV4_PROTO_OFF];
	const uint8_t *l4 = ip + hl;
	size_t len = tot - hl;
	int off = csum_off(proto, len);

	if (off < 0)
		return true;
	if (proto == IPV4_PROTO_ICMP)
		return ref_sum(l4, len, 0) == 0;
	if (proto == IPV4_PROTO_UDP && get_be16(l4 + off) == 0)
		return true;
	return ref_sum(l4, len, ref_pseudo(ip, proto, len)) == 0;
}

/* Set the header and transport checksums of the IPv4 packet at ip. */
static void fix_sums(uint8_t *ip)
{
	size_t hl = (ip[0] & 0xf) * 4, tot = get_be16(ip + IPV4_TOTLEN_OFF);
	uint8_t proto = ip[IPV4_PROTO_OFF];
	int off = csum_off(proto, tot - hl);
	uint8_t *l4 = ip + hl;

	put_be16(ip + IPV4_CSUM_OFF, 0);
	put_be16(ip + IPV4_CSUM_OFF, ref_sum(ip, hl, 0));
	if (off < 0)
		return;
	put_be16(l4 + off, 0);
	put_be16(l4 + off, proto == IPV4_PROTO_ICMP
				   ? ref_sum(l4, tot - hl, 0)
				   : ref_sum(l4, tot - hl,
					     ref_pseudo(ip, proto, tot - hl)));
}

/* ---- what the NAT sends --------------------------------------------- */

static void check_ip_out(const uint8_t *ip, size_t len, bool outside)
{
	size_t hl = (ip[0] & 0xf) * 4, tot;
	uint32_t src, dst;
	const uint8_t *l4;

	CHECK(len >= IPV4_HDR_MIN && ip[0] >> 4 == 4 && hl >= IPV4_HDR_MIN);
	tot = get_be16(ip + IPV4_TOTLEN_OFF);
	CHECK(tot >= hl && tot <= len);
	CHECK(ref_sum(ip, hl, 0) == 0);
	if (l4_was_good)
		CHECK(l4_good(ip, hl, tot));
	src = get_be32(ip + IPV4_SRC_OFF);
	dst = get_be32(ip + IPV4_DST_OFF);
	l4 = ip + hl;
	if (outside) {
		CHECK(src == OUT_IP);
		if (ip[IPV4_PROTO_OFF] == IPV4_PROTO_ICMP &&
		    l4[ICMP_TYPE_OFF] == ICMP_ECHO_REQUEST)
			CHECK(get_be16(l4 + ICMP_ECHO_ID_OFF) - PORT_LO <
			      PORTS);
		if (ip[IPV4_PROTO_OFF] == IPV4_PROTO_TCP ||
		    ip[IPV4_PROTO_OFF] == IPV4_PROTO_UDP)
			CHECK(get_be16(l4) - PORT_LO < PORTS);
	} else {
		CHECK(src == GW_IP || (src & MASK24) != (GW_IP & MASK24));
		CHECK(dst == IPV4_BROADCAST ||
		      ((dst & MASK24) == (GW_IP & MASK24) && dst != GW_IP));
	}
}

static void check_frame(const uint8_t *f, size_t len, bool outside)
{
	const struct mac_addr *ours = outside ? &out_mac : &gw_mac;

	CHECK(len >= ETH_HDR_LEN && len <= ETH_FRAME_MAX);
	CHECK(memcmp(f + ETH_SRC_OFF, ours->b, MAC_ADDR_LEN) == 0);
	CHECK(++sent <= NAT_PENDING_MAX + 1);
	if (get_be16(f + ETH_TYPE_OFF) == ETH_TYPE_IPV4)
		check_ip_out(f + ETH_HDR_LEN, len - ETH_HDR_LEN, outside);
	else
		CHECK(get_be16(f + ETH_TYPE_OFF) == ETH_TYPE_ARP &&
		      len == ETH_HDR_LEN + ARP_LEN);
}

static void to_inside(void *ctx, const uint8_t *f, size_t len)
{
	check_frame(f, len, false);
}

static void to_outside(void *ctx, const uint8_t *f, size_t len)
{
	check_frame(f, len, true);
	if (get_be16(f + ETH_TYPE_OFF) == ETH_TYPE_IPV4) {
		memcpy(last_out, f, len);
		last_out_len = len;
	}
}

/* ---- building inputs ------------------------------------------------ */

static size_t eth_header(uint8_t *f, bool outside, uint8_t pick, uint16_t type)
{
	memcpy(f + ETH_DST_OFF, (outside ? &out_mac : &gw_mac)->b, 6);
	memcpy(f + ETH_SRC_OFF, peers[pick % 3].b, 6);
	if (pick & 0x80) /* sometimes broadcast */
		memcpy(f + ETH_DST_OFF, peers[3].b, 6);
	put_be16(f + ETH_TYPE_OFF, type);
	return ETH_HDR_LEN;
}

/* An IPv4 frame around payload p (its first two bytes pick addresses
 * and protocol). */
static size_t dress_ip(uint8_t *f, bool outside, const uint8_t *p, size_t n)
{
	uint8_t a = n > 0 ? p[0] : 0, b = n > 1 ? p[1] : 0;
	uint8_t *ip = f + eth_header(f, outside, b, ETH_TYPE_IPV4);

	p += MIN(n, 2);
	n -= MIN(n, 2);
	memset(ip, 0, IPV4_HDR_MIN);
	ip[0] = 0x45;
	put_be16(ip + IPV4_TOTLEN_OFF, (uint16_t)(IPV4_HDR_MIN + n));
	ip[IPV4_TTL_OFF] = (b & 0x40) ? 1 : 64;
	ip[IPV4_PROTO_OFF] = protos[(a >> 6) & 3];
	put_be32(ip + IPV4_SRC_OFF, addrs[a & 7]);
	put_be32(ip + IPV4_DST_OFF, addrs[(a >> 3) & 7]);
	memcpy(ip + IPV4_HDR_MIN, p, n);
	fix_sums(ip);
	return ETH_HDR_LEN + IPV4_HDR_MIN + n;
}

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t[6];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

/* The last frame sent outside, as its remote's reply, then p over it
 * from offset p[0]. */
static size_t reflect(uint8_t *f, const uint8_t *p, size_t n)
{
	uint8_t *ip = f + ETH_HDR_LEN, *l4;
	size_t len = last_out_len, at;

	if (!len)
		return 0;
	memcpy(f, last_out, len);
	swap(f + ETH_DST_OFF, f + ETH_SRC_OFF, 6);
	swap(ip + IPV4_SRC_OFF, ip + IPV4_DST_OFF, 4);
	l4 = ip + (ip[0] & 0xf) * 4;
	if (ip[IPV4_PROTO_OFF] == IPV4_PROTO_ICMP)
		l4[ICMP_TYPE_OFF] = ICMP_ECHO_REPLY;
	else
		swap(l4, l4 + 2, 2);
	fix_sums(ip);
	if (n > 1) {
		at = p[0] % len;
		memcpy(f + at, p + 1, MIN(n - 1, len - at));
	}
	return len;
}

/* Options a client sends, chosen by c: message type, requested
 * address, maybe our server identifier. Their length. */
static size_t dhcp_lead(uint8_t *o, uint8_t c)
{
	o[0] = DHCP_OPT_MSG_TYPE;
	o[1] = 1;
	o[2] = (uint8_t)(c % 8 + 1);
	o[3] = DHCP_OPT_REQ_IP;
	o[4] = 4;
	put_be32(o + 5, POOL + ((c >> 3) & 1));
	if (!(c & 0x40))
		return 9;
	o[9] = DHCP_OPT_SERVER_ID;
	o[10] = 4;
	put_be32(o + 11, GW_IP);
	return 15;
}

/* A DHCP client message from a VM: the fixed part from p, the magic
 * cookie, options from p[0], then the rest of p as more options. */
static size_t dress_dhcp(uint8_t *f, const uint8_t *p, size_t n)
{
	uint8_t *ip = f + eth_header(f, false, n ? p[0] & 1 : 0, ETH_TYPE_IPV4);
	uint8_t *udp = ip + IPV4_HDR_MIN, *b = udp + UDP_HDR_LEN;
	size_t fixed = MIN(n, 44), opts = n - fixed;
	size_t lead = dhcp_lead(b + DHCP_OPTIONS_OFF, n ? p[0] : 0);
	size_t blen = DHCP_OPTIONS_OFF + lead + opts;

	memset(b, 0, DHCP_OPTIONS_OFF);
	memcpy(b, p, fixed);
	b[DHCP_OP_OFF] = DHCP_BOOTREQUEST;
	b[DHCP_HTYPE_OFF] = 1;
	b[DHCP_HLEN_OFF] = 6;
	memcpy(b + DHCP_CHADDR_OFF, f + ETH_SRC_OFF, 6);
	put_be32(b + DHCP_COOKIE_OFF, DHCP_COOKIE);
	memcpy(b + DHCP_OPTIONS_OFF + lead, p + fixed, opts);
	put_be16(udp + UDP_SPORT_OFF, DHCP_CLIENT_PORT);
	put_be16(udp + UDP_DPORT_OFF, DHCP_SERVER_PORT);
	put_be16(udp + UDP_LEN_OFF, (uint16_t)(UDP_HDR_LEN + blen));
	memset(ip, 0, IPV4_HDR_MIN);
	ip[0] = 0x45;
	put_be16(ip + IPV4_TOTLEN_OFF,
		 (uint16_t)(IPV4_HDR_MIN + UDP_HDR_LEN + blen));
	ip[IPV4_TTL_OFF] = 64;
	ip[IPV4_PROTO_OFF] = IPV4_PROTO_UDP;
	put_be32(ip + IPV4_DST_OFF, IPV4_BROADCAST);
	fix_sums(ip);
	return ETH_HDR_LEN + IPV4_HDR_MIN + UDP_HDR_LEN + blen;
}

/* Whether frame f's transport checksum is right, for the check on
 * what the NAT makes of it. */
static bool input_l4_good(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + ETH_HDR_LEN;
	size_t hl, tot;

	if (len < ETH_HDR_LEN + IPV4_HDR_MIN ||
	    get_be16(f + ETH_TYPE_OFF) != ETH_TYPE_IPV4)
		return false; /* not a packet: frames it sends are older */
	hl = (ip[0] & 0xf) * 4;
	tot = get_be16(ip + IPV4_TOTLEN_OFF);
	if (hl < IPV4_HDR_MIN || tot < hl || tot > len - ETH_HDR_LEN)
		return true; /* the NAT must drop it */
	return l4_good(ip, hl, tot);
}

/* The router's ARP reply to the NAT. */
static void router_answers(uint8_t *f, uint64_t now)
{
	uint8_t *a = f + eth_header(f, true, 2, ETH_TYPE_ARP);

	put_be16(a + ARP_HTYPE_OFF, ARP_HTYPE_ETH);
	put_be16(a + ARP_PTYPE_OFF, ETH_TYPE_IPV4);
	a[ARP_HLEN_OFF] = 6;
	a[ARP_PLEN_OFF] = 4;
	put_be16(a + ARP_OPER_OFF, ARP_OP_REPLY);
	memcpy(a + ARP_SHA_OFF, peers[2].b, 6);
	put_be32(a + ARP_SPA_OFF, ROUTER);
	memcpy(a + ARP_THA_OFF, out_mac.b, 6);
	put_be32(a + ARP_TPA_OFF, OUT_IP);
	l4_was_good = false; /* what it releases came in earlier */
	sent = 0;
	nat_from_outside(&nat, f, ETH_HDR_LEN + ARP_LEN, now);
}

static void setup(void)
{
	const struct nat_config cfg = {
		.gw_mac = gw_mac,
		.gw_ip = GW_IP,
		.inside_mask = MASK24,
		.pool_first = POOL,
		.pool_size = 2,
		.dns = IPV4_ADDR(192, 168, 10, 3),
		.lease_secs = 3600,
		.lease_timeout = 500,
		.out_mac = out_mac,
		.out_ip = OUT_IP,
		.out_mask = MASK24,
		.out_router = ROUTER,
		.port_first = PORT_LO,
		.port_count = PORTS,
		.udp_timeout = 30,
		.tcp_timeout = 100,
		.tcp_closing_timeout = 10,
		.icmp_timeout = 5,
		.arp_timeout = 60,
		.arp_retry = 3,
		.to_inside = to_inside,
		.to_outside = to_outside,
	};
	const char *why;

	CHECK(nat_init(&nat, &cfg, &why) == 0);
	last_out_len = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t steps[4] = {0, 1, 10, 1000};
	static uint8_t f[ETH_FRAME_MAX + 64];
	uint64_t now = 0;
	size_t i = 0;

	setup();
	while (i + 2 <= size) {
		uint8_t ctl = data[i], n = data[i + 1];
		const uint8_t *p = data + i + 2;
		bool outside = ctl & 1;
		size_t len;

		n = (uint8_t)MIN(n, size - i - 2);
		i += 2 + n;
		now += steps[(ctl >> 3) & 3];
		if (ctl & 0x40)
			router_answers(f, now);
		switch ((ctl >> 1) & 3) {
		case 0: memcpy(f, p, n), len = n; break;
		case 1: len = dress_ip(f, outside, p, n); break;
		case 2: len = reflect(f, p, n), outside = true; break;
		default: len = dress_dhcp(f, p, n), outside = false; break;
		}
		if ((ctl & 0x20) && len > ETH_HDR_LEN + IPV4_HDR_MIN + 8)
			f[ETH_HDR_LEN + IPV4_HDR_MIN + 7] ^= 0x5a;
		l4_was_good = input_l4_good(f, len);
		sent = 0;
		if (outside)
			nat_from_outside(&nat, f, len, now);
		else
			nat_from_inside(&nat, f, len, now);
		CHECK(nat_conn_count(&nat, now) <= NAT_CONNS_MAX);
	}
	return 0;
}
