/*
 * drivers/net/vswitch.c - the virtual switch: size checks, learning,
 * forwarding and flooding.
 * Pure logic; in the hypervisor it runs in the VM exit of a NIC's
 * transmit notify, on that VM's CPU, with sw->lock held (see
 * drivers/net/vswitch.h); on the host in tests/unit/test_vswitch.c.
 * IEEE 802.1D "MAC Bridges": "Frame forwarding", "The Filtering
 * Database" (learning), "Ageing".
 *
 * The filtering database is a small array searched linearly: with at
 * most VSWITCH_MACS_MAX entries that costs less than one VM exit, and a
 * reader sees the whole algorithm. An entry older than age_limit counts
 * as absent (a station that moved or left stops attracting frames);
 * when the table is full, the entry seen longest ago makes room.
 */
#include "drivers/net/vswitch.h"
#include "lib/string.h"

void vswitch_init(struct vswitch *sw, const struct vswitch_clock *clock,
		  uint64_t age_limit)
{
	memset(sw, 0, sizeof(*sw));
	sw->lock = (struct spinlock)SPINLOCK_INIT;
	sw->clock = *clock;
	sw->age_limit = age_limit;
}

static uint64_t now(struct vswitch *sw)
{
	return sw->clock.now(sw->clock.ctx);
}

static bool port_valid(const struct vswitch *sw, int port)
{
	return port >= 0 && port < VSWITCH_PORTS_MAX && sw->ports[port].used;
}

int vswitch_port_add(struct vswitch *sw, const char *name,
		     vswitch_deliver_fn deliver, void *ctx)
{
	for (int i = 0; i < VSWITCH_PORTS_MAX; i++) {
		struct vswitch_port *p = &sw->ports[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		str_copy(p->name, name, sizeof(p->name));
		p->deliver = deliver;
		p->ctx = ctx;
		return i;
	}
	return VSWITCH_NO_PORT;
}

void vswitch_port_remove(struct vswitch *sw, int port)
{
	if (!port_valid(sw, port))
		return;
	sw->ports[port].used = false;
	for (unsigned i = 0; i < VSWITCH_MACS_MAX; i++)
		if (sw->macs[i].used && sw->macs[i].port == port)
			sw->macs[i].used = false;
}

/* ---- the filtering database ----------------------------------------- */

static bool mac_alive(const struct vswitch *sw, const struct vswitch_mac *e,
		      uint64_t t)
{
	return e->used && t - e->seen <= sw->age_limit;
}

static struct vswitch_mac *mac_find(struct vswitch *sw,
				    const struct mac_addr *addr, uint64_t t)
{
	for (unsigned i = 0; i < VSWITCH_MACS_MAX; i++) {
		struct vswitch_mac *e = &sw->macs[i];

		if (mac_alive(sw, e, t) && mac_equal(&e->addr, addr))
			return e;
	}
	return NULL;
}

/* A free or aged slot, else the one seen longest ago (evicted). */
static struct vswitch_mac *mac_slot(struct vswitch *sw, uint64_t t)
{
	struct vswitch_mac *oldest = &sw->macs[0];

	for (unsigned i = 0; i < VSWITCH_MACS_MAX; i++) {
		struct vswitch_mac *e = &sw->macs[i];

		if (!mac_alive(sw, e, t))
			return e;
		if (e->seen < oldest->seen)
			oldest = e;
	}
	sw->stats.evicted++;
	return oldest;
}

static void mac_learn(struct vswitch *sw, const struct mac_addr *src, int port,
		      uint64_t t)
{
	struct vswitch_mac *e = mac_find(sw, src, t);

	if (e) {
		if (e->port != port)
			sw->stats.moved++;
	} else {
		e = mac_slot(sw, t);
		e->used = true;
		e->addr = *src;
		sw->stats.learned++;
	}
	e->port = port;
	e->seen = t;
}

int vswitch_lookup(struct vswitch *sw, const struct mac_addr *addr)
{
	struct vswitch_mac *e = mac_find(sw, addr, now(sw));

	return e ? e->port : VSWITCH_NO_PORT;
}

/* ---- forwarding ----------------------------------------------------- */

static unsigned deliver(struct vswitch *sw, int port, const uint8_t *frame,
			size_t len)
{
	struct vswitch_port *p = &sw->ports[port];

	if (!p->deliver(p->ctx, frame, len)) {
		p->stats.tx_dropped++;
		return 0;
	}
	p->stats.tx_packets++;
	p->stats.tx_bytes += len;
	return 1;
}

static unsigned flood(struct vswitch *sw, int from, const uint8_t *frame,
		      size_t len)
{
	unsigned taken = 0;

	sw->stats.flooded++;
	for (int i = 0; i < VSWITCH_PORTS_MAX; i++)
		if (i != from && sw->ports[i].used)
			taken += deliver(sw, i, frame, len);
	return taken;
}

/* The frame is well formed enough to switch: a header, at most a full
 * payload, a unicast source. */
static bool frame_ok(const uint8_t *frame, size_t len, struct mac_addr *dst,
		     struct mac_addr *src)
{
	if (len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
		return false;
	memcpy(dst->b, frame + ETH_DST_OFF, MAC_ADDR_LEN);
	memcpy(src->b, frame + ETH_SRC_OFF, MAC_ADDR_LEN);
	return !mac_is_multicast(src);
}

unsigned vswitch_send(struct vswitch *sw, int port, const uint8_t *frame,
		      size_t len)
{
	struct vswitch_port *in;
	struct mac_addr dst, src;
	struct vswitch_mac *e;
	uint64_t t;

	if (!port_valid(sw, port))
		return 0;
	in = &sw->ports[port];
	if (!frame_ok(frame, len, &dst, &src)) {
		in->stats.rx_dropped++;
		return 0;
	}
	in->stats.rx_packets++;
	in->stats.rx_bytes += len;
	t = now(sw);
	mac_learn(sw, &src, port, t);
	if (mac_is_multicast(&dst))
		return flood(sw, port, frame, len);
	e = mac_find(sw, &dst, t);
	if (!e)
		return flood(sw, port, frame, len);
	if (e->port == port) {
		sw->stats.filtered++;
		return 0;
	}
	return deliver(sw, e->port, frame, len);
}
