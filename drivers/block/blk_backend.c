/*
 * drivers/block/blk_backend.c - the pieces every disk backend shares:
 * starting and finishing a request, its steps on a host disk, and the
 * synchronous wait that tools and tests use.
 * Pure logic; runs wherever its caller runs (a VM's virtio-blk under
 * its lock, the run loop's poll; the host tool and tests). A step's done
 * callback may run on any CPU (the one that polled the host disk): it
 * only stores the status and sets step_done, with release order.
 */
#include "drivers/block/blk_backend.h"

/* io's fields for a new request (data fields aside). */
static void io_init(struct blk_io *io, enum blk_op op, uint64_t sector,
		    uint32_t count)
{
	io->op = op;
	io->sector = sector;
	io->count = count;
	io->buf = NULL;
	io->segs = NULL;
	io->nsegs = 0;
	io->status = -1;
	io->finished = false;
	io->next = NULL;
	io->pos = 0;
	io->stage = 0;
	io->cursor = 0;
	io->step.busy = false;
}

void blk_submit(struct blk_backend *b, struct blk_io *io, enum blk_op op,
		uint64_t sector, void *buf, uint32_t count)
{
	io_init(io, op, sector, count);
	io->buf = buf;
	b->submit(b, io);
}

/* The buffers hold whole sectors, count of them in all. */
static bool segs_fit(const struct sector_seg *segs, unsigned nsegs,
		     uint32_t count)
{
	uint64_t bytes = 0;

	for (unsigned i = 0; i < nsegs; i++) {
		if (!segs[i].buf || !segs[i].bytes ||
		    segs[i].bytes % BLK_SECTOR_SIZE)
			return false;
		bytes += segs[i].bytes;
	}
	return nsegs && bytes == (uint64_t)count << BLK_SECTOR_SHIFT;
}

void blk_submit_sg(struct blk_backend *b, struct blk_io *io, enum blk_op op,
		   uint64_t sector, const struct sector_seg *segs,
		   unsigned nsegs, uint32_t count)
{
	io_init(io, op, sector, count);
	io->segs = segs;
	io->nsegs = nsegs;
	if (!b->sg || op == BLK_FLUSH || !segs_fit(segs, nsegs, count)) {
		blk_io_finish(io, -1);
		return;
	}
	b->submit(b, io);
}

void blk_io_finish(struct blk_io *io, int status)
{
	io->status = status ? -1 : 0;
	__atomic_store_n(&io->finished, true, __ATOMIC_RELEASE);
}

bool blk_in_range(const struct blk_backend *b, uint64_t sector, uint32_t count)
{
	return count && count <= b->sectors && sector <= b->sectors - count;
}

int blk_wait(struct blk_backend *b, enum blk_op op, uint64_t sector, void *buf,
	     uint32_t count)
{
	struct blk_io io;

	blk_submit(b, &io, op, sector, buf, count);
	while (!blk_io_finished(&io)) {
		if (!b->poll)
			return -1; /* a backend that broke its promise */
		b->poll(b);
	}
	return io.status;
}

/* ---- steps ------------------------------------------------------------- */

static void step_done(struct sector_req *r, int status)
{
	struct blk_step *st = r->ctx;

	st->status = status ? -1 : 0;
	__atomic_store_n(&st->done, true, __ATOMIC_RELEASE);
}

/* The piece's data from the list: the buffers the device takes in one
 * request (at least two, from a buffer's start, with no sector limit);
 * else the rest of the first buffer, cut to max_sectors. Its sectors. */
static uint32_t step_segs(struct blk_step *st, const struct sector_dev *d)
{
	unsigned k = MIN(st->nsegs, d->max_segs);
	uint64_t bytes = 0;

	if (k > 1 && !st->off && !d->max_sectors) {
		for (unsigned i = 0; i < k; i++)
			bytes += st->segs[i].bytes;
		st->req.segs = st->segs;
		st->req.nsegs = k;
		st->segs += k;
		st->nsegs -= k;
		return (uint32_t)(bytes >> BLK_SECTOR_SHIFT);
	}
	bytes = (st->segs[0].bytes - st->off) >> BLK_SECTOR_SHIFT;
	bytes = d->max_sectors ? MIN(bytes, d->max_sectors) : bytes;
	st->req.buf = st->segs[0].buf + st->off;
	st->off += (uint32_t)(bytes << BLK_SECTOR_SHIFT);
	if (st->off == st->segs[0].bytes) {
		st->segs++;
		st->nsegs--;
		st->off = 0;
	}
	return (uint32_t)bytes;
}

/* The piece's data from the one buffer, cut to max_sectors. */
static uint32_t step_buf(struct blk_step *st, const struct sector_dev *d)
{
	uint32_t n = d->max_sectors ? MIN(st->left, d->max_sectors) : st->left;

	st->req.buf = st->buf;
	st->buf += (size_t)n << BLK_SECTOR_SHIFT;
	return n;
}

/* The next piece of st on its device. */
static void step_piece(struct blk_step *st)
{
	const struct sector_extent *e = st->ext;
	uint32_t n = 0;

	st->req = (struct sector_req){
		.op = st->op,
		.done = step_done,
		.ctx = st,
	};
	if (st->op != SECTOR_FLUSH) {
		n = st->segs ? step_segs(st, e->dev) : step_buf(st, e->dev);
		st->req.sector = e->first + st->next;
		st->req.count = n;
		st->next += n;
		st->left -= n;
	}
	st->done = false;
	if (e->dev->submit(e->dev, &st->req))
		step_done(&st->req, -1);
}

/* Start st (its data fields set): the range is checked first. */
static void step_start(struct blk_step *st, uint64_t sector, uint32_t count)
{
	if (st->op != SECTOR_FLUSH && (!count || count > st->ext->sectors ||
				       sector > st->ext->sectors - count)) {
		st->status = -1; /* never outside the extent */
		st->done = true;
		return;
	}
	step_piece(st);
}

void blk_step_submit(struct blk_io *io, const struct sector_extent *ext,
		     enum sector_op op, uint64_t sector, void *buf,
		     uint32_t count)
{
	struct blk_step *st = &io->step;

	*st = (struct blk_step){
		.ext = ext,
		.op = op,
		.next = sector,
		.buf = buf,
		.left = op == SECTOR_FLUSH ? 0 : count,
		.busy = true,
	};
	step_start(st, sector, count);
}

void blk_step_submit_segs(struct blk_io *io, const struct sector_extent *ext,
			  enum sector_op op, uint64_t sector)
{
	struct blk_step *st = &io->step;

	*st = (struct blk_step){
		.ext = ext,
		.op = op,
		.next = sector,
		.segs = io->segs,
		.nsegs = io->nsegs,
		.left = io->count,
		.busy = true,
	};
	step_start(st, sector, io->count);
}

bool blk_step_take(struct blk_io *io)
{
	struct blk_step *st = &io->step;

	if (!st->busy)
		return false;
	while (__atomic_load_n(&st->done, __ATOMIC_ACQUIRE)) {
		if (st->status || !st->left) {
			st->busy = false;
			return true;
		}
		step_piece(st);
	}
	return false;
}
