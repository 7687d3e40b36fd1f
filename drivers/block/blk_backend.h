/*
 * drivers/block/blk_backend.h - what a virtual disk stores its sectors
 * in: the interface between a disk device model (virtio-blk) and a
 * backend (a RAM image, or an area of a host disk, raw or thin).
 * Sectors are 512 bytes. Pure interface; the backends say which context
 * they run in.
 *
 * A request (struct blk_io) is asynchronous: submit starts it and
 * returns; the request is over once blk_io_finished says so, which is
 * at once for a RAM image, and after later calls of poll for a host
 * disk, whose driver completes DMA commands in the background. The
 * submitter keeps the blk_io (and its buffer) untouched until then.
 * Every request finishes, with status 0 or -1 (out of range, read-only,
 * an I/O error): there is no refusal to handle separately.
 *
 * One caller at a time per backend (virtio-blk holds its device lock);
 * the host disk below may finish its steps on any CPU, which only sets
 * the step's flags (blk_step_*).
 */
#ifndef DRIVERS_BLOCK_BLK_BACKEND_H
#define DRIVERS_BLOCK_BLK_BACKEND_H

#include "drivers/block/sector_dev.h"

enum blk_op {
	BLK_READ,
	BLK_WRITE, /* buf is only read */
	BLK_FLUSH, /* sector, count, buf unused */
};

/* One sector request of a backend's on its extent, cut into pieces of
 * at most the device's max_sectors, one after the other. */
struct blk_step {
	struct sector_req req; /* the piece on the device */
	const struct sector_extent *ext;
	enum sector_op op;
	uint64_t next; /* the next piece's first sector (in ext) */
	uint8_t *buf;  /* and where its bytes are: in one buffer, or */
	const struct sector_seg *segs; /* in segs[0] from byte off on, */
	unsigned nsegs;		       /* then in the other buffers */
	uint32_t off;
	uint32_t left; /* sectors after the piece on the device */
	bool busy;     /* submitted, not yet taken */
	bool done;     /* the piece is over (set atomically) */
	int status;    /* the piece's: 0, or -1 */
};

struct blk_io {
	enum blk_op op;
	uint64_t sector;
	uint32_t count;
	void *buf;		       /* count * 512 bytes; or (NULL) */
	const struct sector_seg *segs; /* the buffers of blk_submit_sg */
	unsigned nsegs;
	int status; /* once finished: 0, or -1 */
	bool finished;

	/* The backend's while it has the request. */
	struct blk_io *next;  /* its queue */
	uint64_t pos;	      /* sectors of the request done */
	unsigned stage;	      /* where the backend is in it */
	uint64_t cursor;      /* the backend's place inside a stage */
	struct blk_step step; /* its request on the host disk */
};

struct blk_backend {
	const char *name; /* the image's name, e.g. the boot module */
	uint64_t sectors; /* capacity */
	bool read_only;
	bool sg; /* takes a list of buffers (blk_submit_sg) */
	/* Start io (op, sector, count, buf set by the caller); it is
	 * finished now or by a later poll. The range is checked here too. */
	void (*submit)(struct blk_backend *b, struct blk_io *io);
	/* Make progress on the requests submitted; NULL when every
	 * request is finished inside submit. */
	void (*poll)(struct blk_backend *b);
};

static inline bool blk_io_finished(const struct blk_io *io)
{
	return __atomic_load_n(&io->finished, __ATOMIC_ACQUIRE);
}

/* Start io on b: its finished flag cleared, then b->submit. */
void blk_submit(struct blk_backend *b, struct blk_io *io, enum blk_op op,
		uint64_t sector, void *buf, uint32_t count);

/* The same for a READ or WRITE whose count sectors lie in the buffers
 * segs[0 .. nsegs) one after the other, each a whole number of sectors
 * (the caller keeps the list until io is finished); only for a backend
 * with sg. A list that does not make count sectors fails the request. */
void blk_submit_sg(struct blk_backend *b, struct blk_io *io, enum blk_op op,
		   uint64_t sector, const struct sector_seg *segs,
		   unsigned nsegs, uint32_t count);

/* The backend's side: io is over with status. */
void blk_io_finish(struct blk_io *io, int status);

/* [sector, sector + count) is a non-empty range of b. */
bool blk_in_range(const struct blk_backend *b, uint64_t sector, uint32_t count);

/*
 * The synchronous path, for tools, tests and opening an image: submit,
 * then poll until finished. 0, or -1.
 */
int blk_wait(struct blk_backend *b, enum blk_op op, uint64_t sector, void *buf,
	     uint32_t count);

static inline int blk_read(struct blk_backend *b, uint64_t sector, void *buf,
			   uint32_t count)
{
	return blk_wait(b, BLK_READ, sector, buf, count);
}

static inline int blk_write(struct blk_backend *b, uint64_t sector,
			    const void *buf, uint32_t count)
{
	return blk_wait(b, BLK_WRITE, sector, (void *)buf, count);
}

static inline int blk_flush(struct blk_backend *b)
{
	return blk_wait(b, BLK_FLUSH, 0, NULL, 0);
}

/* ---- steps: a backend's one sector request at a time per blk_io ---- */

/* Submit one sector request of io on ext (sector relative to ext);
 * a refused submit is a step done with status -1. */
void blk_step_submit(struct blk_io *io, const struct sector_extent *ext,
		     enum sector_op op, uint64_t sector, void *buf,
		     uint32_t count);

/* The same with the data in io's buffers (io->segs): as few requests
 * as the device takes (all of them in one, up to its max_segs), else
 * one per buffer. */
void blk_step_submit_segs(struct blk_io *io, const struct sector_extent *ext,
			  enum sector_op op, uint64_t sector);

/* io's step is over (its status in io->step.status); takes it: true
 * once per step. Submits the step's next piece when one is due. */
bool blk_step_take(struct blk_io *io);

#endif
