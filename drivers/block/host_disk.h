/*
 * drivers/block/host_disk.h - the host's disks by name, whichever driver
 * found them: ataN-master and ataN-slave (the IDE driver,
 * drivers/hw/ata_host.h) and ahciN-portP (the AHCI driver,
 * drivers/hw/ahci_host.h). Each disk is one sector device, made at its
 * first use and shared by all its users (the VMs' disks, the boot
 * self-test); its poll moves its driver on.
 * Boot CPU, after the drivers found their disks (kernel/main.c) and
 * while VMs are built; the devices then run on any CPU.
 */
#ifndef DRIVERS_BLOCK_HOST_DISK_H
#define DRIVERS_BLOCK_HOST_DISK_H

#include "drivers/block/sector_dev.h"

#define HOST_DISKS_MAX 16 /* ATA and AHCI disks in use */

/* The sector device of the host disk called name, or NULL when no
 * driver found one (or HOST_DISKS_MAX are in use already). */
struct sector_dev *host_disk_open(const char *name);

/*
 * Log, for each host disk whose sector 0 holds an MBR, its primary
 * partitions in one line: "mbr: ahci0-port0: p1 @63+1032129 (type
 * 0x06)" (drivers/block/mbr.h). Boot CPU, after the drivers' probes.
 */
void host_disks_log_partitions(void);

#endif
