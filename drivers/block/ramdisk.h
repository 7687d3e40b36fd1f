/*
 * drivers/block/ramdisk.h - a disk image held in host RAM (a boot
 * module): the first disk backend. Writes change the image in memory;
 * nothing survives a reboot of the host.
 * Pure logic; runs in the VM exit that submits a request, and on the
 * host in tests/unit/test_virtio_blk.c.
 */
#ifndef DRIVERS_BLOCK_RAMDISK_H
#define DRIVERS_BLOCK_RAMDISK_H

#include "drivers/block/blk_backend.h"

struct ramdisk {
	struct blk_backend backend; /* first: a ramdisk is a backend */
	uint8_t *data;
};

/* 0, or -1 when size is 0 or not a multiple of BLK_SECTOR_SIZE. */
int ramdisk_init(struct ramdisk *rd, const char *name, void *data,
		 uint64_t size, bool read_only);

#endif
