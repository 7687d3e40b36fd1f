/*
 * drivers/block/host_disk.c - the host disks as sector devices, by
 * name: an ATA drive becomes a struct ata_disk, an AHCI port a struct
 * ahci_disk, each once.
 * Boot CPU (see host_disk.h).
 */
#include "drivers/block/ahci_disk.h"
#include "drivers/block/ata_disk.h"
#include "drivers/block/host_disk.h"
#include "drivers/hw/ahci_host.h"
#include "drivers/hw/ata_host.h"
#include "kernel/memory.h"
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
