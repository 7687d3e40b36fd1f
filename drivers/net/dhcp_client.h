/*
 * drivers/net/dhcp_client.h - a DHCP client for the hypervisor's own
 * address on the outside network (NAT mode, docs/networking.md): it
 * asks for an address on the host NIC (DISCOVER, OFFER, REQUEST, ACK),
 * keeps it (renewing at T1 from the server that gave it, rebinding at
 * T2 from any server) and says when it got one, or lost it.
 * Pure logic: no clock (the caller passes `now`), no allocation, no
 * lock (the caller serialises every dhcp_client_* call on one struct).
 * Frames go out through a callback. On the host in
 * tests/unit/test_dhcp_client.c and tests/fuzz/fuzz_nat.c.
 * RFC 2131 "Dynamic Host Configuration Protocol" ("Client-server
 * interaction - allocating a network address", "DHCP client
 * behavior", the state diagram "State-transition diagram for DHCP
 * clients"), RFC 2132 "DHCP Options and BOOTP Vendor Extensions".
 */
#ifndef DRIVERS_NET_DHCP_CLIENT_H
#define DRIVERS_NET_DHCP_CLIENT_H

#include "drivers/net/vswitch.h"
#include "lib/macaddr.h"

/* A frame to send on the host NIC; the callee copies it. */
typedef void (*dhcp_client_send_fn)(void *ctx, const uint8_t *frame,
				    size_t len);

/* RFC 2131 "State-transition diagram for DHCP clients" (without
 * INIT-REBOOT: the client does not remember a lease across boots). */
enum dhcp_client_state {
	DHCPC_INIT,	  /* nothing sent yet: DISCOVER at the next tick */
	DHCPC_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
	DHCPC_REQUESTING, /* REQUEST for an offer sent, waiting for ACK */
	DHCPC_BOUND,	  /* the lease is ours until T1 */
	DHCPC_RENEWING,	  /* T1 passed: asking the server that gave it */
	DHCPC_REBINDING,  /* T2 passed: asking any server */
};

/* What a frame or a tick changed, for the caller. */
enum dhcp_client_event {
	DHCPC_NOT_MINE,	 /* the frame is no DHCP reply to this client */
	DHCPC_NOTHING,	 /* taken (or a tick), nothing new for the caller */
	DHCPC_BOUND_NEW, /* an ACK: lease holds the (maybe new) address */
	DHCPC_LOST,	 /* a NAK or expiry took the address away */
};

/* Addresses in host byte order (IPV4_ADDR(192, 168, 10, 2)). */
struct dhcp_lease {
	uint32_t ip, mask;
	uint32_t router;	    /* 0: none given (or not on the subnet) */
	uint32_t dns;		    /* the first one given; 0: none */
	uint32_t server;	    /* the server identifier */
	struct mac_addr server_mac; /* where its ACK came from */
	uint32_t lease_secs;	    /* as given */
};

struct dhcp_client_stats {
	uint64_t discovers, requests; /* sent, retransmissions included */
	uint64_t offers, acks, naks;  /* taken */
	uint64_t ignored;	      /* for us, but not now (a late OFFER) */
	uint64_t malformed;	      /* for us, but broken */
};

struct dhcp_client {
	struct mac_addr mac;
	dhcp_client_send_fn send;
	void *ctx;
	uint64_t tick; /* ticks per second of `now` */
	enum dhcp_client_state state;
	uint32_t xid;	      /* of the exchange going on */
	unsigned tries;	      /* sends of the current message */
	uint64_t next_send;   /* when to (re)send */
	uint64_t t1, t2, end; /* of the lease, in ticks of `now` */
	struct dhcp_lease offer, lease;
	uint8_t buf[ETH_FRAME_MAX]; /* a frame being read */
	uint8_t out[ETH_FRAME_MAX]; /* a message being written */
	struct dhcp_client_stats stats;
};

/* The first and longest wait for an answer before sending again, and
 * how many REQUESTs an offer gets before starting over. */
#define DHCPC_RETRY_FIRST_SECS 1
#define DHCPC_RETRY_MAX_SECS   32
#define DHCPC_REQUEST_TRIES    4
/* While renewing or rebinding, at least this long between sends. */
#define DHCPC_RENEW_RETRY_SECS 60

/* A client for the NIC with mac, in state INIT. xid_seed makes its
 * transaction IDs differ from another client's (the caller's TSC). */
void dhcp_client_init(struct dhcp_client *c, const struct mac_addr *mac,
		      dhcp_client_send_fn send, void *ctx,
		      uint64_t ticks_per_sec, uint32_t xid_seed);

/* Send what is due at `now` (a DISCOVER, a retransmission, a renewal)
 * and notice an expired lease (DHCPC_LOST). Call it often: every poll
 * of the NIC. */
enum dhcp_client_event dhcp_client_tick(struct dhcp_client *c, uint64_t now);

/* A frame the NIC received: a DHCP reply to this client is taken (and
 * may bind, renew or lose the lease); anything else is DHCPC_NOT_MINE
 * and for the caller to handle. */
enum dhcp_client_event dhcp_client_input(struct dhcp_client *c,
					 const uint8_t *frame, size_t len,
					 uint64_t now);

/* Whether the client holds a lease (BOUND, RENEWING or REBINDING). */
bool dhcp_client_bound(const struct dhcp_client *c);

/* "bound", "selecting", ...: for messages. */
const char *dhcp_client_state_name(enum dhcp_client_state s);

#endif
