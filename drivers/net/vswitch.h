/*
 * drivers/net/vswitch.h - a virtual Ethernet switch joining the NICs of
 * the VMs and an uplink to a host NIC (drivers/net/uplink.h): it
 * learns which port each source MAC address sits behind, forwards a
 * unicast frame to the port that
 * learned its destination, and floods broadcast, multicast and unknown
 * unicast frames to every other port. A frame never goes back out of
 * the port it came in on.
 * Pure logic, no allocation. In the hypervisor one switch is shared by
 * all VMs, whose vCPUs run on different CPUs: `lock` guards the switch
 * and every device attached to it (a virtio-net device takes it around
 * each access to its registers, see drivers/virt/virtio_net.c), and
 * every vswitch_* call below except vswitch_init is made with it held.
 * On the host in tests/unit/test_vswitch.c.
 * IEEE 802.1D "MAC Bridges" ("Frame forwarding", "The Filtering
 * Database", "Ageing"), IEEE 802.3 "MAC frame format" (sizes).
 */
#ifndef DRIVERS_NET_VSWITCH_H
#define DRIVERS_NET_VSWITCH_H

#include "lib/macaddr.h"
#include "lib/spinlock.h"

/* IEEE 802.3 "MAC frame format", without preamble and FCS (a virtual
 * NIC neither sends nor receives them). A frame shorter than the header
 * is a runt; one longer than header + 1500-byte payload is oversize.
 * Frames shorter than the 60 bytes of the wire minimum are accepted:
 * virtual NICs do not pad (an ARP request is 42 bytes). */
#define ETH_HDR_LEN	  14 /* destination, source, EtherType */
#define ETH_DST_OFF	  0
#define ETH_SRC_OFF	  6
#define ETH_MTU		  1500
#define ETH_FRAME_MIN	  ETH_HDR_LEN
#define ETH_FRAME_MAX	  (ETH_HDR_LEN + ETH_MTU) /* 1514 */
#define VSWITCH_PORTS_MAX 32  /* VMS_MAX (16) NICs, an uplink, room */
#define VSWITCH_MACS_MAX  256 /* learned addresses kept at once */
#define VSWITCH_NO_PORT	  (-1)

/*
 * Hand a frame to a port's owner (a NIC's receive path). It must copy
 * the frame before returning and must not call into the switch. True
 * when it took the frame; false when it could not (its receive ring is
 * full or not set up): the switch counts a drop on that port.
 */
typedef bool (*vswitch_deliver_fn)(void *ctx, const uint8_t *frame, size_t len);

/* The time the switch ages its table by, in any unit the caller likes
 * (the hypervisor: microseconds); must not go backwards. */
struct vswitch_clock {
	uint64_t (*now)(void *ctx);
	void *ctx;
};

/* Counters of one port, seen from the switch: rx is what came in from
 * the port (what its VM sent), tx what went out to it. */
struct vswitch_port_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_dropped; /* runt, oversize, multicast source */
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_dropped; /* the port refused: its ring was full */
};

struct vswitch_port {
	bool used;
	char name[32]; /* for messages: "vm web" */
	vswitch_deliver_fn deliver;
	void *ctx;
	struct vswitch_port_stats stats;
};

/* An entry of the filtering database: src was last seen on port at
 * `seen`. */
struct vswitch_mac {
	bool used;
	struct mac_addr addr;
	int port;
	uint64_t seen;
};

struct vswitch_stats {
	uint64_t flooded;  /* frames sent to every other port */
	uint64_t filtered; /* unicast to a station on its own port */
	uint64_t learned;  /* new table entries */
	uint64_t evicted;  /* oldest entries dropped for new ones */
	uint64_t moved;	   /* a known address seen on another port */
};

struct vswitch {
	struct spinlock lock;
	struct vswitch_clock clock;
	uint64_t age_limit; /* entries older than this are forgotten */
	struct vswitch_port ports[VSWITCH_PORTS_MAX];
	struct vswitch_mac macs[VSWITCH_MACS_MAX];
	struct vswitch_stats stats;
};

/* An empty switch forgetting addresses not seen for age_limit units of
 * clock (802.1D's default ageing time is 300 s). */
void vswitch_init(struct vswitch *sw, const struct vswitch_clock *clock,
		  uint64_t age_limit);

/* A new port: its number, or VSWITCH_NO_PORT when all are taken. */
int vswitch_port_add(struct vswitch *sw, const char *name,
		     vswitch_deliver_fn deliver, void *ctx);

/* The port leaves (its addresses are forgotten); the number may be
 * given to a new port. */
void vswitch_port_remove(struct vswitch *sw, int port);

/*
 * A frame came in on port: check its size, learn its source, forward
 * it. Returns the number of ports that took it (0 for a dropped,
 * filtered or undeliverable frame).
 */
unsigned vswitch_send(struct vswitch *sw, int port, const uint8_t *frame,
		      size_t len);

/* The port that learned addr (and has not aged out), or
 * VSWITCH_NO_PORT. */
int vswitch_lookup(struct vswitch *sw, const struct mac_addr *addr);

#endif
