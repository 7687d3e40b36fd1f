/*
 * tests/unit/test_raw.c - drivers/block/raw.c on the host, over the fake
 * disk of tests/unit/fake_disk.h: an image that is a run of sectors of
 * a bigger disk (a partition) reads and writes only there, checks every
 * request against its length, and flushes the device.
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

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_reads_and_writes_in_extent),
		T(test_bounds),
		T(test_bad_extent_refused),
		T(test_read_only),
		T(test_device_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
