/*
 * drivers/block/thin.c - a thin disk image: blocks allocated at the end
 * of the image on the guest's first write to them, a map from virtual
 * to physical blocks, and the write order that keeps the map from ever
 * naming a block whose data is not stored.
 * Pure logic; see drivers/block/thin.h and docs/disk-formats.md.
 */
#define LOG_PREFIX "thin: "
#include "drivers/block/thin.h"
#include "lib/bytes.h"
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

#define SECTORS(bytes)	   ((bytes) >> BLK_SECTOR_SHIFT)
#define ENTRIES_PER_SECTOR (BLK_SECTOR_SIZE / THIN_ENTRY_SIZE)
#define ZERO_SECTORS	   (THIN_BLOCK_DEFAULT / BLK_SECTOR_SIZE)

/* What a new block holds where the guest did not write; never written
 * (zero-initialized, not const: .bss, not the image). */
static uint8_t thin_zeros[ZERO_SECTORS * BLK_SECTOR_SIZE];

static void put_le32(uint8_t *p, uint32_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

/* ---- the header -------------------------------------------------------- */

static uint64_t map_bytes(uint64_t entries)
{
	return ALIGN_UP(entries * THIN_ENTRY_SIZE, BLK_SECTOR_SIZE);
}

static bool block_size_ok(uint32_t bs)
{
	return bs >= THIN_BLOCK_MIN && bs <= THIN_BLOCK_MAX &&
	       (bs & (bs - 1)) == 0;
}

/* The layout version 1 gives a disk of this size and block size. */
static void thin_layout(struct thin_header *h)
{
	h->map_offset = THIN_MAP_OFFSET;
	h->map_entries = (h->virtual_size + h->block_size - 1) / h->block_size;
	h->data_offset = ALIGN_UP(h->map_offset + map_bytes(h->map_entries),
				  h->block_size);
}

static int thin_sizes_ok(uint64_t virtual_size, uint32_t block_size, char *why,
			 size_t why_len)
{
	if (!block_size_ok(block_size))
		return fmt_fail(
			why, why_len,
			"block size %u is not a power of 2 from %u to %u",
			block_size, THIN_BLOCK_MIN, THIN_BLOCK_MAX);
	if (virtual_size == 0 || virtual_size % BLK_SECTOR_SIZE)
		return fmt_fail(why, why_len,
				"virtual size %llu is not a whole number of "
				"512-byte sectors",
				(unsigned long long)virtual_size);
	if (virtual_size / block_size >= THIN_ENTRIES_MAX)
		return fmt_fail(why, why_len,
				"virtual size %llu needs more than %llu blocks "
				"of %u bytes",
				(unsigned long long)virtual_size,
				THIN_ENTRIES_MAX, block_size);
	return 0;
}

int thin_header_init(struct thin_header *h, uint64_t virtual_size,
		     uint32_t block_size, char *why, size_t why_len)
{
	if (thin_sizes_ok(virtual_size, block_size, why, why_len))
		return -1;
	*h = (struct thin_header){
		.virtual_size = virtual_size,
		.block_size = block_size,
	};
	thin_layout(h);
	return 0;
}

void thin_header_encode(const struct thin_header *h,
			uint8_t sector[THIN_HDR_SIZE])
{
	memset(sector, 0, THIN_HDR_SIZE);
	memcpy(sector + THIN_HDR_MAGIC, THIN_MAGIC, THIN_MAGIC_LEN);
	put_le32(sector + THIN_HDR_VERSION, THIN_VERSION);
	put_le32(sector + THIN_HDR_FLAGS, h->flags);
	put_le64(sector + THIN_HDR_VIRTUAL_SIZE, h->virtual_size);
	put_le32(sector + THIN_HDR_BLOCK_SIZE, h->block_size);
	put_le64(sector + THIN_HDR_MAP_OFFSET, h->map_offset);
	put_le64(sector + THIN_HDR_MAP_ENTRIES, h->map_entries);
	put_le64(sector + THIN_HDR_DATA_OFFSET, h->data_offset);
	put_le32(sector + THIN_HDR_CHECKSUM,
		 crc32_ieee(sector, THIN_HDR_CHECKSUM));
}

/* The fields that version 1 fixes by the sizes: map and data. */
static int thin_layout_ok(const struct thin_header *h, char *why,
			  size_t why_len)
{
	struct thin_header want = *h;

	thin_layout(&want);
	if (h->map_offset != want.map_offset)
		return fmt_fail(why, why_len,
				"map offset %llu is not where version 1 puts "
				"it (%llu)",
				(unsigned long long)h->map_offset,
				(unsigned long long)want.map_offset);
	if (h->map_entries != want.map_entries)
		return fmt_fail(why, why_len,
				"map length %llu entries does not fit the "
				"virtual size (%llu entries of %u bytes)",
				(unsigned long long)h->map_entries,
				(unsigned long long)want.map_entries,
				h->block_size);
	if (h->data_offset != want.data_offset)
		return fmt_fail(why, why_len,
				"data offset %llu is not the first block after "
				"the map (%llu)",
				(unsigned long long)h->data_offset,
				(unsigned long long)want.data_offset);
	return 0;
}

int thin_header_decode(const uint8_t sector[THIN_HDR_SIZE],
		       struct thin_header *h, char *why, size_t why_len)
{
	uint32_t version = get_le32(sector + THIN_HDR_VERSION);
	uint32_t stored = get_le32(sector + THIN_HDR_CHECKSUM);
	uint32_t computed = crc32_ieee(sector, THIN_HDR_CHECKSUM);

	if (memcmp(sector + THIN_HDR_MAGIC, THIN_MAGIC, THIN_MAGIC_LEN))
		return fmt_fail(why, why_len,
				"bad magic: not a thin image (no \"HVTHIN\" "
				"header)");
	if (version != THIN_VERSION)
		return fmt_fail(why, why_len,
				"version %u is not supported (this build reads "
				"version %u)",
				version, THIN_VERSION);
	if (stored != computed)
		return fmt_fail(why, why_len,
				"header checksum 0x%08x is wrong (the header's "
				"bytes give 0x%08x): the header is damaged",
				stored, computed);
	*h = (struct thin_header){
		.virtual_size = get_le64(sector + THIN_HDR_VIRTUAL_SIZE),
		.block_size = get_le32(sector + THIN_HDR_BLOCK_SIZE),
		.flags = get_le32(sector + THIN_HDR_FLAGS),
		.map_offset = get_le64(sector + THIN_HDR_MAP_OFFSET),
		.map_entries = get_le64(sector + THIN_HDR_MAP_ENTRIES),
		.data_offset = get_le64(sector + THIN_HDR_DATA_OFFSET),
	};
	if (h->flags || get_le32(sector + THIN_HDR_RESERVED))
		return fmt_fail(why, why_len,
				"unknown flags 0x%x (version 1 defines none)",
				h->flags |
					get_le32(sector + THIN_HDR_RESERVED));
	if (thin_sizes_ok(h->virtual_size, h->block_size, why, why_len))
		return -1;
	return thin_layout_ok(h, why, why_len);
}

/* ---- creating and opening ---------------------------------------------- */

static int write_zeros(const struct sector_extent *ext, uint64_t sector,
		       uint64_t count)
{
	while (count) {
		uint32_t n = (uint32_t)MIN(count, ZERO_SECTORS);

		if (sector_extent_io(ext, SECTOR_WRITE, sector,
				     (void *)thin_zeros, n))
			return -1;
		sector += n;
		count -= n;
	}
	return 0;
}

int thin_format(const struct sector_extent *ext, const struct thin_header *h)
{
	uint8_t sector[THIN_HDR_SIZE];

	if (!sector_extent_valid(ext) ||
	    ext->sectors < SECTORS(thin_min_image_bytes(h)))
		return -1;
	/* The map first, the header last: a half-made image has no magic. */
	if (write_zeros(ext, SECTORS(h->map_offset),
			SECTORS(map_bytes(h->map_entries))) ||
	    sector_extent_flush(ext))
		return -1;
	thin_header_encode(h, sector);
	if (sector_extent_io(ext, SECTOR_WRITE, 0, sector, 1))
		return -1;
	return sector_extent_flush(ext);
}

int thin_read_header(const struct sector_extent *ext, struct thin_header *h,
		     char *why, size_t why_len)
{
	uint8_t sector[THIN_HDR_SIZE];

	if (!sector_extent_valid(ext))
		return fmt_fail(why, why_len, "the image is empty");
	if (sector_extent_io(ext, SECTOR_READ, 0, sector, 1))
		return fmt_fail(why, why_len, "cannot read the header sector");
	if (thin_header_decode(sector, h, why, why_len))
		return -1;
	if (ext->sectors < SECTORS(thin_min_image_bytes(h)))
		return fmt_fail(why, why_len,
				"the image is %llu bytes, shorter than its "
				"header and map (%llu bytes)",
				(unsigned long long)ext->sectors
					<< BLK_SECTOR_SHIFT,
				(unsigned long long)thin_min_image_bytes(h));
	return 0;
}

size_t thin_mem_bytes(const struct thin_header *h)
{
	/* one bit per block a full disk can have */
	return map_bytes(h->map_entries) + ALIGN_UP(h->map_entries, 64) / 8;
}

uint32_t thin_map_get(const struct thin_disk *t, uint64_t v)
{
	return get_le32(t->map + v * THIN_ENTRY_SIZE);
}

static void thin_map_set(struct thin_disk *t, uint64_t v, uint32_t p)
{
	put_le32(t->map + v * THIN_ENTRY_SIZE, p);
}

/* Entry v names physical block p: a block of data, inside the image. */
static int thin_entry_ok(const struct thin_disk *t, uint64_t v, uint64_t p,
			 char *why, size_t why_len)
{
	uint64_t image_blocks = t->ext.sectors / t->block_sectors;

	if (p < t->first_data)
		return fmt_fail(why, why_len,
				"map entry %llu points at physical block %llu, "
				"inside the header and map (data starts at "
				"block %llu)",
				(unsigned long long)v, (unsigned long long)p,
				(unsigned long long)t->first_data);
	if (p >= image_blocks)
		return fmt_fail(why, why_len,
				"map entry %llu points at physical block %llu, "
				"past the end of the image (%llu blocks)",
				(unsigned long long)v, (unsigned long long)p,
				(unsigned long long)image_blocks);
	if (p >= t->end_block)
		return fmt_fail(why, why_len,
				"map entry %llu points at physical block %llu, "
				"past the last block a disk of %llu blocks can "
				"allocate (%llu)",
				(unsigned long long)v, (unsigned long long)p,
				(unsigned long long)t->hdr.map_entries,
				(unsigned long long)t->end_block - 1);
	return 0;
}

/* The first entry before v that also names p (there is one). */
static uint64_t thin_first_with(const struct thin_disk *t, uint64_t v,
				uint32_t p)
{
	for (uint64_t u = 0; u < v; u++)
		if (thin_map_get(t, u) == p)
			return u;
	return v;
}

/* Every entry in range, no physical block twice; counts the entries
 * and finds the end of the data. seen: one bit per data block. */
static int thin_check_map(struct thin_disk *t, uint8_t *seen, char *why,
			  size_t why_len)
{
	for (uint64_t v = 0; v < t->hdr.map_entries; v++) {
		uint32_t p = thin_map_get(t, v);
		uint64_t bit;

		if (p == THIN_UNALLOCATED)
			continue;
		if (thin_entry_ok(t, v, p, why, why_len))
			return -1;
		bit = p - t->first_data; /* below the map's length */
		if (seen[bit / 8] & BIT(bit % 8))
			return fmt_fail(
				why, why_len,
				"map entries %llu and %llu both point "
				"at physical block %u",
				(unsigned long long)thin_first_with(t, v, p),
				(unsigned long long)v, p);
		seen[bit / 8] |= (uint8_t)BIT(bit % 8);
		t->allocated++;
		t->next_block = MAX(t->next_block, (uint64_t)p + 1);
	}
	return 0;
}

static int thin_read_map(struct thin_disk *t)
{
	return sector_extent_io(
		&t->ext, SECTOR_READ, SECTORS(t->hdr.map_offset), t->map,
		(uint32_t)SECTORS(map_bytes(t->hdr.map_entries)));
}

static void thin_submit(struct blk_backend *b, struct blk_io *io);
static void thin_poll(struct blk_backend *b);

int thin_open(struct thin_disk *t, const char *name,
	      const struct sector_extent *ext, const struct thin_header *h,
	      void *mem, bool read_only, char *why, size_t why_len)
{
	uint8_t *seen = (uint8_t *)mem + map_bytes(h->map_entries);

	*t = (struct thin_disk){
		.ext = *ext,
		.hdr = *h,
		.map = mem,
		.block_sectors = (uint32_t)SECTORS(h->block_size),
		.first_data = h->data_offset / h->block_size,
	};
	t->end_block = t->first_data + h->map_entries;
	t->next_block = t->first_data;
	memset(seen, 0, ALIGN_UP(h->map_entries, 64) / 8);
	if (thin_read_map(t))
		return fmt_fail(why, why_len, "cannot read the map");
	if (thin_check_map(t, seen, why, why_len))
		return -1;
	t->end_block = MIN(t->end_block, ext->sectors / t->block_sectors);
	t->backend = (struct blk_backend){
		.name = name,
		.sectors = SECTORS(h->virtual_size),
		.read_only = read_only,
		.submit = thin_submit,
		.poll = thin_poll,
	};
	return 0;
}

/* ---- guest requests ----------------------------------------------------
 *
 * One request at a time, in the order submitted (t->head is the one in
 * progress): allocations then happen in order, and a read never sees a
 * block whose map entry is not stored yet. A request is cut at block
 * boundaries into parts; each part is one step on the host disk, or
 * (the guest's first write to a block) the steps of an allocation:
 *
 *   THIN_ALLOC        the new block, a step at a time: zeros before the
 *                     guest's sectors, its sectors, zeros after them
 *                     (cursor: sectors of the block submitted)
 *   THIN_ALLOC_FLUSH  FLUSH: all of the block is stored
 *   THIN_ALLOC_MAP    only then the map sector naming it
 *
 * A power cut before the map entry is stored leaves the block unnamed,
 * and the next allocation takes the same block again.
 */

enum thin_stage {
	THIN_PART,	  /* at the start of the part at io->pos */
	THIN_PART_IO,	  /* a read or write of an allocated block */
	THIN_ALLOC,	  /* writing a new block */
	THIN_ALLOC_FLUSH, /* flushing it */
	THIN_ALLOC_MAP,	  /* writing the map entry that names it */
	THIN_FLUSH,	  /* the guest's FLUSH */
};

static struct thin_disk *thin_of(struct blk_backend *b)
{
	return (struct thin_disk *)b;
}

static uint64_t thin_block_start(const struct thin_disk *t, uint32_t p)
{
	return (uint64_t)p * t->block_sectors;
}

/* The part of io at io->pos: virtual block v, sectors [off, off + n). */
struct thin_part {
	uint64_t v;
	uint32_t off, n;
	uint8_t *buf;
};

static struct thin_part thin_part_at(const struct thin_disk *t,
				     const struct blk_io *io)
{
	uint64_t sector = io->sector + io->pos;
	uint32_t off = (uint32_t)(sector % t->block_sectors);

	return (struct thin_part){
		.v = sector / t->block_sectors,
		.off = off,
		.n = (uint32_t)MIN(io->count - io->pos,
				   (uint64_t)(t->block_sectors - off)),
		.buf = (uint8_t *)io->buf + (io->pos << BLK_SECTOR_SHIFT),
	};
}

/* The map sector that holds entry v, written as a step of io. */
static void thin_write_entry(struct thin_disk *t, struct blk_io *io, uint64_t v)
{
	uint64_t s = v / ENTRIES_PER_SECTOR;

	blk_step_submit(io, &t->ext, SECTOR_WRITE,
			SECTORS(t->hdr.map_offset) + s,
			t->map + (s << BLK_SECTOR_SHIFT), 1);
}

/* The next piece of the new block t->next_block: zeros up to the
 * guest's sectors, the guest's sectors, zeros after them. */
static void thin_alloc_step(struct thin_disk *t, struct blk_io *io)
{
	struct thin_part part = thin_part_at(t, io);
	uint64_t start = thin_block_start(t, (uint32_t)t->next_block);
	uint32_t c = (uint32_t)io->cursor, end;

	if (c == part.off) {
		io->cursor = part.off + part.n;
		blk_step_submit(io, &t->ext, SECTOR_WRITE, start + c, part.buf,
				part.n);
		return;
	}
	end = c < part.off ? part.off : t->block_sectors;
	end = MIN(end, c + (uint32_t)ZERO_SECTORS);
	io->cursor = end;
	blk_step_submit(io, &t->ext, SECTOR_WRITE, start + c, thin_zeros,
			end - c);
}

/* The guest's first write to a block: a new one at the end. */
static bool thin_alloc_start(struct thin_disk *t, struct blk_io *io, uint64_t v)
{
	if (t->next_block >= t->end_block) {
		pr_err("%s: image full (%llu blocks): cannot allocate block "
		       "%llu",
		       t->backend.name, (unsigned long long)t->allocated,
		       (unsigned long long)v);
		return false;
	}
	io->stage = THIN_ALLOC;
	io->cursor = 0;
	thin_alloc_step(t, io);
	return true;
}

/* Start the part at io->pos: a step submitted (or, for a read of an
 * unallocated block, zeros and the next part); true when io is over. */
static bool thin_part_start(struct thin_disk *t, struct blk_io *io)
{
	struct thin_part part = thin_part_at(t, io);
	uint32_t p;

	if (io->pos == io->count) {
		blk_io_finish(io, 0);
		return true;
	}
	p = thin_map_get(t, part.v);
	if (io->op == BLK_WRITE && t->broken) {
		blk_io_finish(io, -1);
		return true;
	}
	if (p == THIN_UNALLOCATED && io->op == BLK_READ) {
		memset(part.buf, 0, (size_t)part.n << BLK_SECTOR_SHIFT);
		io->pos += part.n;
		return false;
	}
	if (p == THIN_UNALLOCATED) {
		if (thin_alloc_start(t, io, part.v))
			return false;
		blk_io_finish(io, -1);
		return true;
	}
	io->stage = THIN_PART_IO;
	blk_step_submit(io, &t->ext,
			io->op == BLK_READ ? SECTOR_READ : SECTOR_WRITE,
			thin_block_start(t, p) + part.off, part.buf, part.n);
	return false;
}

/* The map entry could not be written: it may be stored or not, and
 * allocating again could name one block twice. No more writes until the
 * image is opened again. */
static void thin_map_failed(struct thin_disk *t, uint64_t v)
{
	thin_map_set(t, v, THIN_UNALLOCATED);
	t->broken = true;
	pr_err("%s: cannot write map entry %llu: no more writes",
	       t->backend.name, (unsigned long long)v);
}

/* io's step is over: go on to the next stage; true when io is over. */
static bool thin_step_over(struct thin_disk *t, struct blk_io *io)
{
	if (io->step.status) {
		if (io->stage == THIN_ALLOC_MAP)
			thin_map_failed(t, thin_part_at(t, io).v);
		blk_io_finish(io, -1);
		return true;
	}
	switch (io->stage) {
	case THIN_FLUSH: blk_io_finish(io, 0); return true;
	case THIN_ALLOC:
		if (io->cursor < t->block_sectors) {
			thin_alloc_step(t, io);
			return false;
		}
		io->stage = THIN_ALLOC_FLUSH;
		blk_step_submit(io, &t->ext, SECTOR_FLUSH, 0, NULL, 0);
		return false;
	case THIN_ALLOC_FLUSH: {
		uint64_t v = thin_part_at(t, io).v;

		thin_map_set(t, v, (uint32_t)t->next_block);
		io->stage = THIN_ALLOC_MAP;
		thin_write_entry(t, io, v);
		return false;
	}
	case THIN_ALLOC_MAP:
		t->next_block++;
		t->allocated++;
		break;
	}
	/* THIN_PART_IO, THIN_ALLOC_MAP: the part is done */
	io->pos += thin_part_at(t, io).n;
	io->stage = THIN_PART;
	return false;
}

/* Everything io can do now; true once it is over. */
static bool thin_next(struct thin_disk *t, struct blk_io *io)
{
	for (;;) {
		if (io->step.busy) {
			if (!blk_step_take(io))
				return false; /* on the host disk */
			if (thin_step_over(t, io))
				return true;
			continue;
		}
		if (io->stage == THIN_FLUSH) {
			blk_step_submit(io, &t->ext, SECTOR_FLUSH, 0, NULL, 0);
			continue;
		}
		if (thin_part_start(t, io))
			return true;
	}
}

/* Run the queue: the head until it waits on the host disk. */
static void thin_run(struct thin_disk *t)
{
	while (t->head && thin_next(t, t->head)) {
		t->head = t->head->next;
		if (!t->head)
			t->tail = NULL;
	}
}

static bool thin_allowed(struct thin_disk *t, const struct blk_io *io)
{
	switch (io->op) {
	case BLK_FLUSH: return true;
	case BLK_READ: return blk_in_range(&t->backend, io->sector, io->count);
	case BLK_WRITE:
		return !t->backend.read_only && !t->broken &&
		       blk_in_range(&t->backend, io->sector, io->count);
	}
	return false;
}

static void thin_submit(struct blk_backend *b, struct blk_io *io)
{
	struct thin_disk *t = thin_of(b);

	if (!thin_allowed(t, io)) {
		blk_io_finish(io, -1);
		return;
	}
	io->stage = io->op == BLK_FLUSH ? THIN_FLUSH : THIN_PART;
	io->next = NULL;
	if (t->tail)
		t->tail->next = io;
	else
		t->head = io;
	t->tail = io;
	if (t->head == io)
		thin_run(t);
}

static void thin_poll(struct blk_backend *b)
{
	struct thin_disk *t = thin_of(b);

	if (t->ext.dev->poll)
		t->ext.dev->poll(t->ext.dev);
	thin_run(t);
}
