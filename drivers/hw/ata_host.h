/*
 * drivers/hw/ata_host.h - the host's ATA disks: the IDE controllers
 * found on PCI, their channels (legacy ports in compatibility mode, or
 * the BARs in native mode), bus-master DMA from BAR4, the drives that
 * answer IDENTIFY DEVICE, and the poll that completes their requests.
 * ata_host_init: boot CPU, once, after the PCI scan. ata_poll and
 * ata_submit (ata.h): any CPU, any time after.
 * Intel PIIX3/PIIX4 datasheets, "PCI IDE Controller"; PCI IDE Controller
 * Specification, "Programming Interface".
 */
#ifndef DRIVERS_HW_ATA_HOST_H
#define DRIVERS_HW_ATA_HOST_H

#include "drivers/hw/ata.h"
#include "drivers/hw/pci.h"

#define ATA_HOST_CONTROLLERS 2
#define ATA_HOST_CHANNELS    (2 * ATA_HOST_CONTROLLERS)
/* The PRD tables of all channels, one after the other: aligned to
 * their size, none crosses a 64 KiB boundary. */
#define ATA_HOST_PRD_BYTES (ATA_HOST_CHANNELS * ATA_PRD_MAX * 8)

/*
 * Set up every IDE controller in scan (at most ATA_HOST_CONTROLLERS):
 * enable its I/O decoding and bus mastering, probe its channels, log
 * each controller and each drive in one line. dma_page is
 * ATA_HOST_PRD_BYTES of memory below 4 GiB at physical dma_page_pa,
 * aligned to that size, for the PRD tables;
 * ticks_per_ms is the TSC's rate (timeouts). Returns the ATA disks found.
 */
unsigned ata_host_init(const struct pci_cfg_ops *pci,
		       const struct pci_scan *scan, void *dma_page,
		       hpa_t dma_page_pa, uint64_t ticks_per_ms);

/* Poll every channel (ata_channel_poll with the TSC): completes what
 * finished and runs its callbacks. Cheap when nothing is in flight. */
void ata_poll(void);

/* The ATA disks found, in channel order (master before slave). */
unsigned ata_disk_count(void);
struct ata_drive *ata_disk(unsigned index);
/* By name ("ata1-master"), or NULL. */
struct ata_drive *ata_disk_find(const char *name);

/* The PCI function (bus << 8 | devfn) of the controller whose bus
 * master does a drive's DMA: the requester id its DMA carries. */
uint16_t ata_host_bdf(const struct ata_drive *d);

#endif
