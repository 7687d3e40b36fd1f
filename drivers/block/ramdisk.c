/*
 * drivers/block/ramdisk.c - a disk image in host RAM.
 * Pure logic; see drivers/block/ramdisk.h.
 */
#include "drivers/block/ramdisk.h"
#include "lib/string.h"

static uint8_t *at(struct blk_backend *b, uint64_t sector)
{
	return ((struct ramdisk *)b)->data + (sector << BLK_SECTOR_SHIFT);
}

static int ramdisk_read(struct blk_backend *b, uint64_t sector, void *buf,
			uint32_t count)
{
	memcpy(buf, at(b, sector), (size_t)count << BLK_SECTOR_SHIFT);
	return 0;
}

static int ramdisk_write(struct blk_backend *b, uint64_t sector,
			 const void *buf, uint32_t count)
{
	if (b->read_only)
		return -1;
	memcpy(at(b, sector), buf, (size_t)count << BLK_SECTOR_SHIFT);
	return 0;
}

static int ramdisk_flush(struct blk_backend *b)
{
	UNUSED(b); /* RAM: every write is already where it stays */
	return 0;
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
		.read = ramdisk_read,
		.write = ramdisk_write,
		.flush = ramdisk_flush,
	};
	return 0;
}
