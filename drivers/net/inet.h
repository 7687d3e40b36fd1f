/*
 * drivers/net/inet.h - the wire formats of the Internet protocols the
 * NAT reads and writes (Ethernet types, ARP, IPv4, ICMP, UDP, TCP,
 * DHCP): field offsets, sizes and values, and reading and writing
 * fields in network byte order (big-endian) at any alignment.
 * Definitions only, any context; used by drivers/net/nat*.c and their
 * host tests.
 * RFC 826 "An Ethernet Address Resolution Protocol", RFC 791 "Internet
 * Protocol" ("Internet Header Format"), RFC 792 "Internet Control
 * Message Protocol" ("Echo or Echo Reply Message"), RFC 768 "User
 * Datagram Protocol", RFC 9293 "Transmission Control Protocol" ("Header
 * Format"), RFC 2131 "Dynamic Host Configuration Protocol" ("Format of
 * a DHCP message"), RFC 2132 "DHCP Options and BOOTP Vendor
 * Extensions".
 */
#ifndef DRIVERS_NET_INET_H
#define DRIVERS_NET_INET_H

#include "drivers/net/vswitch.h"

/* IEEE 802.3 "MAC frame format": the EtherType at ETH_TYPE_OFF. */
#define ETH_TYPE_OFF  12
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP  0x0806

/* RFC 826 "Packet format", for Ethernet hardware and IPv4 protocol
 * addresses (28 bytes after the Ethernet header). */
#define ARP_LEN	       28
#define ARP_HTYPE_OFF  0
#define ARP_PTYPE_OFF  2
#define ARP_HLEN_OFF   4
#define ARP_PLEN_OFF   5
#define ARP_OPER_OFF   6
#define ARP_SHA_OFF    8  /* sender hardware address */
#define ARP_SPA_OFF    14 /* sender protocol address */
#define ARP_THA_OFF    18 /* target hardware address */
#define ARP_TPA_OFF    24 /* target protocol address */
#define ARP_HTYPE_ETH  1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

/* RFC 791 "Internet Header Format". */
#define IPV4_HDR_MIN	  20
#define IPV4_VER_IHL_OFF  0 /* version (high nibble), IHL in words */
#define IPV4_TOTLEN_OFF	  2
#define IPV4_ID_OFF	  4
#define IPV4_FRAG_OFF	  6 /* flags (3 bits) and fragment offset */
#define IPV4_TTL_OFF	  8
#define IPV4_PROTO_OFF	  9
#define IPV4_CSUM_OFF	  10
#define IPV4_SRC_OFF	  12
#define IPV4_DST_OFF	  16
#define IPV4_VERSION	  4
#define IPV4_FLAG_DF	  0x4000
#define IPV4_FLAG_MF	  0x2000
#define IPV4_FRAG_MASK	  0x1fff /* fragment offset, in 8-byte units */
#define IPV4_DEFAULT_TTL  64
#define IPV4_BROADCAST	  0xffffffffu
#define IPV4_MULTICAST(a) (((a) >> 28) == 0xe) /* 224.0.0.0/4 */
#define IPV4_PROTO_ICMP	  1
#define IPV4_PROTO_TCP	  6
#define IPV4_PROTO_UDP	  17
#define IPV4_ADDR(a, b, c, d)                            \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	 ((uint32_t)(c) << 8) | (uint32_t)(d))

/* RFC 792 "Echo or Echo Reply Message". */
#define ICMP_ECHO_LEN	  8
#define ICMP_TYPE_OFF	  0
#define ICMP_CODE_OFF	  1
#define ICMP_CSUM_OFF	  2
#define ICMP_ECHO_ID_OFF  4
#define ICMP_ECHO_SEQ_OFF 6
#define ICMP_ECHO_REPLY	  0
#define ICMP_ECHO_REQUEST 8

/* RFC 768 "Format". */
#define UDP_HDR_LEN   8
#define UDP_SPORT_OFF 0
#define UDP_DPORT_OFF 2
#define UDP_LEN_OFF   4
#define UDP_CSUM_OFF  6

/* RFC 9293 "Header Format". */
#define TCP_HDR_MIN   20
#define TCP_SPORT_OFF 0
#define TCP_DPORT_OFF 2
#define TCP_FLAGS_OFF 13
#define TCP_CSUM_OFF  16
#define TCP_FLAG_FIN  0x01
#define TCP_FLAG_SYN  0x02
#define TCP_FLAG_RST  0x04

/* RFC 2131 "Format of a DHCP message" (the BOOTP fixed part, 236
 * bytes, then the magic cookie and the options) and "DHCP client
 * behavior" (ports). */
#define DHCP_SERVER_PORT    67
#define DHCP_CLIENT_PORT    68
#define DHCP_OP_OFF	    0
#define DHCP_HTYPE_OFF	    1
#define DHCP_HLEN_OFF	    2
#define DHCP_XID_OFF	    4
#define DHCP_FLAGS_OFF	    10
#define DHCP_CIADDR_OFF	    12
#define DHCP_YIADDR_OFF	    16
#define DHCP_SIADDR_OFF	    20
#define DHCP_GIADDR_OFF	    24
#define DHCP_CHADDR_OFF	    28
#define DHCP_FIXED_LEN	    236
#define DHCP_COOKIE_OFF	    236
#define DHCP_OPTIONS_OFF    240
#define DHCP_COOKIE	    0x63825363u /* 99.130.83.99 */
#define DHCP_MIN_LEN	    300		/* BOOTP's minimum message, RFC 1542 */
#define DHCP_BOOTREQUEST    1
#define DHCP_BOOTREPLY	    2
#define DHCP_FLAG_BROADCAST 0x8000

/* RFC 2132: option codes and DHCP message types. */
#define DHCP_OPT_PAD	   0
#define DHCP_OPT_NETMASK   1
#define DHCP_OPT_ROUTER	   3
#define DHCP_OPT_DNS	   6
#define DHCP_OPT_REQ_IP	   50
#define DHCP_OPT_LEASE	   51
#define DHCP_OPT_MSG_TYPE  53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_PARAMS	   55 /* parameter request list */
#define DHCP_OPT_T1	   58 /* renewal time */
#define DHCP_OPT_T2	   59 /* rebinding time */
#define DHCP_OPT_END	   255
#define DHCP_DISCOVER	   1
#define DHCP_OFFER	   2
#define DHCP_REQUEST	   3
#define DHCP_DECLINE	   4
#define DHCP_ACK	   5
#define DHCP_NAK	   6
#define DHCP_RELEASE	   7
#define DHCP_INFORM	   8

/* Network byte order, any alignment. */
static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
