/*
 * drivers/block/raw.c - a raw disk image over a sector extent.
 * Pure logic; see drivers/block/raw.h.
 */
#include "drivers/block/raw.h"

static struct raw_disk *raw_of(struct blk_backend *b)
{
	return (struct raw_disk *)b;
}

/* Every guest request is checked here too, whatever the device did. */
static bool raw_in_range(struct blk_backend *b, uint64_t sector, uint32_t count)
{
	return count <= b->sectors && sector <= b->sectors - count;
}

static int raw_read(struct blk_backend *b, uint64_t sector, void *buf,
		    uint32_t count)
{
	if (!raw_in_range(b, sector, count))
		return -1;
	return sector_extent_io(&raw_of(b)->ext, SECTOR_READ, sector, buf,
				count);
}

static int raw_write(struct blk_backend *b, uint64_t sector, const void *buf,
		     uint32_t count)
{
	if (b->read_only || !raw_in_range(b, sector, count))
		return -1;
	return sector_extent_io(&raw_of(b)->ext, SECTOR_WRITE, sector,
				(void *)buf, count);
}

static int raw_flush(struct blk_backend *b)
{
	return sector_extent_flush(&raw_of(b)->ext);
}

int raw_open(struct raw_disk *r, const char *name,
	     const struct sector_extent *ext, bool read_only)
{
	if (!sector_extent_valid(ext))
		return -1;
	r->ext = *ext;
	r->backend = (struct blk_backend){
		.name = name,
		.sectors = ext->sectors,
		.read_only = read_only,
		.read = raw_read,
		.write = raw_write,
		.flush = raw_flush,
	};
	return 0;
}
