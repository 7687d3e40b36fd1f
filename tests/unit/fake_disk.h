/*
 * tests/unit/fake_disk.h - a sector_dev in host memory for the disk
 * image tests, with what a real disk does that matters to an image
 * format: a volatile write cache (a write is durable only after a
 * FLUSH; a power cut keeps any subset of the writes since the last
 * one, each sector whole), completions that come later from poll
 * (deferred mode), a limit on sectors per request, injected errors, and
 * a power cut after a given number of requests.
 */
#ifndef TESTS_UNIT_FAKE_DISK_H
#define TESTS_UNIT_FAKE_DISK_H

#include <stdlib.h>
#include <string.h>
#include "drivers/block/sector_dev.h"

#define FAKE_DISK_GARBAGE 0xEE /* what never-written sectors hold */
#define FAKE_DISK_QUEUE	  4

struct fake_pending {
	uint64_t sector;
	uint8_t data[BLK_SECTOR_SIZE];
};

struct fake_disk {
	struct sector_dev dev;
	uint8_t *cache;		      /* what reads see */
	uint8_t *durable;	      /* what a power cut cannot take */
	uint8_t *stored;	      /* per sector: ever written durably */
	struct fake_pending *pending; /* writes since the last FLUSH */
	size_t npending, cap;
	bool deferred; /* complete in poll, not in submit */
	struct sector_req *queue[FAKE_DISK_QUEUE];
	unsigned queued;
	uint64_t requests;	    /* submitted so far */
	uint64_t cut_at;	    /* the power goes at this request */
	bool dead;		    /* power cut: every request fails */
	uint64_t fail_write_sector; /* a write touching it fails */
	uint64_t flushes, writes;
};

static inline void fake_disk_apply(struct fake_disk *d,
				   const struct fake_pending *p)
{
	memcpy(d->durable + (p->sector << BLK_SECTOR_SHIFT), p->data,
	       BLK_SECTOR_SIZE);
	d->stored[p->sector] = 1;
}

static inline void fake_disk_flush_cache(struct fake_disk *d)
{
	for (size_t i = 0; i < d->npending; i++)
		fake_disk_apply(d, &d->pending[i]);
	d->npending = 0;
}

static inline void fake_disk_remember(struct fake_disk *d, uint64_t sector,
				      const uint8_t *data)
{
	if (d->npending == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->pending = realloc(d->pending, d->cap * sizeof(*d->pending));
	}
	d->pending[d->npending].sector = sector;
	memcpy(d->pending[d->npending].data, data, BLK_SECTOR_SIZE);
	d->npending++;
}

/* Where sector i of r's data is: in its buffer, or in its list. */
static inline uint8_t *fake_disk_data(const struct sector_req *r, uint32_t i)
{
	size_t off = (size_t)i << BLK_SECTOR_SHIFT;
	unsigned k = 0;

	if (!r->segs)
		return (uint8_t *)r->buf + off;
	while (off >= r->segs[k].bytes)
		off -= r->segs[k++].bytes;
	return r->segs[k].buf + off;
}

static inline int fake_disk_do(struct fake_disk *d, struct sector_req *r)
{
	size_t off = (size_t)r->sector << BLK_SECTOR_SHIFT;

	if (d->dead)
		return -1;
	switch (r->op) {
	case SECTOR_READ:
		for (uint32_t i = 0; i < r->count; i++)
			memcpy(fake_disk_data(r, i),
			       d->cache + off + ((size_t)i << BLK_SECTOR_SHIFT),
			       BLK_SECTOR_SIZE);
		return 0;
	case SECTOR_WRITE:
		if (d->fail_write_sector >= r->sector &&
		    d->fail_write_sector < r->sector + r->count)
			return -1;
		d->writes++;
		for (uint32_t i = 0; i < r->count; i++) {
			memcpy(d->cache + off + ((size_t)i << BLK_SECTOR_SHIFT),
			       fake_disk_data(r, i), BLK_SECTOR_SIZE);
			fake_disk_remember(d, r->sector + i,
					   fake_disk_data(r, i));
		}
		return 0;
	case SECTOR_FLUSH:
		d->flushes++;
		fake_disk_flush_cache(d);
		return 0;
	}
	return -1;
}

/* The bytes of r's list of buffers, each a whole number of sectors
 * (else none). */
static inline uint64_t fake_disk_seg_bytes(const struct sector_req *r)
{
	uint64_t bytes = 0;

	for (unsigned i = 0; i < r->nsegs; i++) {
		if (r->segs[i].bytes % BLK_SECTOR_SIZE)
			return 0;
		bytes += r->segs[i].bytes;
	}
	return bytes;
}

static inline int fake_disk_submit(struct sector_dev *dev, struct sector_req *r)
{
	struct fake_disk *d = (struct fake_disk *)dev;

	/* the caller promised a range inside the device */
	if (r->op != SECTOR_FLUSH &&
	    (r->count == 0 || r->sector + r->count > dev->sectors ||
	     (dev->max_sectors && r->count > dev->max_sectors) ||
	     (r->segs && (r->buf || r->nsegs > dev->max_segs ||
			  fake_disk_seg_bytes(r) !=
				  (uint64_t)r->count << BLK_SECTOR_SHIFT))))
		abort();
	if (d->requests++ == d->cut_at)
		d->dead = true;
	if (d->deferred) {
		if (d->queued == FAKE_DISK_QUEUE)
			return -1;
		d->queue[d->queued++] = r;
		return 0;
	}
	r->done(r, fake_disk_do(d, r));
	return 0;
}

/* Completes the oldest queued request. */
static inline void fake_disk_poll(struct sector_dev *dev)
{
	struct fake_disk *d = (struct fake_disk *)dev;
	struct sector_req *r;

	if (!d->queued)
		return;
	r = d->queue[0];
	memmove(d->queue, d->queue + 1, --d->queued * sizeof(d->queue[0]));
	r->done(r, fake_disk_do(d, r));
}

static inline void fake_disk_init(struct fake_disk *d, uint64_t sectors)
{
	size_t bytes = (size_t)sectors << BLK_SECTOR_SHIFT;

	memset(d, 0, sizeof(*d));
	d->dev = (struct sector_dev){
		.name = "fake",
		.sectors = sectors,
		.submit = fake_disk_submit,
		.poll = fake_disk_poll,
	};
	d->cache = malloc(bytes);
	d->durable = malloc(bytes);
	d->stored = calloc(sectors, 1);
	memset(d->cache, FAKE_DISK_GARBAGE, bytes);
	memset(d->durable, FAKE_DISK_GARBAGE, bytes);
	d->cut_at = UINT64_MAX;
	d->fail_write_sector = UINT64_MAX;
}

/* Start again as a new disk of sectors (at most what it was made
 * with), keeping its memory: for a fuzz target's many runs. */
static inline void fake_disk_reuse(struct fake_disk *d, uint64_t sectors)
{
	struct fake_disk old = *d;
	size_t bytes = (size_t)sectors << BLK_SECTOR_SHIFT;

	memset(d, 0, sizeof(*d));
	d->dev = old.dev;
	d->dev.sectors = sectors;
	d->dev.max_sectors = 0;
	d->dev.max_segs = 0;
	d->cache = old.cache;
	d->durable = old.durable;
	d->stored = old.stored;
	d->pending = old.pending;
	d->cap = old.cap;
	memset(d->cache, FAKE_DISK_GARBAGE, bytes);
	memset(d->durable, FAKE_DISK_GARBAGE, bytes);
	memset(d->stored, 0, sectors);
	d->cut_at = UINT64_MAX;
	d->fail_write_sector = UINT64_MAX;
}

static inline void fake_disk_free(struct fake_disk *d)
{
	free(d->cache);
	free(d->durable);
	free(d->stored);
	free(d->pending);
	memset(d, 0, sizeof(*d));
}

/*
 * What survives a power cut: the durable sectors, plus each write since
 * the last FLUSH kept or lost as keep(i) says, in the order they came.
 * Becomes a new disk whose cache is that state, all of it durable.
 */
static inline void fake_disk_power_cut(struct fake_disk *d,
				       bool (*keep)(size_t i, void *ctx),
				       void *ctx, struct fake_disk *after)
{
	size_t bytes = (size_t)d->dev.sectors << BLK_SECTOR_SHIFT;

	fake_disk_init(after, d->dev.sectors);
	memcpy(after->durable, d->durable, bytes);
	memcpy(after->stored, d->stored, d->dev.sectors);
	for (size_t i = 0; i < d->npending; i++)
		if (keep(i, ctx))
			fake_disk_apply(after, &d->pending[i]);
	memcpy(after->cache, after->durable, bytes);
}

static inline struct sector_extent fake_disk_extent(struct fake_disk *d)
{
	return (struct sector_extent){&d->dev, 0, d->dev.sectors};
}

#endif
