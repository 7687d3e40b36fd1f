/*
 * drivers/block/ahci_disk.h - a host SATA disk behind an AHCI port as a
 * sector device (sector_dev.h, the interface the raw and thin image
 * formats sit on), like drivers/block/ata_disk.h: each disk keeps its
 * own queue of sector requests and feeds the port one request at a
 * time. submit returns 0 at once; done runs later, from the device's
 * poll (which runs the AHCI driver's poll).
 * Any CPU (the queue has a lock); done runs from poll.
 */
#ifndef DRIVERS_BLOCK_AHCI_DISK_H
#define DRIVERS_BLOCK_AHCI_DISK_H

#include "drivers/block/sector_queue.h"
#include "drivers/hw/ahci.h"

struct ahci_disk {
	struct sector_dev dev; /* first: an ahci_disk is a sector device */
	struct ahci_port *port;
	struct sector_queue queue; /* its requests; the head is at the port */
	struct ahci_request cmd;   /* the head's request at the port */
	hpa_t (*virt_to_phys)(const void *va);
	void (*ahci_poll)(void); /* moves the ports on */
};

/*
 * Make the disk on port a sector device. va_to_pa gives a buffer's
 * physical address (identity on the hypervisor); poll moves the AHCI
 * ports on and runs their completions (ahci_poll on the hypervisor).
 * The device's poll calls it.
 */
void ahci_disk_init(struct ahci_disk *disk, struct ahci_port *port,
		    hpa_t (*va_to_pa)(const void *va), void (*poll)(void));

#endif
