/*
 * tests/guests/uplink-ping.c - a guest that reaches the world outside
 * the hypervisor through its virtio-net NIC, the virtual switch and the
 * host's e1000 uplink (bridged): it asks by ARP for the MAC of Bochs's
 * virtual network host "vnet" (192.168.10.1), then sends it three ICMP
 * echo requests and checks each reply (addresses, identifier, sequence,
 * payload, checksums). It only ever talks to 192.168.10.1: that address
 * is fixed here, not taken from the command line. Polling, no
 * interrupts, through the guests' virtio-net driver
 * (tests/guests/lib/virtio/net.c). Runs as a Multiboot2
 * guest with `nic = ...` in its VM's section and `uplink = e1000` in
 * [global] (docs/networking.md; scenario vmx-uplink).
 * RFC 826 "An Ethernet Address Resolution Protocol"; RFC 791 "Internet
 * Protocol" (header, checksum); RFC 792 "Internet Control Message
 * Protocol" (Echo or Echo Reply Message); virtio 1.1 "Network Device".
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

const char guest_name[] = "uplink-ping";

/* Ethernet, ARP, IPv4, ICMP: offsets into a frame */
#define ETH_TYPE      12
#define ETH_HLEN      14
#define ETHERTYPE_IP  0x0800
#define ETHERTYPE_ARP 0x0806
#define ARP_LEN	      28 /* Ethernet/IPv4 ARP packet */
#define ARP_OP	      (ETH_HLEN + 6)
#define ARP_SHA	      (ETH_HLEN + 8)
#define ARP_SPA	      (ETH_HLEN + 14)
#define ARP_THA	      (ETH_HLEN + 18)
#define ARP_TPA	      (ETH_HLEN + 24)
#define ARP_REQUEST   1
#define ARP_REPLY     2
#define IP_HLEN	      20
#define IP_PROTO      (ETH_HLEN + 9)
#define IP_SRC	      (ETH_HLEN + 12)
#define IP_DST	      (ETH_HLEN + 16)
#define IP_TTL	      64
#define IPPROTO_ICMP  1
#define ICMP	      (ETH_HLEN + IP_HLEN)
#define ICMP_HLEN     8
#define ICMP_ECHO     8
#define ICMP_REPLY    0
#define PING_ID	      0x4856 /* "HV" */
#define PAYLOAD_LEN   24
#define PING_LEN      (ICMP + ICMP_HLEN + PAYLOAD_LEN)
#define PINGS	      3

/* Bochs's vnet: its host and the address it expects its guest at
 * (iodev/network/eth_vnet.cc). The only peer this guest talks to. */
static const uint8_t vnet_ip[4] = {192, 168, 10, 1};
static const uint8_t my_ip[4] = {192, 168, 10, 2};

/* Ask again after this many TSC ticks (Bochs: about 0.2 s at its
 * 100 MIPS), give up after TRIES_MAX askings. */
#define RETRY_TICKS 20000000ULL
#define TRIES_MAX   50

static uint8_t vnet_mac[6];
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static unsigned others; /* frames that answer nothing we asked */

/* ---- helpers -------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 791: the ones' complement of the ones' complement sum. Over a
 * block holding its own checksum, a correct one gives 0. */
static uint16_t inet_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, vio_net_mac, 6);
	put16(f + ETH_TYPE, type);
}

/* ---- ARP ------------------------------------------------------------ */

static int send_arp_request(void)
{
	uint8_t *f = vio_net_tx + VIO_NET_HDR;

	eth_header(f, bcast, ETHERTYPE_ARP);
	put16(f + ETH_HLEN, 1);		       /* hardware: Ethernet */
	put16(f + ETH_HLEN + 2, ETHERTYPE_IP); /* protocol: IPv4 */
	f[ETH_HLEN + 4] = 6;
	f[ETH_HLEN + 5] = 4;
	put16(f + ARP_OP, ARP_REQUEST);
	memcpy(f + ARP_SHA, vio_net_mac, 6);
	memcpy(f + ARP_SPA, my_ip, 4);
	memset(f + ARP_THA, 0, 6);
	memcpy(f + ARP_TPA, vnet_ip, 4);
	return vio_net_send(ETH_HLEN + ARP_LEN);
}

static bool is_arp_reply(const uint8_t *f, uint32_t len)
{
	return len >= ETH_HLEN + ARP_LEN &&
	       get16(f + ETH_TYPE) == ETHERTYPE_ARP &&
	       get16(f + ARP_OP) == ARP_REPLY &&
	       !memcmp(f + ARP_SPA, vnet_ip, 4) && !memcmp(f, vio_net_mac, 6) &&
	       !memcmp(f + ARP_THA, vio_net_mac, 6) &&
	       !memcmp(f + ARP_TPA, my_ip, 4);
}

/* ---- ICMP echo ------------------------------------------------------ */

static void ping_payload(uint8_t *p, uint16_t seq)
{
	char text[PAYLOAD_LEN + 1];

	memset(text, 0, sizeof(text));
	fmt_snprintf(text, sizeof(text), "hv uplink ping %u", seq);
	memcpy(p, text, PAYLOAD_LEN);
}

static int send_echo(uint16_t seq)
{
	uint8_t *f = vio_net_tx + VIO_NET_HDR;
	uint8_t *ip = f + ETH_HLEN, *icmp = f + ICMP;

	eth_header(f, vnet_mac, ETHERTYPE_IP);
	memset(ip, 0, IP_HLEN);
	ip[0] = 0x45; /* version 4, 5 words of header */
	put16(ip + 2, IP_HLEN + ICMP_HLEN + PAYLOAD_LEN);
	put16(ip + 4, seq); /* identification */
	ip[8] = IP_TTL;
	ip[9] = IPPROTO_ICMP;
	memcpy(ip + 12, my_ip, 4);
	memcpy(ip + 16, vnet_ip, 4);
	put16(ip + 10, inet_checksum(ip, IP_HLEN));
	memset(icmp, 0, ICMP_HLEN);
	icmp[0] = ICMP_ECHO;
	put16(icmp + 4, PING_ID);
	put16(icmp + 6, seq);
	ping_payload(icmp + ICMP_HLEN, seq);
	put16(icmp + 2, inet_checksum(icmp, ICMP_HLEN + PAYLOAD_LEN));
	return vio_net_send(PING_LEN);
}

/* The echo reply to seq: from vnet's MAC and address to ours, both
 * checksums right, our identifier, sequence and payload back. */
static bool is_echo_reply(const uint8_t *f, uint32_t len, uint16_t seq)
{
	const uint8_t *ip = f + ETH_HLEN, *icmp = f + ICMP;
	uint8_t payload[PAYLOAD_LEN];

	if (len < PING_LEN || get16(f + ETH_TYPE) != ETHERTYPE_IP ||
	    memcmp(f, vio_net_mac, 6) || memcmp(f + 6, vnet_mac, 6) ||
	    ip[0] != 0x45 || f[IP_PROTO] != IPPROTO_ICMP ||
	    memcmp(f + IP_SRC, vnet_ip, 4) || memcmp(f + IP_DST, my_ip, 4) ||
	    get16(ip + 2) != IP_HLEN + ICMP_HLEN + PAYLOAD_LEN)
		return false;
	if (inet_checksum(ip, IP_HLEN) ||
	    inet_checksum(icmp, ICMP_HLEN + PAYLOAD_LEN))
		return false;
	ping_payload(payload, seq);
	return icmp[0] == ICMP_REPLY && get16(icmp + 4) == PING_ID &&
	       get16(icmp + 6) == seq &&
	       !memcmp(icmp + ICMP_HLEN, payload, PAYLOAD_LEN);
}

/* ---- the exchange --------------------------------------------------- */

typedef bool (*answer_fn)(const uint8_t *f, uint32_t len, uint16_t seq);

static bool arp_answer(const uint8_t *f, uint32_t len, uint16_t seq)
{
	if (!is_arp_reply(f, len))
		return false;
	memcpy(vnet_mac, f + ARP_SHA, 6);
	return true;
}

/* Frames that arrived: true once one is the answer; others counted. */
static bool poll_for(answer_fn answer, uint16_t seq, uint32_t *got_len)
{
	uint32_t id, len;
	bool found = false;

	while (!found && vio_queue_take(&vio_net_q[VIO_NET_RXQ], &id, &len)) {
		if (id < VIO_QSIZE && len > VIO_NET_HDR) {
			found = answer(vio_net_rx[id] + VIO_NET_HDR,
				       len - VIO_NET_HDR, seq);
			if (found)
				*got_len = len - VIO_NET_HDR;
			else
				others++;
		}
		vio_net_post_rx((uint16_t)(id % VIO_QSIZE));
	}
	return found;
}

/* Send with ask until answer says yes; the tries it took, 0 if none. */
static unsigned ask(int (*send)(uint16_t), answer_fn answer, uint16_t seq,
		    uint32_t *got_len)
{
	for (unsigned t = 1; t <= TRIES_MAX; t++) {
		uint64_t until = rdtsc() + RETRY_TICKS;

		if (send(seq))
			return 0;
		while (rdtsc() < until)
			if (poll_for(answer, seq, got_len))
				return t;
	}
	return 0;
}

static int arp_send(uint16_t seq)
{
	return send_arp_request();
}

int main(uint32_t magic, uint32_t info)
{
	char m[18];
	uint32_t len = 0;
	unsigned tries, replies = 0;

	if (vio_net_init(NULL)) {
		gprintf("uplink-ping: device setup failed\n");
		return 1;
	}
	vio_mac_str(vio_net_mac, m);
	gprintf("uplink-ping: MAC %s, asking who has 192.168.10.1\n", m);
	tries = ask(arp_send, arp_answer, 0, &len);
	if (!tries) {
		gprintf("uplink-ping: FAILED: no ARP reply from "
			"192.168.10.1\n");
		return 1;
	}
	vio_mac_str(vnet_mac, m);
	gprintf("uplink-ping: 192.168.10.1 is at %s\n", m);
	for (uint16_t seq = 1; seq <= PINGS; seq++) {
		if (!ask(send_echo, is_echo_reply, seq, &len)) {
			gprintf("uplink-ping: FAILED: no echo reply %u\n", seq);
			continue;
		}
		gprintf("uplink-ping: echo reply %u from 192.168.10.1: %u "
			"bytes, payload intact\n",
			seq, len);
		replies++;
	}
	gprintf("uplink-ping: %u of %u echo requests answered\n", replies,
		PINGS);
	return replies == PINGS ? 0 : 1;
}
