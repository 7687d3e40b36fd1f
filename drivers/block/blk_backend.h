/*
 * drivers/block/blk_backend.h - what a virtual disk stores its sectors
 * in: the interface between a disk device model (virtio-blk) and a
 * backend (a RAM image today; a partition of a host disk, raw or thin,
 * later). Sectors are 512 bytes. Pure interface; the backends say which
 * context they run in.
 */
#ifndef DRIVERS_BLOCK_BLK_BACKEND_H
#define DRIVERS_BLOCK_BLK_BACKEND_H

#include "lib/types.h"

#define BLK_SECTOR_SIZE	 512
#define BLK_SECTOR_SHIFT 9

struct blk_backend {
	const char *name; /* the image's name, e.g. the boot module */
	uint64_t sectors; /* capacity */
	bool read_only;
	/* count sectors from sector (the range is within the capacity:
	 * the device checked it). 0, or -1 on an I/O error. */
	int (*read)(struct blk_backend *b, uint64_t sector, void *buf,
		    uint32_t count);
	int (*write)(struct blk_backend *b, uint64_t sector, const void *buf,
		     uint32_t count);
	/* Returns when every write before it is stored as the backend
	 * stores it (for a RAM image: at once). */
	int (*flush)(struct blk_backend *b);
};

#endif
