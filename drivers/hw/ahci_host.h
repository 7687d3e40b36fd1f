/*
 * drivers/hw/ahci_host.h - the host's SATA disks behind AHCI
 * controllers: the controllers found on PCI (class 01:06, prog-if 01),
 * their ABAR registers, a share of DMA memory per port, the disks that
 * answer IDENTIFY DEVICE - named ahciN-portP by controller and port
 * number (docs/host-disks.md) - and the poll that completes their
 * requests.
 * ahci_host_init: boot CPU, once, after the PCI scan. ahci_poll and
 * ahci_submit (ahci.h): any CPU, any time after.
 * Serial ATA AHCI 1.3.1, "PCI Header" ("ABAR - AHCI Base Address"),
 * "System Software Initialization".
 */
#ifndef DRIVERS_HW_AHCI_HOST_H
#define DRIVERS_HW_AHCI_HOST_H

#include "drivers/hw/ahci.h"
#include "drivers/hw/pci.h"

#define AHCI_HOST_CONTROLLERS 2
#define AHCI_HOST_DISKS	      8 /* ports with a disk, all controllers */
/* DMA memory the kernel gives: one share per disk, and one to probe. */
#define AHCI_HOST_DMA_BYTES ((AHCI_HOST_DISKS + 1) * AHCI_PORT_DMA_BYTES)

/* The kernel's seam: registers at pa (len bytes) as an uncached
 * pointer, or NULL when the hypervisor's map does not cover them. */
typedef void *(*ahci_map_fn)(hpa_t pa, uint64_t len);

/*
 * Set up every AHCI controller in scan (at most AHCI_HOST_CONTROLLERS):
 * map ABAR, enable memory decoding and bus mastering, take the HBA
 * from the firmware, probe its implemented ports; one log line per
 * controller and per device. dma is AHCI_HOST_DMA_BYTES below 4 GiB
 * (1 KiB aligned) at physical dma_pa; ticks_per_ms is the TSC's rate.
 * Returns the disks found.
 */
unsigned ahci_host_init(const struct pci_cfg_ops *pci,
			const struct pci_scan *scan, ahci_map_fn map, void *dma,
			hpa_t dma_pa, uint64_t ticks_per_ms);

/* Poll every disk's port (ahci_port_poll with the TSC): completes what
 * finished and runs its callbacks. Cheap when nothing is in flight. */
void ahci_poll(void);

/* The disks found, in controller and port order. */
unsigned ahci_disk_count(void);
struct ahci_port *ahci_disk(unsigned index);
/* By name ("ahci0-port1"), or NULL. */
struct ahci_port *ahci_disk_find(const char *name);

#endif
