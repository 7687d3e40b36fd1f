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
#define ZERO_SECTORS	   8

/* What a new block holds where the guest did not write. */
static const uint8_t thin_zeros[ZERO_SECTORS * BLK_SECTOR_SIZE];

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

static int thin_read(struct blk_backend *b, uint64_t sector, void *buf,
		     uint32_t count);
static int thin_write(struct blk_backend *b, uint64_t sector, const void *buf,
		      uint32_t count);
static int thin_flush(struct blk_backend *b);

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
		.read = thin_read,
		.write = thin_write,
		.flush = thin_flush,
	};
	return 0;
}

/* ---- guest requests ---------------------------------------------------- */

static struct thin_disk *thin_of(struct blk_backend *b)
{
	return (struct thin_disk *)b;
}

static uint64_t thin_block_start(const struct thin_disk *t, uint32_t p)
{
	return (uint64_t)p * t->block_sectors;
}

static int thin_read_part(struct thin_disk *t, uint64_t v, uint32_t off,
			  uint8_t *buf, uint32_t n)
{
	uint32_t p = thin_map_get(t, v);

	if (p == THIN_UNALLOCATED) {
		memset(buf, 0, (size_t)n << BLK_SECTOR_SHIFT);
		return 0;
	}
	return sector_extent_io(&t->ext, SECTOR_READ,
				thin_block_start(t, p) + off, buf, n);
}

/* Store map entry v: write the map sector that holds it. */
static int thin_write_entry(struct thin_disk *t, uint64_t v)
{
	uint64_t s = v / ENTRIES_PER_SECTOR;

	return sector_extent_io(&t->ext, SECTOR_WRITE,
				SECTORS(t->hdr.map_offset) + s,
				t->map + (s << BLK_SECTOR_SHIFT), 1);
}

/*
 * The guest's first write to block v: a new block at the end, holding
 * the guest's n sectors at off and zeros around them; FLUSH, so that
 * all of it is stored; only then the map entry. A power cut before the
 * entry is stored leaves the block unnamed, and the next allocation
 * takes the same block again.
 */
static int thin_allocate(struct thin_disk *t, uint64_t v, uint32_t off,
			 const uint8_t *buf, uint32_t n)
{
	uint64_t p = t->next_block;
	uint64_t start = thin_block_start(t, (uint32_t)p);

	if (p >= t->end_block) {
		pr_err("%s: image full (%llu blocks): cannot allocate block "
		       "%llu",
		       t->backend.name, (unsigned long long)t->allocated,
		       (unsigned long long)v);
		return -1;
	}
	if (write_zeros(&t->ext, start, off) ||
	    sector_extent_io(&t->ext, SECTOR_WRITE, start + off, (void *)buf,
			     n) ||
	    write_zeros(&t->ext, start + off + n, t->block_sectors - off - n) ||
	    sector_extent_flush(&t->ext))
		return -1;
	thin_map_set(t, v, (uint32_t)p);
	if (thin_write_entry(t, v)) {
		/* The entry may be stored or not: allocating again could
		 * name one block twice. Stop writing until reopened. */
		thin_map_set(t, v, THIN_UNALLOCATED);
		t->broken = true;
		pr_err("%s: cannot write map entry %llu: no more writes",
		       t->backend.name, (unsigned long long)v);
		return -1;
	}
	t->next_block++;
	t->allocated++;
	return 0;
}

static int thin_write_part(struct thin_disk *t, uint64_t v, uint32_t off,
			   const uint8_t *buf, uint32_t n)
{
	uint32_t p = thin_map_get(t, v);

	if (p == THIN_UNALLOCATED)
		return thin_allocate(t, v, off, buf, n);
	return sector_extent_io(&t->ext, SECTOR_WRITE,
				thin_block_start(t, p) + off, (void *)buf, n);
}

static bool thin_in_range(struct blk_backend *b, uint64_t sector,
			  uint32_t count)
{
	return count <= b->sectors && sector <= b->sectors - count;
}

/* Cut [sector, sector + count) at block boundaries. */
static int thin_each_part(struct thin_disk *t, uint64_t sector, uint8_t *buf,
			  uint32_t count, bool write)
{
	while (count) {
		uint64_t v = sector / t->block_sectors;
		uint32_t off = (uint32_t)(sector % t->block_sectors);
		uint32_t n = MIN(count, t->block_sectors - off);
		int err = write ? thin_write_part(t, v, off, buf, n)
				: thin_read_part(t, v, off, buf, n);

		if (err)
			return -1;
		sector += n;
		buf += (size_t)n << BLK_SECTOR_SHIFT;
		count -= n;
	}
	return 0;
}

static int thin_read(struct blk_backend *b, uint64_t sector, void *buf,
		     uint32_t count)
{
	if (!thin_in_range(b, sector, count))
		return -1;
	return thin_each_part(thin_of(b), sector, buf, count, false);
}

static int thin_write(struct blk_backend *b, uint64_t sector, const void *buf,
		      uint32_t count)
{
	struct thin_disk *t = thin_of(b);

	if (b->read_only || t->broken || !thin_in_range(b, sector, count))
		return -1;
	return thin_each_part(t, sector, (uint8_t *)buf, count, true);
}

static int thin_flush(struct blk_backend *b)
{
	return sector_extent_flush(&thin_of(b)->ext);
}
