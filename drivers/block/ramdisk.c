/*
 * drivers/block/ramdisk.c - a disk image in host RAM: every request is
 * finished inside submit; a list of buffers is copied one by one.
 * Pure logic; see drivers/block/ramdisk.h.
 */
#include "drivers/block/ramdisk.h"
#include "lib/string.h"

static uint8_t *at(struct blk_backend *b, uint64_t sector)
{
	return ((struct ramdisk *)b)->data + (sector << BLK_SECTOR_SHIFT);
}

/* Copy len bytes between the image at sector and buf. */
static void ramdisk_copy(struct blk_backend *b, const struct blk_io *io,
			 uint64_t sector, uint8_t *buf, size_t len)
{
	if (io->op == BLK_READ)
		memcpy(buf, at(b, sector), len);
	else
		memcpy(at(b, sector), buf, len);
}

static int ramdisk_do(struct blk_backend *b, struct blk_io *io)
{
	uint64_t sector = io->sector;

	if (io->op == BLK_FLUSH)
		return 0; /* RAM: every write is already where it stays */
	if (!blk_in_range(b, io->sector, io->count) ||
	    (io->op == BLK_WRITE && b->read_only) ||
	    (io->op != BLK_READ && io->op != BLK_WRITE))
		return -1;
	if (!io->segs) {
		ramdisk_copy(b, io, sector, io->buf,
			     (size_t)io->count << BLK_SECTOR_SHIFT);
		return 0;
	}
	for (unsigned i = 0; i < io->nsegs; i++) { /* whole sectors each */
		ramdisk_copy(b, io, sector, io->segs[i].buf, io->segs[i].bytes);
		sector += io->segs[i].bytes >> BLK_SECTOR_SHIFT;
	}
	return 0;
}

static void ramdisk_submit(struct blk_backend *b, struct blk_io *io)
{
	blk_io_finish(io, ramdisk_do(b, io));
}

int ramdisk_init(struct ramdisk *rd, const char *name, void *data,
		 uint64_t size, bool read_only)
{
	if (size == 0 || size % BLK_SECTOR_SIZE)
		return -1;
	rd->data = data;
	rd->backend = (struct blk_backend){
		.name = name,
		.sectors = size >> BLK_SECTOR_SHIFT,
		.read_only = read_only,
		.sg = true,
		.submit = ramdisk_submit,
	};
	return 0;
}
