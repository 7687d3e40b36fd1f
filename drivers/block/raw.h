/*
 * drivers/block/raw.h - a raw disk image: the guest's sector n is
 * sector first + n of an extent (a whole host disk, a partition, or any
 * run of sectors), all of it allocated. The image format "raw" of
 * docs/disk-formats.md.
 * Pure logic; runs where virtio-blk submits and polls (a VM exit, the
 * run loop; under the device's lock), and on the host in
 * tests/unit/test_raw.c. Several requests may be on the host disk at
 * once: its driver queues them in order.
 */
#ifndef DRIVERS_BLOCK_RAW_H
#define DRIVERS_BLOCK_RAW_H

#include "drivers/block/blk_backend.h"
#include "drivers/block/sector_dev.h"

struct raw_disk {
	struct blk_backend backend; /* first: a raw disk is a backend */
	struct sector_extent ext;
	struct blk_io *busy; /* requests with a step on the host disk */
};

/* 0, or -1 when the extent is empty or not inside its device. */
int raw_open(struct raw_disk *r, const char *name,
	     const struct sector_extent *ext, bool read_only);

#endif
