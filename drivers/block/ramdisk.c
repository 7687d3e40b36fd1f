/*
 * drivers/block/ramdisk.c - a disk image in host RAM: every request is
 * finished inside submit.
 * Pure logic; see drivers/block/ramdisk.h.
 */
#include "drivers/block/ramdisk.h"
#include "lib/string.h"

static uint8_t *at(struct blk_backend *b, uint64_t sector)
{
	return ((struct ramdisk *)b)->data + (sector << BLK_SECTOR_SHIFT);
}

static int ramdisk_do(struct blk_backend *b, struct blk_io *io)
{
	size_t len = (size_t)io->count << BLK_SECTOR_SHIFT;

	if (io->op == BLK_FLUSH)
		return 0; /* RAM: every write is already where it stays */
	if (!blk_in_range(b, io->sector, io->count))
		return -1;
	if (io->op == BLK_READ) {
		memcpy(io->buf, at(b, io->sector), len);
		return 0;
	}
	if (io->op != BLK_WRITE || b->read_only)
		return -1;
	memcpy(at(b, io->sector), io->buf, len);
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
		.submit = ramdisk_submit,
	};
	return 0;
}
