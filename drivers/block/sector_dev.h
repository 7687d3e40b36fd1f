/*
 * drivers/block/sector_dev.h - the lower interface of the disk image
 * formats (raw.c, thin.c): a device of 512-byte sectors that reads,
 * writes and flushes, and may finish a request later than it was
 * submitted (a host disk driver with DMA and an interrupt), or at once
 * (a RAM image, a test device, a host file).
 * Pure interface. An image format reaches the device through a
 * sector_extent (a whole disk, a partition or any run of sectors) and
 * sector_extent_io, which submits one request and polls the device
 * until it is done, cutting it into requests of at most max_sectors.
 */
#ifndef DRIVERS_BLOCK_SECTOR_DEV_H
#define DRIVERS_BLOCK_SECTOR_DEV_H

#include "lib/types.h"

#define BLK_SECTOR_SIZE	 512
#define BLK_SECTOR_SHIFT 9

enum sector_op {
	SECTOR_READ,
	SECTOR_WRITE, /* buf is only read */
	SECTOR_FLUSH, /* sector, count, buf unused */
};

/* One buffer of a scatter-gather request: a whole number of sectors. */
struct sector_seg {
	uint8_t *buf;
	uint32_t bytes;
};

struct sector_req;
/* status: 0 done, -1 I/O error (for a FLUSH: some earlier write may
 * not be stored). */
typedef void (*sector_done_fn)(struct sector_req *r, int status);

struct sector_req {
	enum sector_op op;
	uint64_t sector;
	uint32_t count;
	void *buf; /* count * 512 bytes; or */
	/* the buffers, one after the other (buf NULL): only for a device
	 * with max_segs >= nsegs */
	const struct sector_seg *segs;
	unsigned nsegs;
	sector_done_fn done;
	void *ctx; /* the submitter's */

	/* the device's from an accepted submit until done (a device
	 * that queues requests links them here) */
	struct sector_req *next;
};

/*
 * A FLUSH completes once every write that completed before the FLUSH
 * was submitted is stored durably; until then a power cut may keep any
 * subset of them (each 512-byte sector whole: the old or the new one).
 */
struct sector_dev {
	const char *name;
	uint64_t sectors;     /* capacity */
	uint32_t max_sectors; /* most sectors in one request; 0: no limit */
	/* most buffers in one request (segs); 0: one buffer (buf) only */
	unsigned max_segs;
	/* Start r (in range: the caller checked it). 0 when accepted:
	 * r->done is then called exactly once, inside submit or later
	 * from poll. -1 when refused: done is not called. */
	int (*submit)(struct sector_dev *d, struct sector_req *r);
	/* Make progress (check the controller, run completions); may call
	 * done. NULL when every request completes inside submit. */
	void (*poll)(struct sector_dev *d);
};

/* A run of sectors of a device that an image lives in. */
struct sector_extent {
	struct sector_dev *dev;
	uint64_t first;	  /* first sector on dev */
	uint64_t sectors; /* length */
};

/* r's data is where d can take it: one buffer, or at most d->max_segs
 * buffers of whole sectors that make r's count in all. */
bool sector_req_buffers_ok(const struct sector_dev *d,
			   const struct sector_req *r);

/* The extent is non-empty and lies inside its device. */
bool sector_extent_valid(const struct sector_extent *e);

/*
 * Read or write sectors [sector, sector + count) of the extent
 * (relative to its first sector), or flush the device, and wait: submit
 * (in requests of at most max_sectors), then poll the device until done
 * is called. 0, or -1 when the range is not in the extent, the device
 * refused a request or reported an error (a write may then be stored
 * in part).
 */
int sector_extent_io(const struct sector_extent *e, enum sector_op op,
		     uint64_t sector, void *buf, uint32_t count);

static inline int sector_extent_flush(const struct sector_extent *e)
{
	return sector_extent_io(e, SECTOR_FLUSH, 0, NULL, 0);
}

#endif
