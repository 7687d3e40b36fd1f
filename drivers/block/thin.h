/*
 * drivers/block/thin.h - a thin disk image: a disk whose blocks take
 * room in the image only once the guest writes them (the format is in
 * drivers/block/thin_format.h and docs/disk-formats.md). Presented to
 * virtio-blk as a blk_backend; stored on a sector_extent.
 * Pure logic; runs where virtio-blk submits and polls (a VM exit, the
 * run loop; under the device's lock), and on the host in scripts/hv-disk (tools/hv-disk.c),
 * tests/unit/test_thin.c and tests/fuzz/fuzz_thin.c.
 *
 * Opening is two steps, so the caller allocates the memory:
 *
 *     struct thin_header h;
 *     if (thin_read_header(&ext, &h, why, sizeof(why)))   -> refuse: why
 *     mem = alloc(thin_mem_bytes(&h));
 *     if (thin_open(&t, name, &ext, &h, mem, ro, why, sizeof(why)))
 *                                                         -> refuse: why
 *     virtio_blk_init(..., &t.backend, ...);
 *
 * Writes that allocate follow the order that keeps the image whole
 * across a power cut: data block, FLUSH, map entry. A guest FLUSH is a
 * FLUSH of the device, which also stores the map entries written since.
 */
#ifndef DRIVERS_BLOCK_THIN_H
#define DRIVERS_BLOCK_THIN_H

#include "drivers/block/blk_backend.h"
#include "drivers/block/sector_dev.h"
#include "drivers/block/thin_format.h"

/* The header's fields, decoded. */
struct thin_header {
	uint64_t virtual_size; /* bytes */
	uint32_t block_size;   /* bytes */
	uint32_t flags;
	uint64_t map_offset; /* bytes */
	uint64_t map_entries;
	uint64_t data_offset; /* bytes */
};

struct thin_disk {
	struct blk_backend backend; /* first: a thin disk is a backend */
	struct sector_extent ext;
	struct thin_header hdr;
	uint8_t *map;		    /* the map as on disk: le32 entries */
	uint32_t block_sectors;	    /* sectors in a block */
	uint64_t first_data;	    /* the first data block's number */
	uint64_t end_block;	    /* no data block at or past this one */
	uint64_t next_block;	    /* the next block a write allocates */
	uint64_t allocated;	    /* map entries in use */
	bool broken;		    /* a map write failed: no more writes */
	struct blk_io *head, *tail; /* requests, in order; head runs */
};

/*
 * The header of a new image of virtual_size bytes (a multiple of 512)
 * in blocks of block_size bytes. 0, or -1 with why set when a size is
 * out of bounds.
 */
int thin_header_init(struct thin_header *h, uint64_t virtual_size,
		     uint32_t block_size, char *why, size_t why_len);

/* The header sector for h (with its checksum). */
void thin_header_encode(const struct thin_header *h,
			uint8_t sector[THIN_HDR_SIZE]);

/* Decode and check a header sector: magic, version, checksum, sizes,
 * layout. 0, or -1 with why set. */
int thin_header_decode(const uint8_t sector[THIN_HDR_SIZE],
		       struct thin_header *h, char *why, size_t why_len);

/* Bytes up to the first data block: the smallest image for h. */
static inline uint64_t thin_min_image_bytes(const struct thin_header *h)
{
	return h->data_offset;
}

/*
 * Write a new, empty image (header, zeroed map) at the start of ext and
 * flush. ext must hold at least thin_min_image_bytes(h). 0, or -1.
 */
int thin_format(const struct sector_extent *ext, const struct thin_header *h);

/* Read and check the header at the start of ext, and that ext can hold
 * its header and map. 0, or -1 with why set. */
int thin_read_header(const struct sector_extent *ext, struct thin_header *h,
		     char *why, size_t why_len);

/* The memory thin_open needs for the image of h (the map and, while
 * opening, one bit per possible data block). */
size_t thin_mem_bytes(const struct thin_header *h);

/*
 * Read the map of the image at ext (whose header h came from
 * thin_read_header) into mem (thin_mem_bytes(h) bytes, kept while the
 * disk is open) and check it: every entry inside the image and past the
 * map, no physical block named twice. 0 and t->backend ready, or -1
 * with why set.
 */
int thin_open(struct thin_disk *t, const char *name,
	      const struct sector_extent *ext, const struct thin_header *h,
	      void *mem, bool read_only, char *why, size_t why_len);

/* The physical block that holds virtual block v, or THIN_UNALLOCATED. */
uint32_t thin_map_get(const struct thin_disk *t, uint64_t v);

#endif
