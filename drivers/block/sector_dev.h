/*
 * drivers/block/sector_dev.h - a "sector device": what disk image
 * formats (raw, thin) sit on, and what a host disk driver offers. It
 * reads and writes whole 512-byte sectors and flushes, asynchronously:
 *
 *   - The caller owns a struct sector_req and fills it (the helpers
 *     sector_read/sector_write/sector_flush below do it), then submits.
 *     Submitting returns at once; the device owns the request from then
 *     until it calls req->done.
 *   - done(req) runs exactly once per submitted request, later, from the
 *     device's poll (for ATA: ata_poll(), which the scheduler's idle loop
 *     or exit path calls), never inside submit. req->status says how it
 *     went (SECTOR_OK or an error below); on an error req->error is one
 *     line naming the disk, already logged by the device.
 *   - Requests on one device may complete in any order a device chooses
 *     (ATA: in submission order, one command in flight per channel). A
 *     write is on the medium (or in the drive's cache) when its done
 *     runs; flush's done runs when every write completed before the flush
 *     was submitted is on the medium. Order writes against each other
 *     by waiting for done, not by submission order.
 *   - buf is host memory, identity-mapped and physically contiguous (one
 *     allocation of whole pages is), count * 512 bytes, 2-byte aligned
 *     for DMA, below 4 GiB for IDE DMA (else that request uses PIO). The
 *     caller keeps it untouched until done.
 *   - The device splits big requests itself: any count up to its
 *     capacity is accepted.
 *
 * Pure interface. A device says which contexts its submit and poll run
 * in (ATA: any CPU).
 */
#ifndef DRIVERS_BLOCK_SECTOR_DEV_H
#define DRIVERS_BLOCK_SECTOR_DEV_H

#include "lib/types.h"

#define SECTOR_SIZE	 512
#define SECTOR_SHIFT	 9
#define SECTOR_ERROR_MAX 128

enum sector_op {
	SECTOR_READ,
	SECTOR_WRITE,
	SECTOR_FLUSH,
};

enum sector_status {
	SECTOR_OK,
	SECTOR_EIO,	  /* the device reported an error */
	SECTOR_ETIMEDOUT, /* the device did not answer */
	SECTOR_ERANGE,	  /* beyond the device's capacity */
	SECTOR_EINVAL,	  /* no buffer, no sectors, or a read-only device */
	SECTOR_ENODEV,	  /* the device is gone */
};

struct sector_req;
typedef void (*sector_done_fn)(struct sector_req *req);

struct sector_req {
	/* the caller's: filled before submit */
	enum sector_op op;
	uint64_t lba;	/* first sector */
	uint32_t count; /* sectors (READ, WRITE) */
	void *buf;	/* count * SECTOR_SIZE bytes */
	sector_done_fn done;
	void *ctx; /* for the caller's callback */

	/* the device's: set before done runs */
	enum sector_status status;
	char error[SECTOR_ERROR_MAX];

	/* the device's while it owns the request */
	struct sector_req *next;
};

struct sector_dev {
	const char *name;  /* "ata1-master" */
	uint64_t sectors;  /* capacity */
	const char *model; /* for logs; may be "" */
	void (*submit)(struct sector_dev *dev, struct sector_req *req);
	void *priv; /* the device's */
};

static inline void sector_submit(struct sector_dev *dev, struct sector_req *req,
				 enum sector_op op, uint64_t lba,
				 uint32_t count, void *buf, sector_done_fn done,
				 void *ctx)
{
	req->op = op;
	req->lba = lba;
	req->count = count;
	req->buf = buf;
	req->done = done;
	req->ctx = ctx;
	dev->submit(dev, req);
}

/* Read count sectors at lba into buf; done(req) later. */
static inline void sector_read(struct sector_dev *dev, struct sector_req *req,
			       uint64_t lba, uint32_t count, void *buf,
			       sector_done_fn done, void *ctx)
{
	sector_submit(dev, req, SECTOR_READ, lba, count, buf, done, ctx);
}

/* Write count sectors from buf at lba; done(req) once they are stored. */
static inline void sector_write(struct sector_dev *dev, struct sector_req *req,
				uint64_t lba, uint32_t count, const void *buf,
				sector_done_fn done, void *ctx)
{
	sector_submit(dev, req, SECTOR_WRITE, lba, count, (void *)buf, done,
		      ctx);
}

/* done(req) once every write completed before this is on the medium. */
static inline void sector_flush(struct sector_dev *dev, struct sector_req *req,
				sector_done_fn done, void *ctx)
{
	sector_submit(dev, req, SECTOR_FLUSH, 0, 0, NULL, done, ctx);
}

#endif
