/*
 * vmx/vm_net.c - joining each VM's virtio-net device to the
 * hypervisor's virtual switch.
 * vm_add_nic runs on the boot CPU while VMs are built, one after the
 * other (so the switch is set up there, on first use, without a
 * race); the devices then run in VM exits on any CPU, serialised by
 * the switch's lock (drivers/virt/virtio_net.h). The uplink (a host
 * e1000, drivers/net/uplink.h) joins on the boot CPU before the VMs are
 * built; vm_net_poll runs in the boot CPU's run loop, and a VM's frame
 * goes out on it in that VM's exit, both under the same lock, which so
 * also serialises the e1000 driver. docs/networking.md.
 */
#define LOG_PREFIX ""
#include "drivers/net/nat_uplink.h"
#include "drivers/net/uplink.h"
#include "drivers/virt/pc_platform.h"
#include "kernel/delay.h"
#include "kernel/wallclock.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vm_net.h"

/* The one switch all NICs join; vm_switch.lock guards it and them. */
static struct vswitch vm_switch;
static bool vm_switch_ready;
/* The way out, when hv.cfg has `uplink` (vm_uplink_nic set): bridged
 * (vm_uplink) or NAT (vm_nat, when vm_uplink_nat). */
static struct uplink vm_uplink;
static struct nat_uplink vm_nat;
static bool vm_uplink_nat;
static struct e1000 *vm_uplink_nic;
static char vm_uplink_name[48];

static uint64_t vm_net_clock_ns(void *ctx)
{
	UNUSED(ctx);
	return wallclock_uptime_ns();
}

static void vm_net_switch_init(void)
{
	static const struct vswitch_clock clock = {vm_net_clock_ns, NULL};

	if (vm_switch_ready)
		return;
	vswitch_init(&vm_switch, &clock, VM_NET_AGE_NS);
	vm_switch_ready = true;
}

/* The NIC's interrupt line, ISA IRQ 11: a level that follows its
 * InterruptStatus. Called with the switch's lock held, maybe on another
 * VM's CPU; vm_set_irq takes only the VM's intc_lock. */
static void vm_nic_irq(void *ctx, bool level)
{
	vm_set_irq(ctx, PC_IRQ_VIRTIO_NET, level);
}

static void *vm_net_ram_map(void *ctx, gpa_t gpa, uint64_t len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
}

int vm_add_nic(struct vm *vm, const struct vm_config *cfg, char *err, size_t n)
{
	struct mmio_device window;
	char name[64], mac[MAC_STR_SIZE];

	if (!cfg->nic)
		return 0;
	if (vm->ram_size > VIRTIO_MMIO_BASE) {
		fmt_snprintf(err, n,
			     "its RAM would cover the device windows at "
			     "0x%lx: a VM with a NIC has at most %lu MiB",
			     (unsigned long)VIRTIO_MMIO_BASE,
			     (unsigned long)(VIRTIO_MMIO_BASE / MIB));
		return -1;
	}
	vm_net_switch_init();
	vm->ram_access = (struct guest_ram){vm_net_ram_map, vm};
	fmt_snprintf(name, sizeof(name), "vm %s: virtio-net at 0x%lx", vm->name,
		     (unsigned long)VM_NIC_WINDOW);
	if (virtio_net_init(&vm->nic, &vm_switch, &cfg->nic_mac, name,
			    VM_NIC_WINDOW, &vm->ram_access)) {
		fmt_snprintf(err, n, "the virtual switch has no free port");
		return -1;
	}
	window = virtio_net_device(&vm->nic);
	if (mmiobus_add(&vm->mmio, &window)) {
		virtio_net_remove(&vm->nic);
		fmt_snprintf(err, n, "no room on its MMIO bus for the NIC");
		return -1;
	}
	virtio_net_set_irq(&vm->nic, vm_nic_irq, vm);
	vm->has_nic = true;
	mac_format(&cfg->nic_mac, mac, sizeof(mac));
	pr_info("vm %s: nic %s as virtio-net at 0x%lx IRQ %u, port %d of the "
		"switch",
		vm->name, mac, (unsigned long)VM_NIC_WINDOW, PC_IRQ_VIRTIO_NET,
		vm->nic.port);
	return 0;
}

void vm_net_reset(struct vm *vm)
{
	if (vm->has_nic)
		virtio_net_reset(&vm->nic);
}

void vm_net_print_usage(const struct vm *vm)
{
	const struct virtio_net_stats *s = &vm->nic.stats;

	if (!vm->has_nic)
		return;
	pr_info("vm %s: nic sent %lu frames (%lu bytes), received %lu "
		"(%lu bytes); dropped %lu with no receive buffer, %lu too "
		"big for one, %lu before the driver was ready",
		vm->name, (unsigned long)s->tx_frames,
		(unsigned long)s->tx_bytes, (unsigned long)s->rx_frames,
		(unsigned long)s->rx_bytes, (unsigned long)s->rx_no_buffer,
		(unsigned long)s->rx_too_small, (unsigned long)s->rx_not_ready);
}

/* ---- the uplink ------------------------------------------------------ */

static bool uplink_send(void *ctx, const uint8_t *frame, size_t len)
{
	return e1000_transmit(ctx, frame, len);
}

/* The uplink's receive callback and the e1000's have the same shape;
 * the e1000 is polled with the uplink's function and context. */
struct uplink_rx {
	uplink_rx_fn fn;
	void *ctx;
};

static void uplink_rx_one(void *ctx, const uint8_t *frame, size_t len)
{
	struct uplink_rx *rx = ctx;

	rx->fn(rx->ctx, frame, len);
}

static unsigned uplink_receive(void *ctx, unsigned budget, uplink_rx_fn fn,
			       void *fn_ctx)
{
	struct uplink_rx rx = {fn, fn_ctx};

	return e1000_receive(ctx, budget, uplink_rx_one, &rx);
}

static void uplink_announce(const char *mode)
{
	char mac[MAC_STR_SIZE];

	mac_format(&vm_uplink_nic->mac, mac, sizeof(mac));
	pr_info("%s: MAC %s, link %s; port %d of the switch, %s",
		vm_uplink_name, mac,
		e1000_link_up(vm_uplink_nic) ? "up" : "down",
		vm_uplink_nat ? vm_nat.port : vm_uplink.port, mode);
}

/* "192.168.10.2" */
static const char *ip_str(uint32_t ip, char buf[16])
{
	fmt_snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		     (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

/* What a poll did to NAT mode's outside address, in the log (with the
 * switch's lock released). */
static void nat_report(enum nat_uplink_addr what)
{
	const struct dhcp_lease *l = &vm_nat.dhcp.lease;
	char ip[16], server[16], mask[16], router[16];

	switch (what) {
	case NAT_UPLINK_ADDR_NEW:
		pr_info("uplink: NAT address %s from DHCP server %s; netmask "
			"%s, router %s, lease %u s",
			ip_str(l->ip, ip), ip_str(l->server, server),
			ip_str(l->mask, mask),
			l->router ? ip_str(l->router, router) : "none",
			l->lease_secs);
		break;
	case NAT_UPLINK_ADDR_LOST:
		pr_warn("uplink: NAT address %s lost (the DHCP lease expired "
			"or was refused); the VMs' frames to the outside are "
			"dropped until a new lease",
			ip_str(l->ip, ip));
		break;
	case NAT_UPLINK_ADDR_BAD:
		pr_err("uplink: NAT cannot use address %s from DHCP server "
		       "%s: %s",
		       ip_str(l->ip, ip), ip_str(l->server, server),
		       vm_nat.why);
		break;
	default: break;
	}
}

/* The NAT's `now`: microseconds of uptime. */
#define VM_NAT_TICKS_PER_SEC 1000000ULL

static uint64_t vm_nat_now(void)
{
	return wallclock_uptime_ns() / 1000;
}

/* Poll NAT mode once, under the switch's lock; log what changed. */
static enum nat_uplink_addr vm_nat_poll(void)
{
	enum nat_uplink_addr what;

	spin_lock(&vm_switch.lock);
	what = nat_uplink_poll(&vm_nat, VM_NET_UPLINK_BUDGET, vm_nat_now());
	spin_unlock(&vm_switch.lock);
	nat_report(what);
	return what;
}

/* At boot, before any VM runs: wait a little for the outside address,
 * so the log says it before the VMs start (they would wait anyway). */
static void vm_nat_first_lease(void)
{
	for (unsigned ms = 0; ms < VM_NET_NAT_BOOT_WAIT_MS; ms++) {
		if (vm_nat_poll() == NAT_UPLINK_ADDR_NEW)
			return;
		delay_us(1000);
	}
	pr_warn("%s: no DHCP lease after %u ms (state %s); the NAT keeps "
		"asking, and drops the VMs' frames to the outside until one "
		"comes",
		vm_uplink_name, VM_NET_NAT_BOOT_WAIT_MS,
		dhcp_client_state_name(vm_nat.dhcp.state));
}

static int vm_net_add_nat(struct e1000 *nic, const struct uplink_wire *wire)
{
	struct nat_config inside;
	char gw[16], first[16], last[16];
	uint32_t seed = (uint32_t)wallclock_uptime_ns() ^
			(uint32_t)nic->mac.b[5] << 24 ^ nic->mac.b[4];

	nat_uplink_inside_config(&inside, VM_NAT_TICKS_PER_SEC);
	if (nat_uplink_attach(&vm_nat, &vm_switch, vm_uplink_name, wire,
			      &inside, &nic->mac, VM_NAT_TICKS_PER_SEC, seed))
		return -1;
	vm_uplink_nat = true;
	uplink_announce("NAT: the VMs share its one address");
	pr_info("uplink: NAT gateway %s (MAC 52:55:0a:00:02:02) hands the "
		"VMs %s to %s by DHCP; asking for the outside address by "
		"DHCP",
		ip_str(inside.gw_ip, gw), ip_str(inside.pool_first, first),
		ip_str(inside.pool_first + inside.pool_size - 1, last));
	vm_nat_first_lease();
	return 0;
}

int vm_net_add_uplink(struct e1000 *nic, const char *name, bool nat, char *err,
		      size_t n)
{
	const struct uplink_wire wire = {uplink_send, uplink_receive, nic};

	vm_net_switch_init();
	fmt_snprintf(vm_uplink_name, sizeof(vm_uplink_name), "uplink %s", name);
	vm_uplink_nic = nic;
	if (nat ? vm_net_add_nat(nic, &wire)
		: uplink_attach(&vm_uplink, &vm_switch, vm_uplink_name,
				&wire)) {
		vm_uplink_nic = NULL;
		fmt_snprintf(err, n, "the virtual switch has no free port");
		return -1;
	}
	if (!nat)
		uplink_announce("bridged (promiscuous: the VMs' own MACs on "
				"the wire)");
	return 0;
}

void vm_net_poll(void)
{
	if (!vm_uplink_nic)
		return;
	if (vm_uplink_nat) {
		vm_nat_poll();
		return;
	}
	spin_lock(&vm_switch.lock);
	uplink_poll(&vm_uplink, VM_NET_UPLINK_BUDGET);
	spin_unlock(&vm_switch.lock);
}

/* NAT mode's counters: its port on the switch, what it translated and
 * answered, and its drops by reason (nat_drop_name). */
static void vm_nat_print(void)
{
	const struct vswitch_port_stats *p = nat_uplink_port_stats(&vm_nat);
	const struct nat_stats *s = &vm_nat.nat.stats;
	char drops[256];
	size_t at = 0;

	pr_info("%s: the VMs gave the NAT %lu frames (%lu bytes), it gave "
		"them %lu (%lu bytes); %lu refused with its queue full, %lu "
		"dropped before it had an address",
		vm_uplink_name, (unsigned long)p->tx_packets,
		(unsigned long)p->tx_bytes, (unsigned long)p->rx_packets,
		(unsigned long)p->rx_bytes,
		(unsigned long)vm_nat.stats.queue_full,
		(unsigned long)vm_nat.stats.no_address);
	pr_info("%s: NAT translated %lu packets out and %lu in; %lu "
		"translations made, %lu expired, %lu evicted; answered %lu "
		"ARP requests and %lu pings; DHCP to the VMs: %lu offers, %lu "
		"acks, %lu naks",
		vm_uplink_name, (unsigned long)s->out_translated,
		(unsigned long)s->in_translated,
		(unsigned long)s->conns_created,
		(unsigned long)s->conns_expired,
		(unsigned long)s->conns_evicted, (unsigned long)s->arp_replies,
		(unsigned long)s->echo_replies, (unsigned long)s->dhcp_offers,
		(unsigned long)s->dhcp_acks, (unsigned long)s->dhcp_naks);
	drops[0] = '\0';
	for (int i = 0; i < NAT_DROP_COUNT; i++)
		if (s->dropped[i] && at < sizeof(drops))
			at += (size_t)fmt_snprintf(
				drops + at, sizeof(drops) - at, "%s%s %lu",
				at ? ", " : "", nat_drop_name((enum nat_drop)i),
				(unsigned long)s->dropped[i]);
	pr_info("%s: NAT dropped by reason: %s; ignored %lu frames not for "
		"it",
		vm_uplink_name, at ? drops : "none", (unsigned long)s->ignored);
}

/* The wire as the card saw it (NAT mode: its frames, not the VMs'). */
static void vm_nat_print_wire(const struct e1000_stats *e)
{
	pr_info("%s: sent %lu frames (%lu bytes) to the wire, received %lu "
		"(%lu bytes) from it; dropped %lu with the transmit ring "
		"full; the device missed %lu (receive ring full) and marked "
		"%lu bad",
		vm_uplink_name, (unsigned long)e->tx_frames,
		(unsigned long)e->tx_bytes, (unsigned long)e->rx_frames,
		(unsigned long)e->rx_bytes, (unsigned long)e->tx_ring_full,
		(unsigned long)e->rx_missed, (unsigned long)e->rx_errors);
	vm_nat_print();
}

void vm_net_print_uplink(void)
{
	const struct vswitch_port_stats *p;
	const struct e1000_stats *e;

	if (!vm_uplink_nic)
		return;
	spin_lock(&vm_switch.lock);
	e1000_update_stats(vm_uplink_nic);
	spin_unlock(&vm_switch.lock);
	e = &vm_uplink_nic->stats;
	if (vm_uplink_nat) {
		vm_nat_print_wire(e);
		return;
	}
	p = uplink_stats(&vm_uplink);
	pr_info("%s: sent %lu frames (%lu bytes) to the wire, received %lu "
		"(%lu bytes) from it; dropped %lu with the transmit ring "
		"full, %lu bad from the wire; the device missed %lu (receive "
		"ring full) and marked %lu bad",
		vm_uplink_name, (unsigned long)p->tx_packets,
		(unsigned long)p->tx_bytes, (unsigned long)p->rx_packets,
		(unsigned long)p->rx_bytes, (unsigned long)p->tx_dropped,
		(unsigned long)p->rx_dropped, (unsigned long)e->rx_missed,
		(unsigned long)e->rx_errors);
}
