/*
 * drivers/net/nat.h - NAT mode: a router with address and port
 * translation between the VMs' virtual switch (the "inside", where it
 * is the VMs' gateway with its own MAC and IP, answers ARP and hands
 * out addresses by DHCP) and the hypervisor's one address on a real
 * network (the "outside", one MAC and one IP). Outgoing TCP and UDP
 * connections and ICMP echo take the outside address and a port (echo
 * identifier) of the NAT's range; only replies to them come back in.
 * Pure logic: no clock (the caller passes `now`), no allocation (fixed
 * tables), no locks (the caller serialises every nat_* call on one
 * struct nat). Frames go out through two callbacks. On the host in
 * tests/unit/test_nat.c and tests/fuzz/fuzz_nat.c; docs/networking.md,
 * "NAT mode".
 * RFC 3022 "Traditional IP Network Address Translator (Traditional
 * NAT)" (NAPT), RFC 4787 "NAT Behavioral Requirements for Unicast UDP",
 * RFC 5382 "NAT Behavioral Requirements for TCP", RFC 5508 "NAT
 * Behavioral Requirements for ICMP", RFC 826 (ARP), RFC 2131 (DHCP).
 */
#ifndef DRIVERS_NET_NAT_H
#define DRIVERS_NET_NAT_H

#include "drivers/net/vswitch.h"
#include "lib/macaddr.h"

#define NAT_CONNS_MAX	256 /* translated flows at once */
#define NAT_LEASES_MAX	32  /* DHCP pool addresses (VMS_MAX is 16) */
#define NAT_ARP_MAX	8   /* outside neighbours remembered */
#define NAT_PENDING_MAX 4   /* frames waiting for an outside ARP reply */

/*
 * Send a frame to one side: to_inside hands it to the switch port of
 * the NAT, to_outside to the host NIC. The callee copies the frame
 * before returning (the NAT reuses its buffer) and must not call into
 * the NAT.
 */
typedef void (*nat_send_fn)(void *ctx, const uint8_t *frame, size_t len);

/* Addresses are IPv4 in host byte order: IPV4_ADDR(10, 0, 2, 2). Times
 * are in ticks of the caller's `now` (any unit, never going back). */
struct nat_config {
	/* Inside: the gateway the VMs see, and their DHCP pool. */
	struct mac_addr gw_mac;
	uint32_t gw_ip;		/* 10.0.2.2 */
	uint32_t inside_mask;	/* 255.255.255.0 */
	uint32_t pool_first;	/* 10.0.2.15: the first address leased */
	unsigned pool_size;	/* 1 .. NAT_LEASES_MAX addresses */
	uint32_t dns;		/* told to clients; 0: none */
	uint32_t lease_secs;	/* the lease time told to clients */
	uint64_t lease_timeout; /* a lease not renewed this long may go to
				   another MAC when the pool is empty */
	/* Outside: the hypervisor's address. */
	struct mac_addr out_mac;
	uint32_t out_ip;
	uint32_t out_mask;
	uint32_t out_router; /* next hop off the outside subnet; 0: none */
	uint16_t port_first; /* translated ports (and echo identifiers) */
	uint16_t port_count; /* port_first .. port_first + count - 1 */
	/* Idle time after which a translation is forgotten. */
	uint64_t udp_timeout;
	uint64_t tcp_timeout;	      /* established */
	uint64_t tcp_closing_timeout; /* after RST, or FIN both ways */
	uint64_t icmp_timeout;
	uint64_t arp_timeout; /* an outside ARP entry lives this long */
	uint64_t arp_retry;   /* a queued frame waits this long for ARP */
	nat_send_fn to_inside, to_outside;
	void *ctx;
};

/* Why a frame was dropped: the index into nat_stats.dropped. */
enum nat_drop {
	NAT_DROP_RUNT,	      /* shorter than its headers say */
	NAT_DROP_OVERSIZE,    /* longer than 1514 bytes */
	NAT_DROP_ETHERTYPE,   /* neither IPv4 nor ARP */
	NAT_DROP_BAD_IP,      /* bad version, length or checksum */
	NAT_DROP_FRAGMENT,    /* IPv4 fragments are not reassembled */
	NAT_DROP_TTL,	      /* TTL would reach 0 */
	NAT_DROP_PROTO,	      /* not TCP, UDP or ICMP echo */
	NAT_DROP_BAD_SOURCE,  /* inside source not a VM address */
	NAT_DROP_BAD_DEST,    /* broadcast, multicast, inside, ourselves */
	NAT_DROP_NO_ROUTE,    /* off the outside subnet, no router */
	NAT_DROP_NO_CONN,     /* inbound, no translation for it */
	NAT_DROP_NO_PORT,     /* every port of the range in use */
	NAT_DROP_ARP_QUEUE,   /* no room to wait for ARP */
	NAT_DROP_ARP_TIMEOUT, /* the next hop never answered ARP */
	NAT_DROP_DHCP,	      /* a malformed or foreign DHCP message */
	NAT_DROP_POOL_EMPTY,  /* no address left for a new MAC */
	NAT_DROP_COUNT
};

struct nat_stats {
	uint64_t out_translated; /* inside to outside */
	uint64_t in_translated;	 /* outside back to a VM */
	uint64_t ignored;	 /* not for the NAT (another VM's frame) */
	uint64_t arp_replies;	 /* answers to ARP requests, both sides */
	uint64_t arp_requests;	 /* asked on the outside */
	uint64_t echo_replies;	 /* pings of the NAT's own addresses */
	uint64_t dhcp_offers, dhcp_acks, dhcp_naks;
	uint64_t conns_created, conns_expired, conns_evicted;
	uint64_t dropped[NAT_DROP_COUNT];
};

/* A translation: (proto, inside ip and port, remote ip and port) goes
 * out as (out_ip, nat_port). ICMP echo uses the identifier as its
 * inside port and nat_port, and remote_port 0. */
struct nat_conn {
	bool used;
	bool closing;	  /* TCP: RST seen, or FIN in both directions */
	uint8_t proto;	  /* IPV4_PROTO_TCP, _UDP, _ICMP */
	uint8_t fin_seen; /* TCP: bit 0 FIN out, bit 1 FIN in */
	struct mac_addr inside_mac;
	uint32_t inside_ip, remote_ip;
	uint16_t inside_port, remote_port, nat_port;
	uint64_t seen; /* last packet, either way */
};

/* Pool address pool_first + i is leases[i]: the same MAC keeps it. */
struct nat_lease {
	bool used;
	struct mac_addr mac;
	uint64_t seen; /* last DISCOVER or REQUEST */
};

struct nat_arp_entry {
	bool used;
	uint32_t ip;
	struct mac_addr mac;
	uint64_t seen;
};

/* A translated frame waiting for its next hop's MAC. */
struct nat_pending {
	bool used;
	uint32_t next_hop;
	uint64_t queued;
	size_t len;
	uint8_t frame[ETH_FRAME_MAX];
};

struct nat {
	struct nat_config cfg;
	uint32_t port_cursor; /* where the next port search starts */
	struct nat_conn conns[NAT_CONNS_MAX];
	struct nat_lease leases[NAT_LEASES_MAX];
	struct nat_arp_entry arp[NAT_ARP_MAX];
	struct nat_pending pending[NAT_PENDING_MAX];
	uint8_t buf[ETH_FRAME_MAX];   /* the frame being translated */
	uint8_t reply[ETH_FRAME_MAX]; /* an ARP, DHCP or echo answer */
	struct nat_stats stats;
};

/*
 * Start with empty tables. 0, or -1 with *why saying what is wrong in
 * cfg ("the DHCP pool is not inside the gateway's subnet", ...).
 */
int nat_init(struct nat *nat, const struct nat_config *cfg, const char **why);

/*
 * The timeouts the RFCs ask of a NAT, in ticks of ticks_per_sec: UDP
 * 2 min (RFC 4787, REQ-5), established TCP 2 h 4 min and closing TCP
 * 4 min (RFC 5382, REQ-5), ICMP query 60 s (RFC 5508, REQ-1); ARP
 * entries 60 s and 1 s of waiting for an answer; leases of one day.
 */
void nat_config_timeouts(struct nat_config *cfg, uint64_t ticks_per_sec);

/*
 * The outside address changed (a DHCP client on the host NIC got a new
 * lease): every translation, outside neighbour and waiting frame is
 * forgotten. 0, or -1 with *why when the address does not fit the rest
 * of the configuration (nothing changes then).
 */
int nat_set_outside(struct nat *nat, uint32_t ip, uint32_t mask,
		    uint32_t router, const char **why);

/* A frame from the switch (a VM sent it, or the switch flooded it to
 * the NAT's port). */
void nat_from_inside(struct nat *nat, const uint8_t *frame, size_t len,
		     uint64_t now);

/* A frame the host NIC received. */
void nat_from_outside(struct nat *nat, const uint8_t *frame, size_t len,
		      uint64_t now);

/* Forget idle translations and unanswered queued frames now (they are
 * also reclaimed lazily when their slot is needed). */
void nat_expire(struct nat *nat, uint64_t now);

/* Translations alive at `now`. */
unsigned nat_conn_count(const struct nat *nat, uint64_t now);

/* The address leased to mac, or 0 when it has none. */
uint32_t nat_lease_of(const struct nat *nat, const struct mac_addr *mac);

/* "fragment", "no-conn", ...: a drop reason for messages. */
const char *nat_drop_name(enum nat_drop why);

#endif
