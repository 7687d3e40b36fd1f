/*
 * drivers/block/raw.c - a raw disk image over a sector extent: a guest
 * request becomes one step on the host disk, sector n of the image at
 * sector first + n of the extent.
 * Pure logic; see drivers/block/raw.h.
 */
#include "drivers/block/raw.h"

static struct raw_disk *raw_of(struct blk_backend *b)
{
	return (struct raw_disk *)b;
}

/* The step of io, or its end: true once io is finished. A step that
 * the host disk finished inside its submit is taken at once. */
static bool raw_next(struct raw_disk *r, struct blk_io *io)
{
	if (io->step.busy) {
		if (!blk_step_take(io))
			return false; /* on the host disk */
		blk_io_finish(io, io->step.status);
		return true;
	}
	if (io->op == BLK_FLUSH)
		blk_step_submit(io, &r->ext, SECTOR_FLUSH, 0, NULL, 0);
	else if (io->segs)
		blk_step_submit_segs(io, &r->ext,
				     io->op == BLK_READ ? SECTOR_READ
							: SECTOR_WRITE,
				     io->sector);
	else
		blk_step_submit(io, &r->ext,
				io->op == BLK_READ ? SECTOR_READ : SECTOR_WRITE,
				io->sector, io->buf, io->count);
	return raw_next(r, io);
}

/* Every guest request is checked here too, whatever the device did. */
static bool raw_allowed(struct blk_backend *b, const struct blk_io *io)
{
	switch (io->op) {
	case BLK_FLUSH: return true;
	case BLK_READ: return blk_in_range(b, io->sector, io->count);
	case BLK_WRITE:
		return !b->read_only && blk_in_range(b, io->sector, io->count);
	}
	return false;
}

static void raw_submit(struct blk_backend *b, struct blk_io *io)
{
	struct raw_disk *r = raw_of(b);

	if (!raw_allowed(b, io)) {
		blk_io_finish(io, -1);
		return;
	}
	if (raw_next(r, io))
		return;
	io->next = r->busy;
	r->busy = io;
}

static void raw_poll(struct blk_backend *b)
{
	struct raw_disk *r = raw_of(b);
	struct blk_io **link = &r->busy;

	if (r->ext.dev->poll)
		r->ext.dev->poll(r->ext.dev);
	while (*link) {
		struct blk_io *io = *link;

		if (raw_next(r, io))
			*link = io->next; /* finished: the caller's again */
		else
			link = &io->next;
	}
}

int raw_open(struct raw_disk *r, const char *name,
	     const struct sector_extent *ext, bool read_only)
{
	if (!sector_extent_valid(ext))
		return -1;
	r->ext = *ext;
	r->busy = NULL;
	r->backend = (struct blk_backend){
		.name = name,
		.sectors = ext->sectors,
		.read_only = read_only,
		.sg = true,
		.submit = raw_submit,
		.poll = raw_poll,
	};
	return 0;
}
