/*
 * drivers/virt/vpci.h - a VM's virtual PCI host bridge: configuration
 * mechanism #1 at ports 0xcf8 (address, 32-bit accesses only) and
 * 0xcfc-0xcff (data). Bus 0 device 0 is a host bridge (an i440FX's
 * IDs, 8086:1237); one more function, at device VPCI_PT_DEV, answers
 * through the ops it was given (a passthrough device's filtered
 * configuration space, drivers/virt/pci_filter.h); every other slot
 * reads all ones, as an empty slot does. Byte and word accesses to
 * 0xcf8-0xcfb are not the address register (as on a PIIX): they go to
 * the device given as `legacy` (the reset control register at 0xcf9).
 * Pure logic; on the CPU handling the VM's I/O exit.
 * PCI Local Bus Specification: "Configuration Mechanism #1",
 * "Configuration Space Organization"; Intel 440FX PCIset datasheet
 * (the host bridge's IDs).
 */
#ifndef DRIVERS_VIRT_VPCI_H
#define DRIVERS_VIRT_VPCI_H

#include "drivers/virt/portbus.h"

#define VPCI_PORT	0xcf8 /* CONFIG_ADDRESS; CONFIG_DATA at +4 */
#define VPCI_PORTS	8
#define VPCI_PT_DEV	3 /* where the passed-through function sits */
#define VPCI_BRIDGE_VID 0x8086
#define VPCI_BRIDGE_DID 0x1237

/* One function's configuration space: offset < 256, size 1, 2 or 4,
 * aligned. */
struct vpci_fn_ops {
	uint32_t (*read)(void *ctx, unsigned offset, unsigned size);
	void (*write)(void *ctx, unsigned offset, unsigned size,
		      uint32_t value);
	void *ctx;
};

struct vpci {
	uint32_t address; /* the last CONFIG_ADDRESS written */
	bool has_fn;
	struct vpci_fn_ops fn;
	struct port_device legacy; /* count 0: none */
	uint8_t bridge[64];	   /* the host bridge's header, read-only */
	uint64_t fn_reads, fn_writes;
};

/* A bridge alone; vpci_attach puts a function at VPCI_PT_DEV. legacy
 * may be NULL; its base must lie in 0xcf8-0xcfb. */
void vpci_init(struct vpci *v, const struct port_device *legacy);
void vpci_attach(struct vpci *v, const struct vpci_fn_ops *fn);

/* The port device to put on the VM's bus (0xcf8-0xcff). */
struct port_device vpci_device(struct vpci *v);

/* Configuration accesses by bus/device/function, as the data port does
 * them (also for tests). */
uint32_t vpci_cfg_read(struct vpci *v, unsigned bus, unsigned dev, unsigned fn,
		       unsigned offset, unsigned size);
void vpci_cfg_write(struct vpci *v, unsigned bus, unsigned dev, unsigned fn,
		    unsigned offset, unsigned size, uint32_t value);

#endif
