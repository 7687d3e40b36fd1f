/*
 * vmx/vm_net.h - the VMs' network: one virtual switch in the
 * hypervisor that every VM's NIC (`nic = ...` in its configuration)
 * joins, as a virtio-net device behind the VM's second virtio-mmio
 * window (docs/networking.md).
 * Its interrupt line is ISA IRQ 11 (PC_IRQ_VIRTIO_NET), through the
 * VM's IOAPIC and 8259s (vm_set_irq).
 * vm_add_nic runs on the boot CPU while a VM is built (after
 * vm_intr_init); the others on whichever CPU runs the VM's vCPU (or
 * the monitor's, for a reset).
 */
#ifndef VMX_VM_NET_H
#define VMX_VM_NET_H

#include "drivers/hw/e1000.h"
#include "vmx/vm.h"

/* Where a VM's NIC is: the window after the disk's, whether or not the
 * VM has a disk, so a guest finds it at the same address either way. */
#define VM_NIC_WINDOW \
	(VIRTIO_MMIO_BASE + PC_VIRTIO_NIC_WINDOW * VIRTIO_MMIO_STRIDE)

/* The switch forgets an address not seen for this long (IEEE 802.1D's
 * default ageing time). */
#define VM_NET_AGE_NS (300ULL * 1000000000ULL)

/* `nic`: a virtio-net device on the hypervisor's switch, on the VM's
 * MMIO bus, its line on the VM's interrupt controllers (vm_intr_init
 * done). 0 (also when the VM has no NIC), or -1 with err. */
int vm_add_nic(struct vm *vm, const struct vm_config *cfg, char *err,
	       size_t err_size);

/* The VM restarts or stops: its NIC takes no more frames into its RAM
 * until its driver sets it up again. */
void vm_net_reset(struct vm *vm);

/* One log line with the NIC's counters (when it has one). */
void vm_net_print_usage(const struct vm *vm);

/* Frames the uplink takes from its receive ring per poll (one ring). */
#define VM_NET_UPLINK_BUDGET E1000_RX_DESCS

/* NAT mode: how long the boot waits for the outside address. */
#define VM_NET_NAT_BOOT_WAIT_MS 5000

/*
 * hv.cfg `uplink`: the host's e1000 (brought up, drivers/hw/e1000.h)
 * becomes a port of the switch. Bridged: the VMs' frames go out on it
 * as they are, what it receives comes in. nat (`uplink_mode = nat`):
 * the port is the NAT (drivers/net/nat_uplink.h), the VMs' gateway,
 * and the card's MAC gets the hypervisor's one outside address by
 * DHCP; the boot waits up to VM_NET_NAT_BOOT_WAIT_MS for it. name is
 * for messages ("e1000 00:03.0"). Boot CPU, before the VMs are built.
 * 0, or -1 with err.
 */
int vm_net_add_uplink(struct e1000 *nic, const char *name, bool nat, char *err,
		      size_t err_size);

/* Bring what the uplink received into the switch (and so to the VMs'
 * NICs); in NAT mode also run the NAT on the VMs' frames queued since
 * the last call, and the DHCP client's timers. From the run loop, on
 * one CPU; cheap without an uplink or with nothing received. */
void vm_net_poll(void);

/* The uplink's counters (when there is one); in NAT mode also the
 * NAT's, its drops by reason. */
void vm_net_print_uplink(void);

#endif
