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
#include "drivers/net/uplink.h"
#include "drivers/virt/pc_platform.h"
#include "kernel/wallclock.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vm_net.h"

/* The one switch all NICs join; vm_switch.lock guards it and them. */
static struct vswitch vm_switch;
static bool vm_switch_ready;
/* The way out, when hv.cfg has `uplink` (vm_uplink_nic set). */
static struct uplink vm_uplink;
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

int vm_net_add_uplink(struct e1000 *nic, const char *name, char *err, size_t n)
{
	const struct uplink_wire wire = {uplink_send, uplink_receive, nic};
	char mac[MAC_STR_SIZE];

	vm_net_switch_init();
	fmt_snprintf(vm_uplink_name, sizeof(vm_uplink_name), "uplink %s", name);
	if (uplink_attach(&vm_uplink, &vm_switch, vm_uplink_name, &wire)) {
		fmt_snprintf(err, n, "the virtual switch has no free port");
		return -1;
	}
	vm_uplink_nic = nic;
	mac_format(&nic->mac, mac, sizeof(mac));
	pr_info("%s: MAC %s, link %s; port %d of the switch, bridged "
		"(promiscuous: the VMs' own MACs on the wire)",
		vm_uplink_name, mac, e1000_link_up(nic) ? "up" : "down",
		vm_uplink.port);
	return 0;
}

void vm_net_poll(void)
{
	if (!vm_uplink_nic)
		return;
	spin_lock(&vm_switch.lock);
	uplink_poll(&vm_uplink, VM_NET_UPLINK_BUDGET);
	spin_unlock(&vm_switch.lock);
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
	p = uplink_stats(&vm_uplink);
	e = &vm_uplink_nic->stats;
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
