/*
 * drivers/block/ata_disk.h - a host ATA disk as a sector device
 * (sector_dev.h, the interface the raw and thin image formats sit on):
 * each disk keeps its own queue (drivers/block/sector_queue.h) and feeds the ATA
 * channel one request at a time. submit returns 0 at once; done runs
 * later, from the device's poll (which runs the ATA driver's poll).
 * Any CPU (the queue has a lock); done runs from poll.
 */
#ifndef DRIVERS_BLOCK_ATA_DISK_H
#define DRIVERS_BLOCK_ATA_DISK_H

#include "drivers/block/sector_queue.h"
#include "drivers/hw/ata.h"

/* Buffers in one request: what one PRD table holds of page-sized ones
 * (more take several requests, drivers/block/blk_backend.c). */
#define ATA_DISK_SEGS ATA_PRD_MAX

struct ata_disk {
	struct sector_dev dev; /* first: an ata_disk is a sector device */
	struct ata_drive *drive;
	struct sector_queue queue; /* its requests; the head is at the drive */
	struct ata_request cmd;	   /* the head's request at the drive */
	struct ata_seg segs[ATA_DISK_SEGS]; /* cmd's buffers (a list) */
	hpa_t (*virt_to_phys)(const void *va);
	void (*ata_poll)(void); /* moves the drive's channel on */
};

/*
 * Make drive a sector device. va_to_pa gives a buffer's physical
 * address (identity on the hypervisor); poll moves the ATA channels on
 * and runs their completions (ata_poll on the hypervisor). The device's
 * poll calls it.
 */
void ata_disk_init(struct ata_disk *disk, struct ata_drive *drive,
		   hpa_t (*va_to_pa)(const void *va), void (*poll)(void));

#endif
