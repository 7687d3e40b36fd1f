/*
 * drivers/block/host_disk.c - the host disks as sector devices, by
 * name: an ATA drive becomes a struct ata_disk, an AHCI port a struct
 * ahci_disk, each once; and the boot log's line of their partitions.
 * Boot CPU (see host_disk.h).
 */
#define LOG_PREFIX "mbr: "
#include "drivers/block/ahci_disk.h"
#include "drivers/block/ata_disk.h"
#include "drivers/block/host_disk.h"
#include "drivers/block/mbr.h"
#include "drivers/hw/ahci_host.h"
#include "drivers/hw/ata_host.h"
#include "kernel/memory.h"
#include "kernel/pmm.h"
#include "lib/log.h"
#include "lib/string.h"

static union host_disk {
	struct sector_dev dev; /* the first member of both */
	struct ata_disk ata;
	struct ahci_disk ahci;
} disks[HOST_DISKS_MAX];
static unsigned disk_count;

struct sector_dev *host_disk_open(const char *name)
{
	struct ata_drive *drive = ata_disk_find(name);
	struct ahci_port *port = ahci_disk_find(name);
	union host_disk *d;

	for (unsigned i = 0; i < disk_count; i++)
		if (!strcmp(disks[i].dev.name, name))
			return &disks[i].dev;
	if ((!drive && !port) || disk_count == HOST_DISKS_MAX)
		return NULL;
	d = &disks[disk_count++];
	if (drive)
		ata_disk_init(&d->ata, drive, virt_to_phys, ata_poll);
	else
		ahci_disk_init(&d->ahci, port, virt_to_phys, ahci_poll);
	return &d->dev;
}

/* Sector 0 of dev through a page below 4 GiB (the drivers' DMA). */
static void log_partitions(const char *name)
{
	struct sector_dev *dev = host_disk_open(name);
	hpa_t page = pmm_alloc_range(&host_pmm, 1, PAGE_SIZE, 4 * GIB);
	char line[160];
	int r = -1;

	if (dev && page) {
		struct sector_extent whole = {dev, 0, dev->sectors};

		if (!sector_extent_io(&whole, SECTOR_READ, 0,
				      phys_to_virt(page), 1))
			r = mbr_describe(phys_to_virt(page), dev->sectors, line,
					 sizeof(line));
	}
	if (page)
		page_free(page, 1);
	if (r >= 0)
		pr_info("%s: %s", name, line);
}

void host_disks_log_partitions(void)
{
	for (unsigned i = 0; i < ata_disk_count(); i++)
		log_partitions(ata_disk(i)->name);
	for (unsigned i = 0; i < ahci_disk_count(); i++)
		log_partitions(ahci_disk(i)->name);
}
