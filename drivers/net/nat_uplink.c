/*
 * drivers/net/nat_uplink.c - NAT mode joined to the switch and a host
 * NIC: the port's queue, the drain, the wire's frames split between
 * the DHCP client and the NAT, and the NAT started (or moved) on each
 * lease.
 * Pure logic, with the switch's lock held (drivers/net/nat_uplink.h):
 * in the hypervisor the port's delivery runs in a VM's exit on any CPU,
 * the poll in the boot CPU's run loop (vmx/vm_net.c); on the host in
 * tests/unit/test_nat_uplink.c.
 * RFC 3022 "Traditional IP Network Address Translator", RFC 2131
 * "Dynamic Host Configuration Protocol".
 */
#include "drivers/net/inet.h"
#include "drivers/net/nat_uplink.h"
#include "lib/string.h"

/* The inside network: QEMU's user networking uses the same numbers,
 * so guides written for it apply. */
#define NAT_GW_IP      IPV4_ADDR(10, 0, 2, 2)
#define NAT_MASK       IPV4_ADDR(255, 255, 255, 0)
#define NAT_POOL_FIRST IPV4_ADDR(10, 0, 2, 15)
#define NAT_POOL_SIZE  16
#define NAT_PORT_FIRST 49152 /* RFC 6335 "Dynamic Ports" */
#define NAT_PORT_COUNT 16384

void nat_uplink_inside_config(struct nat_config *cfg, uint64_t ticks_per_sec)
{
	*cfg = (struct nat_config){
		.gw_mac = {{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}},
		.gw_ip = NAT_GW_IP,
		.inside_mask = NAT_MASK,
		.pool_first = NAT_POOL_FIRST,
		.pool_size = NAT_POOL_SIZE,
		.port_first = NAT_PORT_FIRST,
		.port_count = NAT_PORT_COUNT,
	};
	nat_config_timeouts(cfg, ticks_per_sec);
}

/* ---- the port: the switch delivers, the queue keeps ----------------- */

static bool port_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	struct nat_uplink *nu = ctx;
	struct nat_uplink_slot *s;

	if (nu->q_count == NAT_UPLINK_QUEUE) {
		nu->stats.queue_full++;
		return false; /* the switch counts it on the port too */
	}
	s = &nu->queue[(nu->q_head + nu->q_count++) % NAT_UPLINK_QUEUE];
	memcpy(s->frame, frame, len);
	s->len = len;
	return true;
}

/* Every queued frame into the NAT (its answers go into the switch
 * now: no delivery is going on). */
static void drain(struct nat_uplink *nu)
{
	while (nu->q_count) {
		struct nat_uplink_slot *s = &nu->queue[nu->q_head];

		nu->q_head = (nu->q_head + 1) % NAT_UPLINK_QUEUE;
		nu->q_count--;
		if (nu->running)
			nat_from_inside(&nu->nat, s->frame, s->len, nu->now);
		else
			nu->stats.no_address++;
	}
}

/* ---- the NAT's and the client's frames ------------------------------ */

static void nat_to_inside(void *ctx, const uint8_t *frame, size_t len)
{
	struct nat_uplink *nu = ctx;

	vswitch_send(nu->sw, nu->port, frame, len);
}

static void to_wire(void *ctx, const uint8_t *frame, size_t len)
{
	struct nat_uplink *nu = ctx;

	if (!nu->wire.send(nu->wire.ctx, frame, len))
		nu->stats.wire_full++;
}

int nat_uplink_attach(struct nat_uplink *nu, struct vswitch *sw,
		      const char *name, const struct uplink_wire *wire,
		      const struct nat_config *inside,
		      const struct mac_addr *out_mac, uint64_t ticks_per_sec,
		      uint32_t xid_seed)
{
	memset(nu, 0, sizeof(*nu));
	nu->sw = sw;
	nu->wire = *wire;
	nu->cfg = *inside;
	nu->cfg.out_mac = *out_mac;
	nu->cfg.to_inside = nat_to_inside;
	nu->cfg.to_outside = to_wire;
	nu->cfg.ctx = nu;
	dhcp_client_init(&nu->dhcp, out_mac, to_wire, nu, ticks_per_sec,
			 xid_seed);
	nu->port = vswitch_port_add(sw, name, port_deliver, nu);
	return nu->port == VSWITCH_NO_PORT ? -1 : 0;
}

/* ---- the outside address -------------------------------------------- */

/* A lease: the first starts the NAT; a later one with another address
 * (or after the last was lost) moves it there, keeping its counters
 * (its translations are forgotten); the same address renewed changes
 * nothing. */
static enum nat_uplink_addr take_lease(struct nat_uplink *nu)
{
	const struct dhcp_lease *l = &nu->dhcp.lease;
	const struct nat_config *c = &nu->nat.cfg;
	struct nat_config cfg = nu->cfg;

	if (nu->running && c->out_ip == l->ip && c->out_mask == l->mask &&
	    c->out_router == l->router)
		return NAT_UPLINK_ADDR_SAME;
	if (nu->started) {
		if (nat_set_outside(&nu->nat, l->ip, l->mask, l->router,
				    &nu->why)) {
			nu->running = false;
			return NAT_UPLINK_ADDR_BAD;
		}
		nu->running = true;
		return NAT_UPLINK_ADDR_NEW;
	}
	cfg.out_ip = l->ip;
	cfg.out_mask = l->mask;
	cfg.out_router = l->router;
	cfg.dns = l->dns; /* the VMs ask the outside network's server */
	if (nat_init(&nu->nat, &cfg, &nu->why)) {
		cfg.dns = 0; /* a DNS server inside the pool, ... */
		if (nat_init(&nu->nat, &cfg, &nu->why))
			return NAT_UPLINK_ADDR_BAD;
	}
	nu->started = nu->running = true;
	return NAT_UPLINK_ADDR_NEW;
}

static enum nat_uplink_addr dhcp_event(struct nat_uplink *nu,
				       enum dhcp_client_event e)
{
	switch (e) {
	case DHCPC_BOUND_NEW: return take_lease(nu);
	case DHCPC_LOST: nu->running = false; return NAT_UPLINK_ADDR_LOST;
	default: return NAT_UPLINK_ADDR_SAME;
	}
}

struct poll_ctx {
	struct nat_uplink *nu;
	enum nat_uplink_addr addr;
};

/* Keep the news a caller must hear: a loss or a refusal over "same". */
static void note(struct poll_ctx *p, enum nat_uplink_addr a)
{
	if (a != NAT_UPLINK_ADDR_SAME)
		p->addr = a;
}

static void from_wire(void *ctx, const uint8_t *frame, size_t len)
{
	struct poll_ctx *p = ctx;
	struct nat_uplink *nu = p->nu;
	enum dhcp_client_event e;

	e = dhcp_client_input(&nu->dhcp, frame, len, nu->now);
	if (e != DHCPC_NOT_MINE)
		note(p, dhcp_event(nu, e));
	else if (nu->running)
		nat_from_outside(&nu->nat, frame, len, nu->now);
}

enum nat_uplink_addr nat_uplink_poll(struct nat_uplink *nu, unsigned budget,
				     uint64_t now)
{
	struct poll_ctx p = {nu, NAT_UPLINK_ADDR_SAME};

	nu->now = now;
	note(&p, dhcp_event(nu, dhcp_client_tick(&nu->dhcp, now)));
	nu->wire.poll(nu->wire.ctx, budget, from_wire, &p);
	drain(nu);
	if (nu->running)
		nat_expire(&nu->nat, now);
	return p.addr;
}

const struct vswitch_port_stats *
nat_uplink_port_stats(const struct nat_uplink *nu)
{
	return &nu->sw->ports[nu->port].stats;
}
