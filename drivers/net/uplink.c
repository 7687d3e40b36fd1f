/*
 * drivers/net/uplink.c - the uplink port: the switch's deliveries go to
 * the wire, the wire's frames go into the switch.
 * Pure logic, with the switch's lock held (drivers/net/uplink.h); in
 * the hypervisor the poll runs in the boot CPU's run loop and a send in
 * whichever VM exit switched the frame; on the host in
 * tests/unit/test_uplink.c.
 * IEEE 802.1D "MAC Bridges": "Frame forwarding". Bridged mode adds no
 * rule of its own: the uplink is one more port, so the switch's
 * learning and flooding decide what goes out (docs/networking.md).
 */
#include "drivers/net/uplink.h"

/* The switch delivers to the port: out on the wire. */
static bool uplink_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct uplink *u = ctx;

	return u->wire.send(u->wire.ctx, frame, len);
}

/* The wire received a frame: into the switch, on the uplink's port. */
static void uplink_from_wire(void *ctx, const uint8_t *frame, size_t len)
{
	struct uplink *u = ctx;

	vswitch_send(u->sw, u->port, frame, len);
}

int uplink_attach(struct uplink *u, struct vswitch *sw, const char *name,
		  const struct uplink_wire *wire)
{
	u->sw = sw;
	u->wire = *wire;
	u->port = vswitch_port_add(sw, name, uplink_deliver, u);
	return u->port == VSWITCH_NO_PORT ? -1 : 0;
}

unsigned uplink_poll(struct uplink *u, unsigned budget)
{
	return u->wire.poll(u->wire.ctx, budget, uplink_from_wire, u);
}

const struct vswitch_port_stats *uplink_stats(const struct uplink *u)
{
	return &u->sw->ports[u->port].stats;
}
