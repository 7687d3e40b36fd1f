/*
 * tests/unit/test_thin.c - drivers/block/thin.c on the host, over the
 * fake disk of tests/unit/fake_disk.h: what a guest reads and writes
 * (zeros where it never wrote, its data where it did), the bounds, that
 * the image grows only by the blocks written, that reopening gives the
 * same disk, the damaged images it refuses and why, and power cuts at
 * every request of a write and flush workload.
 */
#include <stdio.h>
#include "tests/unit/support.h"
#include "tests/unit/fake_disk.h"
#include "drivers/block/thin.h"
#include "lib/bytes.h"
#include "lib/crc32.h"
#include "lib/log.h"

#define BS	     4096u /* small blocks: 8 sectors */
#define BSEC	     (BS / 512)
#define VBLOCKS	     16
#define VSECTORS     (VBLOCKS * BSEC)
#define FIRST_DATA   1 /* header + map fit in block 0 */
#define DISK_SECTORS ((FIRST_DATA + VBLOCKS) * BSEC)

static struct fake_disk disk;
static struct thin_disk thin;
static void *mem;
static char why[200];

static void quiet(const char *line, size_t len)
{
}

static void format_disk(uint64_t disk_sectors)
{
	struct thin_header h;
	struct sector_extent e;

	fake_disk_init(&disk, disk_sectors);
	e = fake_disk_extent(&disk);
	assert_int_equal(
		thin_header_init(&h, VSECTORS * 512ull, BS, why, sizeof(why)),
		0);
	assert_int_equal(thin_format(&e, &h), 0);
}

/* thin_read_header + thin_open on the fake disk; 0 or -1 with why. */
static int try_open(struct fake_disk *d, struct thin_disk *t, void **m)
{
	struct sector_extent e = fake_disk_extent(d);
	struct thin_header h;

	why[0] = '\0';
	*m = NULL;
	if (thin_read_header(&e, &h, why, sizeof(why)))
		return -1;
	*m = malloc(thin_mem_bytes(&h));
	return thin_open(t, "t.img", &e, &h, *m, false, why, sizeof(why));
}

static void open_disk(void)
{
	free(mem);
	assert_int_equal(try_open(&disk, &thin, &mem), 0);
}

static int setup(void **state)
{
	log_set_sink(quiet);
	format_disk(DISK_SECTORS);
	mem = NULL;
	open_disk();
	return 0;
}

static int teardown(void **state)
{
	free(mem);
	mem = NULL;
	fake_disk_free(&disk);
	return 0;
}

static struct blk_backend *be(void)
{
	return &thin.backend;
}

static void fill(uint8_t *buf, uint32_t count, uint8_t seed)
{
	for (uint32_t i = 0; i < count * 512; i++)
		buf[i] = (uint8_t)(seed + i * 7 + i / 512);
}

static void test_crc32_vector(void **state)
{
	assert_int_equal(crc32_ieee("123456789", 9), 0xCBF43926u);
}

static void test_new_disk_reads_zeros(void **state)
{
	uint8_t buf[VSECTORS * 512], zero[VSECTORS * 512] = {0};

	assert_int_equal(be()->sectors, VSECTORS);
	assert_int_equal(blk_read(be(), 0, buf, VSECTORS), 0);
	assert_memory_equal(buf, zero, sizeof(buf));
	assert_int_equal(thin.allocated, 0);
	/* the garbage the disk held beyond the map was never written */
	assert_int_equal(disk.stored[FIRST_DATA * BSEC], 0);
}

static void test_write_then_read(void **state)
{
	uint8_t data[3 * 512], buf[BSEC * 512], zero[512] = {0};

	fill(data, 3, 1);
	/* sectors 2-4 of virtual block 5 */
	assert_int_equal(blk_write(be(), 5 * BSEC + 2, data, 3), 0);
	assert_int_equal(blk_read(be(), 5 * BSEC, buf, BSEC), 0);
	assert_memory_equal(buf + 2 * 512, data, sizeof(data));
	/* the rest of the new block reads zeros, not the disk's garbage */
	for (unsigned s = 0; s < BSEC; s++)
		if (s < 2 || s > 4)
			assert_memory_equal(buf + s * 512, zero, 512);
	/* the other blocks are untouched */
	assert_int_equal(blk_read(be(), 4 * BSEC + 7, buf, 1), 0);
	assert_memory_equal(buf, zero, 512);
	assert_int_equal(thin.allocated, 1);
	assert_int_equal(thin_map_get(&thin, 5), FIRST_DATA);
}

static void test_allocation_grows_by_blocks_written(void **state)
{
	uint8_t data[BSEC * 2 * 512], buf[sizeof(data)];

	fill(data, BSEC * 2, 9);
	/* a write across the boundary of blocks 1 and 2 takes two blocks */
	assert_int_equal(blk_write(be(), BSEC + 4, data, BSEC), 0);
	assert_int_equal(thin.allocated, 2);
	/* writing them again takes nothing */
	assert_int_equal(blk_write(be(), BSEC, data, 2 * BSEC), 0);
	assert_int_equal(thin.allocated, 2);
	/* one sector of the last block: a third */
	assert_int_equal(blk_write(be(), VSECTORS - 1, data, 1), 0);
	assert_int_equal(thin.allocated, 3);
	assert_int_equal(thin.next_block, FIRST_DATA + 3);
	/* blocks were taken in the order of first writes */
	assert_int_equal(thin_map_get(&thin, 1), FIRST_DATA);
	assert_int_equal(thin_map_get(&thin, 2), FIRST_DATA + 1);
	assert_int_equal(thin_map_get(&thin, VBLOCKS - 1), FIRST_DATA + 2);
	assert_int_equal(blk_read(be(), BSEC, buf, 2 * BSEC), 0);
	assert_memory_equal(buf, data, sizeof(data));
	/* nothing written past the third data block */
	for (uint64_t s = (FIRST_DATA + 3) * BSEC; s < DISK_SECTORS; s++)
		assert_int_equal(disk.stored[s] || disk.cache[s * 512] !=
							   FAKE_DISK_GARBAGE,
				 0);
}

static void test_bounds(void **state)
{
	uint8_t buf[2 * 512] = {0};

	assert_int_equal(blk_read(be(), VSECTORS, buf, 1), -1);
	assert_int_equal(blk_read(be(), VSECTORS - 1, buf, 2), -1);
	assert_int_equal(blk_write(be(), VSECTORS - 1, buf, 2), -1);
	assert_int_equal(blk_write(be(), UINT64_MAX, buf, 1), -1);
	assert_int_equal(blk_read(be(), 1, buf, UINT32_MAX), -1);
	assert_int_equal(thin.allocated, 0);
	assert_int_equal(blk_read(be(), VSECTORS - 1, buf, 1), 0);
}

static void test_reopen_same_data(void **state)
{
	uint8_t data[VSECTORS * 512], buf[VSECTORS * 512];

	fill(data, VSECTORS, 3);
	for (unsigned v = 0; v < VBLOCKS; v += 3)
		assert_int_equal(
			blk_write(be(), v * BSEC + v % (BSEC - 1),
				  data + (v * BSEC + v % (BSEC - 1)) * 512, 2),
			0);
	assert_int_equal(blk_flush(be()), 0);
	assert_int_equal(blk_read(be(), 0, data, VSECTORS), 0);
	open_disk();
	assert_int_equal(thin.allocated, (VBLOCKS + 2) / 3);
	assert_int_equal(blk_read(be(), 0, buf, VSECTORS), 0);
	assert_memory_equal(buf, data, sizeof(buf));
	/* and what was flushed is in the durable state too */
	memcpy(disk.cache, disk.durable, DISK_SECTORS * 512ull);
	open_disk();
	assert_int_equal(blk_read(be(), 0, buf, VSECTORS), 0);
	assert_memory_equal(buf, data, sizeof(buf));
}

static void test_read_only(void **state)
{
	struct sector_extent e = fake_disk_extent(&disk);
	struct thin_header h;
	uint8_t buf[512] = {1};

	assert_int_equal(thin_read_header(&e, &h, why, sizeof(why)), 0);
	assert_int_equal(
		thin_open(&thin, "ro", &e, &h, mem, true, why, sizeof(why)), 0);
	assert_true(be()->read_only);
	disk.writes = 0;
	assert_int_equal(blk_write(be(), 0, buf, 1), -1);
	assert_int_equal(disk.writes, 0);
}

/* Completions that come from poll, and requests cut to 3 sectors. */
static void test_deferred_device(void **state)
{
	uint8_t data[2 * BSEC * 512], buf[sizeof(data)];

	disk.deferred = true;
	disk.dev.max_sectors = 3;
	fill(data, 2 * BSEC, 5);
	assert_int_equal(blk_write(be(), 3, data, 2 * BSEC), 0);
	assert_int_equal(blk_flush(be()), 0);
	assert_int_equal(blk_read(be(), 3, buf, 2 * BSEC), 0);
	assert_memory_equal(buf, data, sizeof(buf));
	assert_int_equal(thin.allocated, 3);
	open_disk();
	assert_int_equal(blk_read(be(), 3, buf, 2 * BSEC), 0);
	assert_memory_equal(buf, data, sizeof(buf));
}

/* The map sector cannot be written: no half-known entry is reused. */
static void test_map_write_error_stops_writes(void **state)
{
	uint8_t data[512], buf[512], zero[512] = {0};

	fill(data, 1, 2);
	disk.fail_write_sector = 1; /* the map */
	assert_int_equal(blk_write(be(), 0, data, 1), -1);
	assert_true(thin.broken);
	assert_int_equal(thin.allocated, 0);
	disk.fail_write_sector = UINT64_MAX;
	assert_int_equal(blk_write(be(), 8 * BSEC, data, 1), -1);
	assert_int_equal(blk_read(be(), 0, buf, 1), 0);
	assert_memory_equal(buf, zero, 512);
	open_disk();
	assert_int_equal(blk_write(be(), 0, data, 1), 0);
}

/* A data write that fails takes no block. */
static void test_data_write_error(void **state)
{
	uint8_t data[512];

	fill(data, 1, 2);
	disk.fail_write_sector = FIRST_DATA * BSEC + 3;
	assert_int_equal(blk_write(be(), 3, data, 1), -1);
	assert_false(thin.broken);
	assert_int_equal(thin.allocated, 0);
	assert_int_equal(thin_map_get(&thin, 0), 0);
	disk.fail_write_sector = UINT64_MAX;
	assert_int_equal(blk_write(be(), 3, data, 1), 0);
	assert_int_equal(thin_map_get(&thin, 0), FIRST_DATA);
}

/* An image on a partition with room for two data blocks. */
static void test_full_image(void **state)
{
	uint8_t data[512], buf[512];

	teardown(state);
	format_disk((FIRST_DATA + 2) * BSEC);
	open_disk();
	fill(data, 1, 4);
	assert_int_equal(blk_write(be(), 0, data, 1), 0);
	assert_int_equal(blk_write(be(), 5 * BSEC, data, 1), 0);
	assert_int_equal(blk_write(be(), 9 * BSEC, data, 1), -1);
	assert_int_equal(thin.allocated, 2);
	/* an allocated block still takes writes */
	assert_int_equal(blk_write(be(), 5 * BSEC + 1, data, 1), 0);
	assert_int_equal(blk_read(be(), 5 * BSEC + 1, buf, 1), 0);
	assert_memory_equal(buf, data, 512);
}

static void test_header_sizes(void **state)
{
	struct thin_header h;

	assert_int_equal(
		thin_header_init(&h, 1ull << 30, 65536, why, sizeof(why)), 0);
	assert_int_equal(h.map_entries, 16384);
	assert_int_equal(h.map_offset, 512);
	assert_int_equal(h.data_offset, 131072); /* 512 + 64 KiB, rounded */
	assert_int_equal(
		thin_header_init(&h, 1ull << 30, 3000, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "block size 3000"));
	assert_int_equal(thin_header_init(&h, 1000, 4096, why, sizeof(why)),
			 -1);
	assert_non_null(strstr(why, "virtual size 1000"));
	/* a size that is not a whole number of blocks: the last is short */
	assert_int_equal(
		thin_header_init(&h, 4096 + 512, 4096, why, sizeof(why)), 0);
	assert_int_equal(h.map_entries, 2);
}

/* The last part of a disk whose size is not whole blocks. */
static void test_short_last_block(void **state)
{
	struct thin_header h;
	struct sector_extent e;
	uint8_t data[512], buf[512];

	teardown(state);
	fake_disk_init(&disk, 4 * BSEC);
	e = fake_disk_extent(&disk);
	assert_int_equal(thin_header_init(&h, BS + 512, BS, why, sizeof(why)),
			 0);
	assert_int_equal(thin_format(&e, &h), 0);
	open_disk();
	assert_int_equal(be()->sectors, BSEC + 1);
	fill(data, 1, 6);
	assert_int_equal(blk_write(be(), BSEC, data, 1), 0);
	assert_int_equal(blk_write(be(), BSEC + 1, data, 1), -1);
	assert_int_equal(blk_read(be(), BSEC, buf, 1), 0);
	assert_memory_equal(buf, data, 512);
}

/* ---- damaged images ---------------------------------------------------- */

/* Change the header field at off and give the header a right checksum
 * again, as a bug or a wrong tool would write it. */
static void patch_header32(unsigned off, uint32_t v)
{
	memcpy(disk.cache + off, &v, 4);
	v = crc32_ieee(disk.cache, THIN_HDR_CHECKSUM);
	memcpy(disk.cache + THIN_HDR_CHECKSUM, &v, 4);
}

static void patch_header64(unsigned off, uint64_t v)
{
	memcpy(disk.cache + off, &v, 8);
	patch_header32(THIN_HDR_CHECKSUM, 0); /* recomputed */
}

static void set_entry(unsigned v, uint32_t p)
{
	memcpy(disk.cache + THIN_MAP_OFFSET + v * 4, &p, 4);
}

static void expect_refused(const char *part)
{
	struct thin_disk t;
	void *m;

	assert_int_equal(try_open(&disk, &t, &m), -1);
	free(m);
	if (!strstr(why, part))
		fail_msg("refused with \"%s\", expected \"%s\"", why, part);
}

static void test_refuses_bad_magic(void **state)
{
	disk.cache[0] = 'X';
	expect_refused("bad magic");
}

static void test_refuses_bad_checksum(void **state)
{
	disk.cache[THIN_HDR_VIRTUAL_SIZE] ^= 0x40; /* one flipped bit */
	expect_refused("header checksum");
}

static void test_refuses_bad_version(void **state)
{
	patch_header32(THIN_HDR_VERSION, 2);
	expect_refused("version 2 is not supported");
}

static void test_refuses_bad_fields(void **state)
{
	patch_header32(THIN_HDR_BLOCK_SIZE, 5000);
	expect_refused("block size 5000");
	patch_header32(THIN_HDR_BLOCK_SIZE, BS);
	patch_header64(THIN_HDR_MAP_ENTRIES, VBLOCKS + 1);
	expect_refused("map length 17 entries");
	patch_header64(THIN_HDR_MAP_ENTRIES, VBLOCKS);
	patch_header64(THIN_HDR_DATA_OFFSET, 512 + 512);
	expect_refused("data offset 1024");
	patch_header64(THIN_HDR_DATA_OFFSET, BS);
	patch_header32(THIN_HDR_FLAGS, 1);
	expect_refused("unknown flags");
	patch_header32(THIN_HDR_FLAGS, 0);
	patch_header64(THIN_HDR_VIRTUAL_SIZE, 1ull << 50);
	expect_refused("needs more than");
	patch_header64(THIN_HDR_VIRTUAL_SIZE, VSECTORS * 512ull);
	/* and the header is good again */
	open_disk();
}

static void test_refuses_short_image(void **state)
{
	patch_header64(THIN_HDR_VIRTUAL_SIZE, 4096ull * 1024 * 1024);
	patch_header64(THIN_HDR_MAP_ENTRIES, 1024 * 1024);
	patch_header64(THIN_HDR_DATA_OFFSET, 512 + 4 * 1024 * 1024 + 3584);
	expect_refused("shorter than its header and map");
}

static void test_refuses_entry_past_end(void **state)
{
	set_entry(3, FIRST_DATA + VBLOCKS); /* the disk has 17 blocks */
	expect_refused("map entry 3 points at physical block 17, past the "
		       "end of the image");
}

static void test_refuses_entry_in_metadata(void **state)
{
	struct thin_header h;
	struct sector_extent e;

	/* Entry 0 means "unallocated", and block 0 is all of the header
	 * and map of the small disk: a disk of 2^20 blocks has a 4 MiB
	 * map, in blocks 0 to 1024; data from block 1025. */
	teardown(state);
	assert_int_equal(
		thin_header_init(&h, 4096ull << 20, BS, why, sizeof(why)), 0);
	assert_int_equal(h.data_offset / BS, 1025);
	fake_disk_init(&disk, h.data_offset / 512 + 4 * BSEC);
	e = fake_disk_extent(&disk);
	assert_int_equal(thin_format(&e, &h), 0);
	set_entry(2, 1024);
	expect_refused("map entry 2 points at physical block 1024, inside "
		       "the header and map");
}

static void test_refuses_entry_beyond_virtual(void **state)
{
	/* an image with room for more blocks than the disk has */
	teardown(state);
	format_disk(DISK_SECTORS + 4 * BSEC);
	set_entry(0, FIRST_DATA + VBLOCKS + 1);
	expect_refused("past the last block a disk of 16 blocks can allocate");
}

static void test_refuses_duplicate(void **state)
{
	uint8_t data[512];

	fill(data, 1, 8);
	for (unsigned v = 0; v < 4; v++)
		assert_int_equal(blk_write(be(), v * BSEC, data, 1), 0);
	set_entry(9, FIRST_DATA + 2);
	expect_refused("map entries 2 and 9 both point at physical block 3");
}

/* ---- power cuts -------------------------------------------------------- */

#define CUT_OPS	    60
#define CUT_MAX_IDS 64

/*
 * What the guest may find in each sector after a cut: the ids of the
 * writes to it, in order (0: never written, zeros); every id from the
 * last one a completed guest FLUSH covered is allowed.
 */
struct sector_history {
	uint16_t ids[CUT_MAX_IDS];
	unsigned n, durable; /* ids[durable..n) allowed */
};

static struct sector_history hist[VSECTORS];
static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Sector s as write id wrote it: the id and the sector, then a pattern. */
static void stamp(uint8_t *p, uint16_t id, uint64_t s)
{
	for (unsigned i = 0; i < 512; i++)
		p[i] = (uint8_t)(id * 31 + s * 17 + i);
	memcpy(p, &id, 2);
}

/*
 * The workload of seed: writes of 1 to 12 sectors anywhere (across
 * block boundaries too), a guest FLUSH now and then. Stops at the first
 * failure (the power is gone). Returns the requests it took.
 */
static uint64_t run_workload(uint64_t seed)
{
	uint8_t buf[12 * 512];
	uint16_t id = 0;

	memset(hist, 0, sizeof(hist));
	for (unsigned s = 0; s < VSECTORS; s++)
		hist[s].n = 1; /* ids[0] = 0: zeros */
	rng = seed;
	for (unsigned op = 0; op < CUT_OPS; op++) {
		if (next_rand() % 5 == 0) {
			if (blk_flush(be()))
				break;
			for (unsigned s = 0; s < VSECTORS; s++)
				hist[s].durable = hist[s].n - 1;
			continue;
		}
		uint32_t count = 1 + next_rand() % 12;
		uint64_t at = next_rand() % (VSECTORS - count + 1);

		id++;
		for (uint32_t i = 0; i < count; i++) {
			struct sector_history *h = &hist[at + i];

			stamp(buf + i * 512, id, at + i);
			/* in flight: it may land, whatever it returns */
			if (h->n < CUT_MAX_IDS)
				h->ids[h->n++] = id;
		}
		if (blk_write(be(), at, buf, count))
			break;
	}
	return disk.requests;
}

static bool keep_none(size_t i, void *ctx)
{
	return false;
}

static bool keep_all(size_t i, void *ctx)
{
	return true;
}

static bool keep_random(size_t i, void *ctx)
{
	return next_rand() & 1;
}

/* The image after the cut opens, names only stored blocks, and holds
 * every flushed write. */
static void check_after_cut(struct fake_disk *after, uint64_t seed,
			    uint64_t cut)
{
	struct thin_disk t;
	void *m;
	uint8_t got[512], want[512];

	if (try_open(after, &t, &m))
		fail_msg("seed %llu cut at request %llu: refused: %s",
			 (unsigned long long)seed, (unsigned long long)cut,
			 why);
	for (unsigned v = 0; v < VBLOCKS; v++) {
		uint32_t p = thin_map_get(&t, v);

		for (unsigned s = 0; p && s < BSEC; s++)
			if (!after->stored[p * BSEC + s])
				fail_msg("seed %llu cut %llu: block %u names "
					 "physical %u, whose sector %u was "
					 "never stored",
					 (unsigned long long)seed,
					 (unsigned long long)cut, v, p, s);
	}
	for (unsigned s = 0; s < VSECTORS; s++) {
		struct sector_history *h = &hist[s];
		bool ok = false;

		assert_int_equal(blk_read(&t.backend, s, got, 1), 0);
		for (unsigned i = h->durable; i < h->n && !ok; i++) {
			if (h->ids[i])
				stamp(want, h->ids[i], s);
			else
				memset(want, 0, sizeof(want));
			ok = !memcmp(got, want, 512);
		}
		if (!ok)
			fail_msg("seed %llu cut %llu: sector %u lost its "
				 "flushed data (write %u)",
				 (unsigned long long)seed,
				 (unsigned long long)cut, s,
				 h->ids[h->durable]);
	}
	free(m);
}

static void test_power_cut_every_request(void **state)
{
	static bool (*const keeps[])(size_t, void *) = {
		keep_none,
		keep_all,
		keep_random,
		keep_random,
	};
	unsigned checked = 0;

	for (uint64_t seed = 1; seed <= 3; seed++) {
		uint64_t total;

		teardown(state);
		setup(state);
		disk.requests = 0;
		total = run_workload(seed * 0x9E3779B97F4A7C15ull);
		assert_true(total > 100);
		for (uint64_t cut = 0; cut <= total; cut++) {
			for (unsigned k = 0; k < ARRAY_SIZE(keeps); k++) {
				struct fake_disk after;

				teardown(state);
				setup(state);
				disk.requests = 0;
				disk.cut_at = cut;
				run_workload(seed * 0x9E3779B97F4A7C15ull);
				rng = seed * 1000 + cut * 10 + k;
				fake_disk_power_cut(&disk, keeps[k], NULL,
						    &after);
				check_after_cut(&after, seed, cut);
				fake_disk_free(&after);
				checked++;
			}
		}
	}
	print_message("%u power cuts checked\n", checked);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_crc32_vector),
		T(test_new_disk_reads_zeros),
		T(test_write_then_read),
		T(test_allocation_grows_by_blocks_written),
		T(test_bounds),
		T(test_reopen_same_data),
		T(test_read_only),
		T(test_deferred_device),
		T(test_map_write_error_stops_writes),
		T(test_data_write_error),
		T(test_full_image),
		T(test_header_sizes),
		T(test_short_last_block),
		T(test_refuses_bad_magic),
		T(test_refuses_bad_checksum),
		T(test_refuses_bad_version),
		T(test_refuses_bad_fields),
		T(test_refuses_short_image),
		T(test_refuses_entry_past_end),
		T(test_refuses_entry_in_metadata),
		T(test_refuses_entry_beyond_virtual),
		T(test_refuses_duplicate),
		T(test_power_cut_every_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
