/*
 * drivers/net/uplink.h - the switch's port to the outside world: a host
 * NIC (the "wire") joined to the virtual switch in bridged mode. Frames
 * the switch sends to the port (broadcasts, multicasts, unicasts to
 * addresses it has not learned behind a VM) go out on the wire as they
 * are, with the VMs' own source addresses; frames the NIC receives
 * (it listens promiscuously, so frames to every VM's address come in)
 * enter the switch on the port, which learns the outside stations
 * behind it.
 * Pure logic: the NIC is struct uplink_wire (send, poll), so the tests
 * (tests/unit/test_uplink.c) use a fake one and the hypervisor an e1000
 * (vmx/vm_net.c). A NAT would sit here later: its own uplink_wire
 * wrapping the NIC's, rewriting frames both ways.
 * Every call with the switch's lock held (drivers/net/vswitch.h), which
 * also serialises the NIC's driver.
 * IEEE 802.1D "MAC Bridges" ("Bridge operation": a port to a LAN).
 */
#ifndef DRIVERS_NET_UPLINK_H
#define DRIVERS_NET_UPLINK_H

#include "drivers/net/vswitch.h"

/* A frame the wire received: enter it into the switch. */
typedef void (*uplink_rx_fn)(void *ctx, const uint8_t *frame, size_t len);

/* The host NIC, seen from the switch. */
struct uplink_wire {
	/* Queue a frame for sending (copied); false when the NIC cannot
	 * take it now (its transmit ring is full). */
	bool (*send)(void *ctx, const uint8_t *frame, size_t len);
	/* Hand at most budget received frames to rx; how many it took. */
	unsigned (*poll)(void *ctx, unsigned budget, uplink_rx_fn rx,
			 void *rx_ctx);
	void *ctx;
};

struct uplink {
	struct vswitch *sw;
	int port; /* on sw */
	struct uplink_wire wire;
};

/* Join the wire to the switch as a port named name ("uplink e1000
 * 00:03.0"). 0, or -1 when the switch has no free port. */
int uplink_attach(struct uplink *u, struct vswitch *sw, const char *name,
		  const struct uplink_wire *wire);

/* Move up to budget frames from the wire into the switch; how many
 * came in. Called from a poll loop. */
unsigned uplink_poll(struct uplink *u, unsigned budget);

/* The port's counters: rx is what came in from the wire, tx what went
 * out to it (tx_dropped: the NIC's ring was full). */
const struct vswitch_port_stats *uplink_stats(const struct uplink *u);

#endif
