/*
 * drivers/hw/e1000_host.h - the hardware half of the e1000 driver:
 * which PCI function is the uplink's NIC, its BAR0 registers as 32-bit
 * memory accesses, memory decoding and bus mastering turned on, then
 * drivers/hw/e1000.c's bring-up.
 * Boot CPU, once, after the PCI scan (kernel/main.c); the device is then
 * driven under the virtual switch's lock (vmx/vm_net.c).
 * PCI Local Bus Specification, "Command Register", "Base Addresses";
 * Intel 8254x Software Developer's Manual, "Memory-Mapped Access to
 * Internal Registers and Memories".
 */
#ifndef DRIVERS_HW_E1000_HOST_H
#define DRIVERS_HW_E1000_HOST_H

#include "drivers/hw/e1000.h"
#include "drivers/hw/pci.h"
#include "drivers/hw/pci_bdf.h"

struct e1000_host {
	struct e1000 nic;
	volatile uint32_t *regs; /* BAR0 */
	uint16_t bdf;
	char name[32]; /* "e1000 00:03.0" */
};

/* The kernel's seam: the registers at pa (len bytes) as an uncached
 * pointer, or NULL when the hypervisor's map does not cover them. */
typedef void *(*e1000_map_fn)(hpa_t pa, uint64_t len);

/*
 * The function the uplink uses: at that address (when at is not NULL)
 * or the first e1000 of the scan. NULL with err saying what was found
 * instead.
 */
const struct pci_device *e1000_host_find(const struct pci_scan *scan,
					 const struct pci_bdf *at, char *err,
					 size_t err_size);

/*
 * Map dev's BAR0, enable memory decoding and bus mastering, bring the
 * device up with its rings in dma (E1000_DMA_BYTES). 0, or -1 with err.
 */
int e1000_host_open(struct e1000_host *h, const struct pci_cfg_ops *pci,
		    const struct pci_device *dev, e1000_map_fn map,
		    const struct e1000_dma *dma, char *err, size_t err_size);

#endif
