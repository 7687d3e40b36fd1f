/*
 * tests/fuzz/fuzz_dhcp_client.c - libFuzzer target for the DHCP client
 * of NAT mode's outside address (drivers/net/dhcp_client.c), built for
 * the host with clang -fsanitize=fuzzer,address,undefined. Its input is
 * what anyone on the outside network may send.
 * The input is a sequence of records: a control byte, a length byte,
 * then that many bytes (fewer at the end). The control byte says
 *   bit 0     a raw frame (1), or a server's reply dressed by the
 *             target (0): good Ethernet, IPv4 and UDP headers from port
 *             67 to 68 with right checksums, the client's xid and MAC,
 *             the magic cookie, then options: a message type chosen by
 *             bits 5-6 (OFFER, ACK, NAK, another), a server identifier,
 *             then the bytes (the first 4 as the offered address);
 *   bits 1-2  how far the clock moves first: 0, 1 s, 1000 s, 20000 s;
 *   bit 7     tick the client after the frame.
 * ASan and UBSan catch any read or write outside a frame; the target
 * checks what must hold whatever comes in:
 *   - every frame sent is a DHCP request from the client's MAC, from
 *     port 68 to 67, with right IPv4 and UDP checksums (this file's own
 *     routine), from 0.0.0.0 or the leased address;
 *   - a bound client's address is a host address of its subnet, its
 *     router (if any) on that subnet, and T1 <= T2 <= the lease's end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/ref_csum.h"
#include "drivers/net/dhcp_client.h"
#include "drivers/net/inet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "fuzz_dhcp_client: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

#define SEC	  1000
#define SERVER_IP IPV4_ADDR(192, 168, 10, 1)
#define MSG_OFF	  (ETH_HDR_LEN + IPV4_HDR_MIN + UDP_HDR_LEN)

static struct dhcp_client c;
static const struct mac_addr our_mac = {{0x52, 0x54, 0, 0x12, 0x34, 0x56}};

static void check_sent(void *ctx, const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + ETH_HDR_LEN, *udp = ip + IPV4_HDR_MIN;
	size_t udp_len;
	uint32_t src;

	CHECK(len >= MSG_OFF + DHCP_MIN_LEN && len <= ETH_FRAME_MAX);
	CHECK(!memcmp(f + ETH_SRC_OFF, our_mac.b, 6));
	CHECK(get_be16(f + ETH_TYPE_OFF) == ETH_TYPE_IPV4);
	CHECK(ref_sum(ip, IPV4_HDR_MIN, 0) == 0);
	CHECK(get_be16(ip + IPV4_TOTLEN_OFF) == len - ETH_HDR_LEN);
	udp_len = get_be16(udp + UDP_LEN_OFF);
	CHECK(udp_len == len - ETH_HDR_LEN - IPV4_HDR_MIN);
	CHECK(ref_sum(udp, udp_len, ref_pseudo(ip, IPV4_PROTO_UDP, udp_len)) ==
	      0);
	CHECK(get_be16(udp + UDP_SPORT_OFF) == DHCP_CLIENT_PORT);
	CHECK(get_be16(udp + UDP_DPORT_OFF) == DHCP_SERVER_PORT);
	CHECK(f[MSG_OFF + DHCP_OP_OFF] == DHCP_BOOTREQUEST);
	CHECK(!memcmp(f + MSG_OFF + DHCP_CHADDR_OFF, our_mac.b, 6));
	src = get_be32(ip + IPV4_SRC_OFF);
	CHECK(src == 0 || (dhcp_client_bound(&c) && src == c.lease.ip));
}

static void check_lease(void)
{
	const struct dhcp_lease *l = &c.lease;
	uint32_t host = l->ip & ~l->mask;

	if (!dhcp_client_bound(&c))
		return;
	CHECK(l->mask != 0 && ((~l->mask) & (~l->mask + 1)) == 0);
	CHECK(host != 0 && host != ~l->mask);
	CHECK(!l->router || (l->router & l->mask) == (l->ip & l->mask));
	CHECK(c.t1 <= c.t2 && c.t2 <= c.end);
}

/* A server's reply to the client's current exchange: options from
 * ctl and p. Its length. */
static size_t dress(uint8_t *f, uint8_t ctl, const uint8_t *p, size_t n)
{
	static const uint8_t types[4] = {DHCP_OFFER, DHCP_ACK, DHCP_NAK,
					 DHCP_REQUEST};
	uint8_t *ip = f + ETH_HDR_LEN, *udp = ip + IPV4_HDR_MIN;
	uint8_t *b = f + MSG_OFF, *o = b + DHCP_OPTIONS_OFF;
	size_t opts = n > 4 ? MIN(n - 4, (size_t)ETH_FRAME_MAX - MSG_OFF -
						 DHCP_OPTIONS_OFF - 9)
			    : 0;
	size_t udp_len = UDP_HDR_LEN + DHCP_OPTIONS_OFF + 9 + opts;

	memset(f, 0, MSG_OFF + DHCP_OPTIONS_OFF);
	memcpy(f + ETH_DST_OFF, our_mac.b, 6);
	memset(f + ETH_SRC_OFF, 0x22, 6);
	put_be16(f + ETH_TYPE_OFF, ETH_TYPE_IPV4);
	b[DHCP_OP_OFF] = DHCP_BOOTREPLY;
	b[DHCP_HTYPE_OFF] = 1;
	b[DHCP_HLEN_OFF] = 6;
	put_be32(b + DHCP_XID_OFF, c.xid);
	if (n >= 4)
		memcpy(b + DHCP_YIADDR_OFF, p, 4);
	memcpy(b + DHCP_CHADDR_OFF, our_mac.b, 6);
	put_be32(b + DHCP_COOKIE_OFF, DHCP_COOKIE);
	o[0] = DHCP_OPT_MSG_TYPE;
	o[1] = 1;
	o[2] = types[(ctl >> 5) & 3];
	o[3] = DHCP_OPT_SERVER_ID;
	o[4] = 4;
	put_be32(o + 5, SERVER_IP);
	memcpy(o + 9, p + 4, opts);
	ip[0] = 0x45;
	put_be16(ip + IPV4_TOTLEN_OFF, (uint16_t)(IPV4_HDR_MIN + udp_len));
	ip[IPV4_TTL_OFF] = 64;
	ip[IPV4_PROTO_OFF] = IPV4_PROTO_UDP;
	put_be32(ip + IPV4_SRC_OFF, SERVER_IP);
	put_be32(ip + IPV4_DST_OFF, IPV4_BROADCAST);
	put_be16(ip + IPV4_CSUM_OFF, ref_sum(ip, IPV4_HDR_MIN, 0));
	put_be16(udp + UDP_SPORT_OFF, DHCP_SERVER_PORT);
	put_be16(udp + UDP_DPORT_OFF, DHCP_CLIENT_PORT);
	put_be16(udp + UDP_LEN_OFF, (uint16_t)udp_len);
	put_be16(
		udp + UDP_CSUM_OFF,
		ref_sum(udp, udp_len, ref_pseudo(ip, IPV4_PROTO_UDP, udp_len)));
	return ETH_HDR_LEN + IPV4_HDR_MIN + udp_len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t steps[4] = {0, SEC, 1000 * SEC, 20000ULL * SEC};
	static uint8_t f[ETH_FRAME_MAX];
	uint64_t now = 0;
	size_t i = 0;

	dhcp_client_init(&c, &our_mac, check_sent, NULL, SEC, 1);
	dhcp_client_tick(&c, now);
	while (i + 2 <= size) {
		uint8_t ctl = data[i], n = data[i + 1];
		const uint8_t *p = data + i + 2;
		size_t len;

		n = (uint8_t)MIN(n, size - i - 2);
		i += 2 + n;
		now += steps[(ctl >> 1) & 3];
		if (ctl & 1) {
			memcpy(f, p, n);
			len = n;
		} else {
			len = dress(f, ctl, p, n);
		}
		dhcp_client_input(&c, f, len, now);
		check_lease();
		if (ctl & 0x80)
			dhcp_client_tick(&c, now);
		check_lease();
	}
	return 0;
}
