/*
 * drivers/net/nat_uplink.h - NAT mode's place in the VMs' network: a
 * port of the virtual switch whose far side is the NAT
 * (drivers/net/nat.h), whose outside is a host NIC (struct
 * uplink_wire, as in bridged mode), and whose outside address comes
 * from a DHCP client on that NIC (drivers/net/dhcp_client.h).
 *
 *   VM --switch--> [port: queue] --drain--> nat_from_inside --> wire
 *   VM <--switch-- vswitch_send <-- nat_from_outside <-- poll of wire
 *
 * The switch delivers a VM's frame to the port in that VM's exit, on
 * any CPU, while it is busy delivering: the NAT's answer (an ARP
 * reply, a DHCP offer) would re-enter the switch there. So the port
 * only copies the frame into a queue; nat_uplink_poll later drains the
 * queue into the NAT, and the NAT's frames for the VMs enter the switch
 * from there, outside any delivery. Until the DHCP client holds a
 * lease the NAT has no outside address: the VMs' frames are dropped
 * (counted in no_address).
 * Pure logic; every call with the switch's lock held (it serialises
 * the NAT, the client and the NIC's driver too). On the host in
 * tests/unit/test_nat_uplink.c. docs/networking.md, "NAT mode".
 * RFC 3022 "Traditional IP Network Address Translator", RFC 2131.
 */
#ifndef DRIVERS_NET_NAT_UPLINK_H
#define DRIVERS_NET_NAT_UPLINK_H

#include "drivers/net/dhcp_client.h"
#include "drivers/net/nat.h"
#include "drivers/net/uplink.h"

#define NAT_UPLINK_QUEUE 32 /* VMs' frames waiting for the next poll */

/* What a poll did to the outside address, for the caller's log. */
enum nat_uplink_addr {
	NAT_UPLINK_ADDR_SAME, /* no news */
	NAT_UPLINK_ADDR_NEW,  /* a lease: the NAT runs with it (it may be
				 the one it had, renewed) */
	NAT_UPLINK_ADDR_LOST, /* the lease is gone: the NAT stops */
	NAT_UPLINK_ADDR_BAD,  /* a lease the NAT cannot use (why says) */
};

struct nat_uplink_stats {
	uint64_t queue_full; /* a VM's frame found the queue full */
	uint64_t no_address; /* a VM's frame before the NAT had an address */
	uint64_t wire_full;  /* the NIC's transmit ring refused a frame */
};

struct nat_uplink_slot {
	size_t len;
	uint8_t frame[ETH_FRAME_MAX];
};

struct nat_uplink {
	struct vswitch *sw;
	int port; /* on sw */
	struct uplink_wire wire;
	struct nat_config cfg; /* inside and timeouts; outside from DHCP */
	bool started;	       /* nat was initialised (a first lease) */
	bool running;	       /* nat holds a lease's address */
	struct nat nat;
	struct dhcp_client dhcp;
	const char *why; /* why the last lease was refused */
	uint64_t now;	 /* of the poll going on */
	unsigned q_head, q_count;
	struct nat_uplink_slot queue[NAT_UPLINK_QUEUE];
	struct nat_uplink_stats stats;
};

/*
 * The inside every NAT-mode hypervisor uses: gateway 10.0.2.2/24 with
 * MAC 52:55:0a:00:02:02, DHCP pool 10.0.2.15 to 10.0.2.30, ports 49152
 * to 65535, and the RFCs' timeouts in ticks_per_sec.
 */
void nat_uplink_inside_config(struct nat_config *cfg, uint64_t ticks_per_sec);

/*
 * Join the wire to the switch as the NAT's port named name. inside
 * comes from nat_uplink_inside_config (or a test's own); out_mac is the
 * NIC's own MAC, which the NAT and the DHCP client use on the wire;
 * `now` of the polls counts ticks_per_sec a second. 0, or -1 when the switch has no free port.
 */
int nat_uplink_attach(struct nat_uplink *nu, struct vswitch *sw,
		      const char *name, const struct uplink_wire *wire,
		      const struct nat_config *inside,
		      const struct mac_addr *out_mac, uint64_t ticks_per_sec,
		      uint32_t xid_seed);

/*
 * Run the NAT at `now`: the DHCP client's timers, up to budget frames
 * from the wire (DHCP replies to the client, the rest to the NAT), then
 * every VM frame queued since the last poll. Says what happened to the
 * outside address.
 */
enum nat_uplink_addr nat_uplink_poll(struct nat_uplink *nu, unsigned budget,
				     uint64_t now);

/* The port's counters, seen from the switch (drivers/net/uplink.h). */
const struct vswitch_port_stats *
nat_uplink_port_stats(const struct nat_uplink *nu);

#endif
