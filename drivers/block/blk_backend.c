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

void blk_submit(struct blk_backend *b, struct blk_io *io, enum blk_op op,
		uint64_t sector, void *buf, uint32_t count)
{
	io->op = op;
	io->sector = sector;
	io->count = count;
	io->buf = buf;
	io->status = -1;
	io->finished = false;
	io->next = NULL;
	io->pos = 0;
	io->stage = 0;
	io->cursor = 0;
	io->step.busy = false;
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

/* The next piece of st on its device. */
static void step_piece(struct blk_step *st)
{
	const struct sector_extent *e = st->ext;
	uint32_t max = e->dev->max_sectors;
	uint32_t n = max ? MIN(st->left, max) : st->left;

	st->req = (struct sector_req){
		.op = st->op,
		.sector = st->op == SECTOR_FLUSH ? 0 : e->first + st->next,
		.count = n,
		.buf = st->op == SECTOR_FLUSH ? NULL : st->buf,
		.done = step_done,
		.ctx = st,
	};
	st->done = false;
	st->left -= n;
	if (st->op != SECTOR_FLUSH) {
		st->next += n;
		st->buf += (size_t)n << BLK_SECTOR_SHIFT;
	}
	if (e->dev->submit(e->dev, &st->req))
		step_done(&st->req, -1);
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
	if (op != SECTOR_FLUSH &&
	    (!count || count > ext->sectors || sector > ext->sectors - count)) {
		st->status = -1; /* never outside the extent */
		st->done = true;
		return;
	}
	step_piece(st);
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
