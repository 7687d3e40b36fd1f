/*
 * drivers/block/sector_dev.c - waiting for the requests of a
 * sector_dev: the synchronous path the image formats use today.
 * Pure logic; runs wherever its caller runs (the VM exit that submits a
 * virtio-blk request; the host tool and tests).
 */
#include "drivers/block/sector_dev.h"

struct sector_wait {
	bool done;
	int status;
};

static void sector_wait_done(struct sector_req *r, int status)
{
	struct sector_wait *w = r->ctx;

	w->status = status;
	w->done = true;
}

bool sector_extent_valid(const struct sector_extent *e)
{
	return e->dev && e->sectors && e->first <= e->dev->sectors &&
	       e->sectors <= e->dev->sectors - e->first;
}

bool sector_req_buffers_ok(const struct sector_dev *d,
			   const struct sector_req *r)
{
	uint64_t bytes = 0;

	if (!r->segs)
		return r->buf != NULL;
	if (r->buf || !r->nsegs || r->nsegs > d->max_segs)
		return false;
	for (unsigned i = 0; i < r->nsegs; i++) {
		if (!r->segs[i].buf || !r->segs[i].bytes ||
		    r->segs[i].bytes % BLK_SECTOR_SIZE)
			return false;
		bytes += r->segs[i].bytes;
	}
	return bytes == (uint64_t)r->count << BLK_SECTOR_SHIFT;
}

static bool in_extent(const struct sector_extent *e, uint64_t sector,
		      uint32_t count)
{
	return count <= e->sectors && sector <= e->sectors - count;
}

/* One request on the device, waited for. */
static int sector_submit_wait(struct sector_dev *d, enum sector_op op,
			      uint64_t sector, void *buf, uint32_t count)
{
	struct sector_wait w = {.done = false, .status = -1};
	struct sector_req r = {
		.op = op,
		.sector = sector,
		.count = count,
		.buf = buf,
		.done = sector_wait_done,
		.ctx = &w,
	};

	if (d->submit(d, &r))
		return -1;
	while (!w.done) {
		if (!d->poll)
			return -1; /* a device that broke its promise */
		d->poll(d);
	}
	return w.status ? -1 : 0;
}

int sector_extent_io(const struct sector_extent *e, enum sector_op op,
		     uint64_t sector, void *buf, uint32_t count)
{
	struct sector_dev *d = e->dev;
	uint8_t *p = buf;

	if (op == SECTOR_FLUSH)
		return sector_submit_wait(d, op, 0, NULL, 0);
	if (count == 0 || !in_extent(e, sector, count))
		return -1;
	while (count) {
		uint32_t n =
			d->max_sectors ? MIN(count, d->max_sectors) : count;

		if (sector_submit_wait(d, op, e->first + sector, p, n))
			return -1;
		sector += n;
		p += (size_t)n << BLK_SECTOR_SHIFT;
		count -= n;
	}
	return 0;
}
