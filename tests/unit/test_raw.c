/*
 * tests/unit/test_raw.c - drivers/block/raw.c on the host, over the fake
 * disk of tests/unit/fake_disk.h: an image that is a run of sectors of
 * a bigger disk (a partition) reads and writes only there, checks every
 * request against its length, and flushes the device; a request whose
 * data is a list of buffers reaches the device in as few requests as
 * the device takes.
 */
#include "tests/unit/support.h"
#include "tests/unit/fake_disk.h"
#include "drivers/block/raw.h"

#define DISK_SECTORS 64
#define FIRST	     10
#define LENGTH	     20

static struct fake_disk disk;
static struct raw_disk raw;

static int setup(void **state)
{
	struct sector_extent e = {&disk.dev, FIRST, LENGTH};

	fake_disk_init(&disk, DISK_SECTORS);
	assert_int_equal(raw_open(&raw, "part.img", &e, false), 0);
	return 0;
}

static int teardown(void **state)
{
	fake_disk_free(&disk);
	return 0;
}

static void test_reads_and_writes_in_extent(void **state)
{
	struct blk_backend *b = &raw.backend;
	uint8_t data[2 * 512], buf[2 * 512];

	assert_int_equal(b->sectors, LENGTH);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(blk_write(b, 0, data, 2), 0);
	assert_memory_equal(disk.cache + FIRST * 512, data, sizeof(data));
	assert_int_equal(disk.cache[FIRST * 512 - 1], FAKE_DISK_GARBAGE);
	assert_int_equal(blk_write(b, LENGTH - 2, data, 2), 0);
	assert_memory_equal(disk.cache + (FIRST + LENGTH - 2) * 512, data,
			    sizeof(data));
	assert_int_equal(disk.cache[(FIRST + LENGTH) * 512], FAKE_DISK_GARBAGE);
	assert_int_equal(blk_read(b, LENGTH - 2, buf, 2), 0);
	assert_memory_equal(buf, data, sizeof(data));
	/* not durable until a FLUSH */
	assert_int_equal(disk.stored[FIRST], 0);
	assert_int_equal(blk_flush(b), 0);
	assert_int_equal(disk.stored[FIRST], 1);
}

static void test_bounds(void **state)
{
	struct blk_backend *b = &raw.backend;
	uint8_t buf[2 * 512] = {0};

	assert_int_equal(blk_read(b, LENGTH, buf, 1), -1);
	assert_int_equal(blk_write(b, LENGTH - 1, buf, 2), -1);
	assert_int_equal(blk_write(b, UINT64_MAX, buf, 1), -1);
	assert_int_equal(disk.writes, 0);
}

static void test_bad_extent_refused(void **state)
{
	struct sector_extent past = {&disk.dev, 50, 20};
	struct sector_extent empty = {&disk.dev, 0, 0};
	struct sector_extent wrap = {&disk.dev, UINT64_MAX, 2};
	struct raw_disk r;

	assert_int_equal(raw_open(&r, "x", &past, false), -1);
	assert_int_equal(raw_open(&r, "x", &empty, false), -1);
	assert_int_equal(raw_open(&r, "x", &wrap, false), -1);
}

static void test_read_only(void **state)
{
	struct sector_extent e = {&disk.dev, 0, DISK_SECTORS};
	uint8_t buf[512] = {0};

	assert_int_equal(raw_open(&raw, "ro", &e, true), 0);
	assert_int_equal(blk_write(&raw.backend, 0, buf, 1), -1);
	assert_int_equal(disk.writes, 0);
}

/* An I/O error of the device reaches the guest. */
static void test_device_error(void **state)
{
	uint8_t buf[512] = {0};

	disk.fail_write_sector = FIRST + 3;
	assert_int_equal(blk_write(&raw.backend, 3, buf, 1), -1);
	assert_int_equal(blk_write(&raw.backend, 4, buf, 1), 0);
}

/* ---- a list of buffers (blk_submit_sg) ---------------------------------- */

#define SG_BUFS 10

/* Ten buffers of 1 or 2 sectors, far apart, filled with a pattern;
 * returns the sectors they hold. */
static uint32_t sg_buffers(uint8_t *mem, struct sector_seg *segs)
{
	uint32_t sectors = 0;

	for (unsigned i = 0; i < SG_BUFS; i++) {
		uint32_t n = 1 + i % 2;

		segs[i] = (struct sector_seg){mem + i * 3 * 512, n * 512};
		for (unsigned j = 0; j < n * 512; j++)
			segs[i].buf[j] = (uint8_t)(i * 31 + j * 7 + 1);
		sectors += n;
	}
	return sectors;
}

/* Submit and wait; the request's status. */
static int sg_io(enum blk_op op, uint64_t sector, const struct sector_seg *segs,
		 unsigned n, uint32_t count)
{
	struct blk_io io;

	blk_submit_sg(&raw.backend, &io, op, sector, segs, n, count);
	while (!blk_io_finished(&io))
		raw.backend.poll(&raw.backend);
	return io.status;
}

/* The disk's sectors from `first` hold the buffers one after the other. */
static void assert_disk_holds(uint64_t first, const struct sector_seg *segs,
			      unsigned n)
{
	const uint8_t *at = disk.cache + first * 512;

	for (unsigned i = 0; i < n; i++) {
		assert_memory_equal(at, segs[i].buf, segs[i].bytes);
		at += segs[i].bytes;
	}
}

/* A device that takes one buffer per request gets one per buffer, and
 * one buffer larger than max_sectors is cut. */
static void test_sg_one_request_per_buffer(void **state)
{
	static uint8_t mem[SG_BUFS * 3 * 512];
	struct sector_seg segs[SG_BUFS];
	uint32_t count = sg_buffers(mem, segs);
	uint64_t before;

	assert_true(raw.backend.sg);
	before = disk.requests;
	assert_int_equal(sg_io(BLK_WRITE, 2, segs, SG_BUFS, count), 0);
	assert_int_equal(disk.requests - before, SG_BUFS);
	assert_disk_holds(FIRST + 2, segs, SG_BUFS);

	disk.dev.max_sectors = 1;
	before = disk.requests;
	memset(mem, 0, sizeof(mem));
	assert_int_equal(sg_io(BLK_READ, 2, segs, SG_BUFS, count), 0);
	assert_int_equal(disk.requests - before, count);
	assert_disk_holds(FIRST + 2, segs, SG_BUFS);
}

/* A device that takes lists gets the buffers in as few requests as its
 * max_segs allows: 10 buffers at 4 a request are 3 requests. */
static void test_sg_lists_to_the_device(void **state)
{
	static uint8_t mem[SG_BUFS * 3 * 512];
	struct sector_seg segs[SG_BUFS];
	uint32_t count = sg_buffers(mem, segs);
	uint64_t before;

	disk.dev.max_segs = 4;
	before = disk.requests;
	assert_int_equal(sg_io(BLK_WRITE, 3, segs, SG_BUFS, count), 0);
	assert_int_equal(disk.requests - before, 3);
	assert_disk_holds(FIRST + 3, segs, SG_BUFS);

	disk.dev.max_segs = SG_BUFS;
	disk.deferred = true; /* finished by a later poll */
	memset(mem, 0, sizeof(mem));
	before = disk.requests;
	assert_int_equal(sg_io(BLK_READ, 3, segs, SG_BUFS, count), 0);
	assert_int_equal(disk.requests - before, 1);
	assert_disk_holds(FIRST + 3, segs, SG_BUFS);
}

/* A list that does not make its sectors, or leaves the image, or on a
 * read-only image, fails; nothing reaches the disk. */
static void test_sg_refused(void **state)
{
	static uint8_t mem[SG_BUFS * 3 * 512];
	struct sector_seg segs[SG_BUFS];
	uint32_t count = sg_buffers(mem, segs);
	struct sector_extent e = {&disk.dev, FIRST, LENGTH};

	disk.dev.max_segs = SG_BUFS;
	assert_int_equal(sg_io(BLK_WRITE, 0, segs, SG_BUFS, count + 1), -1);
	assert_int_equal(sg_io(BLK_WRITE, 0, segs, SG_BUFS, count - 1), -1);
	assert_int_equal(
		sg_io(BLK_WRITE, LENGTH - count + 1, segs, SG_BUFS, count), -1);
	assert_int_equal(sg_io(BLK_WRITE, 0, segs, 0, 0), -1);
	segs[3].bytes = 700; /* not whole sectors */
	assert_int_equal(sg_io(BLK_READ, 0, segs, 4, 5), -1);
	segs[3].bytes = 1024;
	assert_int_equal(raw_open(&raw, "ro", &e, true), 0);
	assert_int_equal(sg_io(BLK_WRITE, 0, segs, SG_BUFS, count), -1);
	assert_int_equal(disk.requests, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_reads_and_writes_in_extent),
		T(test_bounds),
		T(test_bad_extent_refused),
		T(test_read_only),
		T(test_device_error),
		T(test_sg_one_request_per_buffer),
		T(test_sg_lists_to_the_device),
		T(test_sg_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
