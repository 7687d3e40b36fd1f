/*
 * tests/unit/test_ata_sg.c - scatter-gather on the host disk path: a
 * request whose sectors lie in a list of buffers (a guest's pages) is
 * one bus-master command whose PRD table gathers from or scatters into
 * all of them, split only where one table is full; the PIO fallback
 * walks the same list; and the raw image format hands such a list to
 * the ATA disk in one request. Against the fake IDE channel of
 * tests/unit/fake_ide.h.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "tests/unit/fake_ide.h"
#include "drivers/block/ata_disk.h"
#include "drivers/block/raw.h"
#include "drivers/hw/ata_prd.h"
#include "lib/log.h"

#define TICKS_PER_MS 1000
#define BUF_PA	     0x10000 /* request buffers in fake RAM */

static struct ata_channel chan;
static char logged[4096];
static unsigned calls;
static enum ata_result result;

static void capture(const char *line, size_t len)
{
	strncat(logged, line, sizeof(logged) - strlen(logged) - 1);
	strncat(logged, "\n", sizeof(logged) - strlen(logged) - 1);
}

static void record_done(struct ata_request *req)
{
	calls++;
	result = req->result;
}

static int setup(void **state)
{
	fake_reset();
	logged[0] = '\0';
	calls = 0;
	log_set_sink(capture);
	fake_chan = &chan;
	ata_channel_init(&chan, 1, FAKE_CMD, FAKE_CTL, FAKE_BM, &fake_ops,
			 (struct ata_prd *)(fake.ram + FAKE_PRD_PA),
			 FAKE_PRD_PA, TICKS_PER_MS);
	fake_add_disk(0, 4096, true);
	assert_int_equal(ata_channel_probe(&chan), 1);
	fake.auto_run = true;
	return 0;
}

static int teardown(void **state)
{
	fake_reset();
	return 0;
}

static struct ata_seg seg(uint64_t pa, uint32_t bytes)
{
	return (struct ata_seg){fake.ram + pa, pa, bytes};
}

/* Submit a request over segs and poll until it is done. */
static void run(enum ata_op op, uint64_t lba, uint32_t count,
		const struct ata_seg *segs, unsigned n)
{
	struct ata_request r = {
		.op = op,
		.lba = lba,
		.count = count,
		.segs = segs,
		.nsegs = n,
		.done = record_done,
	};

	ata_submit(&chan.drive[0], &r);
	for (unsigned t = 0; t < 20 && !calls; t++)
		ata_channel_poll(&chan, t);
	assert_int_equal(calls, 1);
	calls = 0;
}

/* The disk's sectors from lba are the buffers one after the other. */
static void assert_disk_is(uint64_t lba, const struct ata_seg *segs, unsigned n)
{
	const uint8_t *at = fake.unit[0].image + lba * ATA_SECTOR_SIZE;

	for (unsigned i = 0; i < n; i++) {
		assert_memory_equal(segs[i].va, at, segs[i].bytes);
		at += segs[i].bytes;
	}
}

/* ---- PRD tables from a list ------------------------------------------ */

static void test_prd_from_list(void **state)
{
	struct ata_prd t[8];
	struct ata_seg s[3] = {
		{NULL, 0x20000, 0x1000},  /* one entry */
		{NULL, 0x31000, 0x20000}, /* three: two 64 KiB boundaries */
		{NULL, 0x80000, 0x200},	  /* one */
	};

	assert_int_equal(ata_prd_build_sg(t, 8, s, 3, 0, 0x21200, 512),
			 0x21200);
	assert_int_equal(t[0].addr, 0x20000);
	assert_int_equal(t[0].bytes, 0x1000);
	assert_int_equal(t[1].addr, 0x31000);
	assert_int_equal(t[1].bytes, 0xf000);
	assert_int_equal(t[2].bytes, 0); /* 64 KiB */
	assert_int_equal(t[3].addr, 0x50000);
	assert_int_equal(t[3].bytes, 0x1000);
	assert_int_equal(t[4].addr, 0x80000);
	assert_int_equal(t[4].bytes, 0x200);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(t[i].flags, 0);
	assert_int_equal(t[4].flags, ATA_PRD_EOT);

	/* from the middle of the first buffer, 4 KiB */
	assert_int_equal(ata_prd_build_sg(t, 8, s, 3, 0x800, 0x1000, 512),
			 0x1000);
	assert_int_equal(t[0].addr, 0x20800);
	assert_int_equal(t[0].bytes, 0x800);
	assert_int_equal(t[1].addr, 0x31000);
	assert_int_equal(t[1].bytes, 0x800);
	assert_int_equal(t[1].flags, ATA_PRD_EOT);

	/* two entries hold the first buffer and 60 KiB of the second */
	assert_int_equal(ata_prd_build_sg(t, 2, s, 3, 0, 0x21200, 512),
			 0x10000);
	assert_int_equal(t[1].flags, ATA_PRD_EOT);
}

/* A full table ends at a whole sector: the piece past it is dropped. */
static void test_prd_from_list_ends_on_a_sector(void **state)
{
	struct ata_prd t[4];
	struct ata_seg s[2] = {
		{NULL, 0x10000, 0x200},
		{NULL, 0x2ff00, 0x400}, /* 0x100 before a 64 KiB boundary */
	};

	assert_int_equal(ata_prd_build_sg(t, 2, s, 2, 0, 0x600, 512), 0x200);
	assert_int_equal(t[0].addr, 0x10000);
	assert_int_equal(t[0].flags, ATA_PRD_EOT);
	/* not even one sector fits */
	assert_int_equal(ata_prd_build_sg(t, 1, s + 1, 1, 0, 0x400, 512), -1);
	/* all of it with room */
	assert_int_equal(ata_prd_build_sg(t, 4, s, 2, 0, 0x600, 512), 0x600);
	assert_int_equal(t[2].addr, 0x30000);
	assert_int_equal(t[2].bytes, 0x300);
	assert_int_equal(t[2].flags, ATA_PRD_EOT);
}

static void test_prd_from_list_refuses(void **state)
{
	struct ata_prd t[4];
	struct ata_seg odd[2] = {{NULL, 0x1000, 0x200}, {NULL, 0x3001, 0x200}};
	struct ata_seg high[1] = {{NULL, 0x100000000ULL, 0x200}};
	struct ata_seg ok[1] = {{NULL, 0x1000, 0x200}};

	assert_int_equal(ata_prd_build_sg(t, 4, odd, 2, 0, 0x400, 512), -1);
	assert_int_equal(ata_prd_build_sg(t, 4, high, 1, 0, 0x200, 512), -1);
	assert_int_equal(ata_prd_build_sg(t, 4, ok, 1, 0x200, 0x200, 512),
			 -1); /* past the buffers */
}

/* ---- requests over a list --------------------------------------------- */

/* Three buffers far apart: one READ DMA, one WRITE DMA, 3 entries each. */
static void test_list_is_one_command(void **state)
{
	struct ata_seg s[3] = {
		seg(BUF_PA, 0x1000),
		seg(BUF_PA + 0x30000, 0x400),
		seg(BUF_PA + 0x7000, 0x600),
	};

	run(ATA_OP_READ, 40, 13, s, 3);
	assert_int_equal(result, ATA_OK);
	assert_int_equal(fake.nlog, 1);
	assert_int_equal(fake.log[0].command, ATA_CMD_READ_DMA);
	assert_int_equal(fake.log[0].count, 13);
	assert_int_equal(fake.log[0].prd_entries, 3);
	assert_disk_is(40, s, 3);

	for (unsigned i = 0; i < 3; i++)
		memset(s[i].va, 0x50 + i, s[i].bytes);
	run(ATA_OP_WRITE, 1000, 13, s, 3);
	assert_int_equal(result, ATA_OK);
	assert_int_equal(fake.nlog, 2);
	assert_int_equal(fake.log[1].command, ATA_CMD_WRITE_DMA);
	assert_int_equal(fake.log[1].prd_entries, 3);
	assert_disk_is(1000, s, 3);
	assert_int_equal(fake.violations, 0);
}

/* 300 one-sector buffers: a table holds ATA_PRD_MAX, so two commands. */
static void test_list_longer_than_a_table(void **state)
{
	static struct ata_seg s[300];

	for (unsigned i = 0; i < 300; i++)
		s[i] = seg(BUF_PA + i * 0x400, 0x200);
	run(ATA_OP_READ, 7, 300, s, 300);
	assert_int_equal(result, ATA_OK);
	assert_int_equal(fake.nlog, 2);
	assert_int_equal(fake.log[0].count, ATA_PRD_MAX);
	assert_int_equal(fake.log[0].prd_entries, ATA_PRD_MAX);
	assert_int_equal(fake.log[1].lba, 7 + ATA_PRD_MAX);
	assert_int_equal(fake.log[1].count, 300 - ATA_PRD_MAX);
	assert_disk_is(7, s, 300);
	assert_int_equal(fake.violations, 0);
}

/* Buffers that do not hold exactly the sectors are refused, named. */
static void test_list_must_hold_the_sectors(void **state)
{
	struct ata_seg s[2] = {seg(BUF_PA, 0x200), seg(BUF_PA + 0x1000, 0x2bc)};

	run(ATA_OP_READ, 0, 2, s, 2); /* 700 bytes: not whole sectors */
	assert_int_equal(result, ATA_EINVAL);
	s[1].bytes = 0x200;
	run(ATA_OP_READ, 0, 3, s, 2); /* 2 sectors for 3 */
	assert_int_equal(result, ATA_EINVAL);
	assert_non_null(strstr(logged, "ata1-master: read of 3 sectors at "
				       "LBA 0: its buffers do not hold "
				       "exactly its sectors"));
	assert_int_equal(fake.nlog, 0); /* no command reached the drive */
}

/* Without a bus master, PIO moves each sector to its buffer. */
static void test_list_by_pio(void **state)
{
	struct ata_seg s[3];

	fake_reset();
	ata_channel_init(&chan, 1, FAKE_CMD, FAKE_CTL, 0, &fake_ops, NULL, 0,
			 TICKS_PER_MS);
	fake_add_disk(0, 4096, true);
	assert_int_equal(ata_channel_probe(&chan), 1);
	s[0] = seg(BUF_PA + 0x2000, 0x200);
	s[1] = seg(BUF_PA, 0x400);
	s[2] = seg(BUF_PA + 0x9000, 0x200);
	run(ATA_OP_READ, 300, 4, s, 3);
	assert_int_equal(result, ATA_OK);
	assert_int_equal(fake.log[0].command, ATA_CMD_READ_SECTORS);
	assert_disk_is(300, s, 3);
	for (unsigned i = 0; i < 3; i++)
		memset(s[i].va, 0x70 + i, s[i].bytes);
	run(ATA_OP_WRITE, 9, 4, s, 3);
	assert_int_equal(result, ATA_OK);
	assert_int_equal(fake.log[1].command, ATA_CMD_WRITE_SECTORS);
	assert_disk_is(9, s, 3);
	assert_int_equal(fake.violations, 0);
}

/* ---- raw image over the ATA disk ---------------------------------------- */

static int raw_sg(struct raw_disk *raw, enum blk_op op, uint64_t sector,
		  const struct sector_seg *s, unsigned n, uint32_t count)
{
	struct blk_io io;

	blk_submit_sg(&raw->backend, &io, op, sector, s, n, count);
	while (!blk_io_finished(&io))
		raw->backend.poll(&raw->backend);
	return io.status;
}

/* A guest's 300 pages reach the drive as two commands (a disk request
 * takes ATA_DISK_SEGS buffers), 20 pages as one. */
static void test_raw_hands_the_list_down(void **state)
{
	static struct sector_seg s[300];
	struct ata_disk disk;
	struct raw_disk raw;
	struct sector_extent ext;

	ata_disk_init(&disk, &chan.drive[0], fake_va_to_pa, fake_ide_poll);
	ext = (struct sector_extent){&disk.dev, 100, 2000};
	assert_int_equal(raw_open(&raw, "vda", &ext, false), 0);
	for (unsigned i = 0; i < 300; i++) {
		s[i] = (struct sector_seg){fake.ram + BUF_PA + i * 0x2000,
					   0x1000};
		memset(s[i].buf, i, 0x1000);
	}
	fake.nlog = 0;
	assert_int_equal(raw_sg(&raw, BLK_WRITE, 8, s, 20, 160), 0);
	assert_int_equal(fake.nlog, 1);
	assert_int_equal(fake.log[0].lba, 108);
	assert_int_equal(fake.log[0].count, 160);
	assert_int_equal(fake.log[0].prd_entries, 20);
	for (unsigned i = 0; i < 20; i++)
		assert_memory_equal(fake.unit[0].image + (108 + 8 * i) * 512,
				    s[i].buf, 0x1000);

	fake.nlog = 0;
	for (unsigned i = 0; i < 300; i++)
		memset(s[i].buf, 0, 0x1000);
	assert_int_equal(raw_sg(&raw, BLK_READ, 0, s, 300, 2400), -1);
	assert_int_equal(fake.nlog, 0); /* past the image: nothing sent */
	assert_int_equal(raw_sg(&raw, BLK_READ, 0, s, 240, 1920), 0);
	assert_int_equal(fake.nlog, 1);
	assert_int_equal(raw_sg(&raw, BLK_READ, 0, s, 250, 2000), 0);
	assert_int_equal(fake.nlog, 2);
	assert_int_equal(fake.violations, 0);
	assert_memory_equal(s[1].buf, fake.unit[0].image + 108 * 512, 0x1000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prd_from_list),
		cmocka_unit_test(test_prd_from_list_ends_on_a_sector),
		cmocka_unit_test(test_prd_from_list_refuses),
		T(test_list_is_one_command),
		T(test_list_longer_than_a_table),
		T(test_list_must_hold_the_sectors),
		T(test_list_by_pio),
		T(test_raw_hands_the_list_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
