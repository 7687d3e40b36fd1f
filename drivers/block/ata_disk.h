/*
 * drivers/block/ata_disk.h - a host ATA disk as a sector device
 * (sector_dev.h): each disk keeps its own queue of sector requests and
 * feeds the ATA channel one command's request at a time.
 * Any CPU (the queue has a lock); callbacks run from ata_poll().
 */
#ifndef DRIVERS_BLOCK_ATA_DISK_H
#define DRIVERS_BLOCK_ATA_DISK_H

#include "drivers/block/sector_dev.h"
#include "drivers/hw/ata.h"
#include "lib/spinlock.h"

struct ata_disk {
	struct sector_dev dev; /* first: an ata_disk is a sector device */
	struct ata_drive *drive;
	struct spinlock lock;		/* guards the queue and cmd */
	struct sector_req *head, *tail; /* head is at the drive */
	struct ata_request cmd;		/* the head's request at the drive */
	hpa_t (*virt_to_phys)(const void *va);
};

/* Make drive a sector device; va_to_pa gives a buffer's physical
 * address (identity on the hypervisor). */
void ata_disk_init(struct ata_disk *disk, struct ata_drive *drive,
		   hpa_t (*va_to_pa)(const void *va));

#endif
