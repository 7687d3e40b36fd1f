/*
 * tests/unit/test_ata.c - the ATA driver on the host: PRD tables, the
 * LBA28/LBA48 choice, IDENTIFY decoding, and the channel's queue and
 * state machine against a fake IDE channel (tests/unit/fake_ide.h):
 * requests finish only in a later poll, one command at a time, split
 * at the per-command limit, with errors, timeouts and PIO fallback;
 * the sector-device adapter, the boot self-test and the raw image
 * format (drivers/block/raw.c) over it.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "tests/unit/fake_ide.h"
#include "drivers/block/ata_disk.h"
#include "drivers/block/raw.h"
#include "drivers/block/disk_selftest.h"
#include "drivers/hw/ata_prd.h"
#include "lib/log.h"

#define TICKS_PER_MS 1000
#define BUF_PA	     0x10000 /* request buffers in fake RAM */

static struct ata_channel chan;
static char logged[4096];

static void capture(const char *line, size_t len)
{
	strncat(logged, line, sizeof(logged) - strlen(logged) - 1);
	strncat(logged, "\n", sizeof(logged) - strlen(logged) - 1);
}

/* Callbacks record what they saw. */
struct seen {
	unsigned calls;
	enum ata_result result;
	unsigned order;
};

static unsigned completions;

static void record_done(struct ata_request *req)
{
	struct seen *s = req->ctx;

	s->calls++;
	s->result = req->result;
	s->order = completions++;
}

static int setup(void **state)
{
	fake_reset();
	logged[0] = '\0';
	completions = 0;
	log_set_sink(capture);
	fake_chan = &chan;
	ata_channel_init(&chan, 1, FAKE_CMD, FAKE_CTL, FAKE_BM, &fake_ops,
			 (struct ata_prd *)(fake.ram + FAKE_PRD_PA),
			 FAKE_PRD_PA, TICKS_PER_MS);
	return 0;
}

static int teardown(void **state)
{
	fake_reset();
	return 0;
}

/* A channel with a 4096-sector disk as master, probed. */
static void one_disk(bool lba48)
{
	fake_add_disk(0, 4096, lba48);
	assert_int_equal(ata_channel_probe(&chan), 1);
}

static void request(struct ata_request *r, enum ata_op op, uint64_t lba,
		    uint32_t count, uint64_t pa, struct seen *s)
{
	*r = (struct ata_request){
		.op = op,
		.lba = lba,
		.count = count,
		.buf = fake.ram + pa,
		.buf_pa = pa,
		.done = record_done,
		.ctx = s,
	};
}

static void assert_image_in_ram(unsigned unit, uint64_t lba, uint32_t count,
				uint64_t pa)
{
	assert_memory_equal(fake.ram + pa,
			    fake.unit[unit].image + lba * ATA_SECTOR_SIZE,
			    (size_t)count * ATA_SECTOR_SIZE);
}

/* ---- PRD tables ------------------------------------------------------ */

static void test_prd_boundaries(void **state)
{
	struct ata_prd t[8];

	/* 64 KiB at a 64 KiB boundary: one entry whose count 0 means 64 KiB */
	assert_int_equal(ata_prd_build(t, 8, 0x20000, 0x10000), 1);
	assert_int_equal(t[0].addr, 0x20000);
	assert_int_equal(t[0].bytes, 0);
	assert_int_equal(t[0].flags, ATA_PRD_EOT);
	/* 128 KiB from 4 KiB past a boundary: split at each boundary */
	assert_int_equal(ata_prd_build(t, 8, 0x31000, 0x20000), 3);
	assert_int_equal(t[0].addr, 0x31000);
	assert_int_equal(t[0].bytes, 0xf000);
	assert_int_equal(t[0].flags, 0);
	assert_int_equal(t[1].addr, 0x40000);
	assert_int_equal(t[1].bytes, 0);
	assert_int_equal(t[1].flags, 0);
	assert_int_equal(t[2].addr, 0x50000);
	assert_int_equal(t[2].bytes, 0x1000);
	assert_int_equal(t[2].flags, ATA_PRD_EOT);
	/* a small piece inside one region */
	assert_int_equal(ata_prd_build(t, 8, 0x1234, 512), 1);
	assert_int_equal(t[0].bytes, 512);
}

static void test_prd_refuses(void **state)
{
	struct ata_prd t[2];

	assert_int_equal(ata_prd_build(t, 2, 0x1001, 512), -1); /* odd */
	assert_int_equal(ata_prd_build(t, 2, 0x1000, 511), -1);
	assert_int_equal(ata_prd_build(t, 2, 0x1000, 0), -1);
	assert_int_equal(ata_prd_build(t, 2, 0x100000000ULL, 512), -1);
	assert_int_equal(ata_prd_build(t, 2, 0xfffff000ULL, 0x2000), -1);
	/* 3 regions needed, 2 entries given */
	assert_int_equal(ata_prd_build(t, 2, 0x1000, 0x20000), -1);
}

/* ---- commands -------------------------------------------------------- */

static void test_taskfile_lba28_or_48(void **state)
{
	struct ata_taskfile tf;

	/* fits LBA28: 256 sectors are written as count 0 */
	assert_int_equal(ata_taskfile_rw(&tf, false, ATA_XFER_DMA, 0x0abcdef0,
					 256, 1, true),
			 0);
	assert_int_equal(tf.command, ATA_CMD_READ_DMA);
	assert_false(tf.lba48);
	assert_int_equal(tf.count[0], 0);
	assert_int_equal(tf.lba[0], 0xf0);
	assert_int_equal(tf.lba[2], 0xbc);
	assert_int_equal(tf.device, 0xe0 | ATA_DEV_DRV1 | 0x0a);
	/* the last LBA28 sector */
	assert_int_equal(ata_taskfile_rw(&tf, true, ATA_XFER_DMA, 0x0fffffff, 1,
					 0, true),
			 0);
	assert_int_equal(tf.command, ATA_CMD_WRITE_DMA);
	assert_int_equal(tf.device & ATA_DEV_LBA28_HI_MASK, 0x0f);
	/* crossing 2^28 needs LBA48 */
	assert_int_equal(ata_taskfile_rw(&tf, true, ATA_XFER_DMA, 0x0fffffff, 2,
					 0, true),
			 0);
	assert_int_equal(tf.command, ATA_CMD_WRITE_DMA_EXT);
	assert_true(tf.lba48);
	assert_int_equal(tf.lba[3], 0x0f);
	assert_int_equal(tf.device, 0xe0);
	assert_int_equal(ata_taskfile_rw(&tf, true, ATA_XFER_DMA, 0x0fffffff, 2,
					 0, false),
			 -1);
	/* more than 256 sectors: LBA48, count in two bytes */
	assert_int_equal(ata_taskfile_rw(&tf, false, ATA_XFER_PIO,
					 0x123456789aULL, 0x1234, 0, true),
			 0);
	assert_int_equal(tf.command, ATA_CMD_READ_SECTORS_EXT);
	assert_int_equal(tf.count[0], 0x34);
	assert_int_equal(tf.count[1], 0x12);
	assert_int_equal(tf.lba[4], 0x12);
	assert_int_equal(tf.lba[3], 0x34);
	assert_int_equal(
		ata_taskfile_rw(&tf, false, ATA_XFER_DMA, 0, 65536, 0, true),
		0);
	assert_int_equal(tf.count[0], 0);
	assert_int_equal(tf.count[1], 0);
	assert_int_equal(
		ata_taskfile_rw(&tf, false, ATA_XFER_DMA, 0, 65537, 0, true),
		-1);
	assert_int_equal(
		ata_taskfile_rw(&tf, false, ATA_XFER_DMA, 0, 0, 0, true), -1);
	ata_taskfile_flush(&tf, 1, true);
	assert_int_equal(tf.command, ATA_CMD_FLUSH_CACHE_EXT);
	ata_taskfile_flush(&tf, 1, false);
	assert_int_equal(tf.command, ATA_CMD_FLUSH_CACHE);
}

static void put_string(uint16_t *w, unsigned first, const char *s, unsigned len)
{
	for (unsigned i = 0; i < len / 2; i++)
		w[first + i] = (uint16_t)(s[2 * i] << 8 | s[2 * i + 1]);
}

static void test_identify_parse(void **state)
{
	uint16_t w[ATA_ID_WORDS] = {0};
	struct ata_identity id;

	put_string(w, ATA_ID_MODEL, "hv test disk                            ",
		   40);
	put_string(w, ATA_ID_SERIAL, "   BXHD00021        ", 20);
	w[ATA_ID_CAPABILITIES] = ATA_ID_CAP_LBA | ATA_ID_CAP_DMA;
	w[ATA_ID_LBA28_SECTORS] = 0x8000; /* 32768 */
	assert_int_equal(ata_identify_parse(w, &id), 0);
	assert_string_equal(id.model, "hv test disk");
	assert_string_equal(id.serial, "BXHD00021");
	assert_int_equal(id.sectors, 32768);
	assert_false(id.lba48);
	assert_true(id.dma);
	/* LBA48: the 48-bit count wins */
	w[ATA_ID_CMDSET2] = ATA_ID_CMDSET2_VALID | ATA_ID_CMDSET2_LBA48 |
			    ATA_ID_CMDSET2_FLUSH48;
	w[ATA_ID_LBA48_SECTORS] = 0x6db0; /* 1953525168 = 0x74706db0 */
	w[ATA_ID_LBA48_SECTORS + 1] = 0x7470;
	assert_int_equal(ata_identify_parse(w, &id), 0);
	assert_int_equal(id.sectors, 1953525168ULL);
	assert_true(id.lba48);
	assert_true(id.flush_ext);
	/* word 83 not valid: no LBA48 */
	w[ATA_ID_CMDSET2] |= ATA_ID_CMDSET2_INVALID;
	assert_int_equal(ata_identify_parse(w, &id), 0);
	assert_false(id.lba48);
	assert_int_equal(id.sectors, 32768);
	/* a packet device, and a disk without LBA, are refused */
	w[ATA_ID_CONFIG] = ATA_ID_CONFIG_NOT_ATA;
	assert_int_equal(ata_identify_parse(w, &id), -1);
	w[ATA_ID_CONFIG] = 0;
	w[ATA_ID_CAPABILITIES] = ATA_ID_CAP_DMA;
	assert_int_equal(ata_identify_parse(w, &id), -1);
}

static void test_format_size(void **state)
{
	char b[24];

	ata_format_size(32768, b, sizeof(b));
	assert_string_equal(b, "16 MiB");
	ata_format_size(1ULL << 31, b, sizeof(b));
	assert_string_equal(b, "1 TiB");
	ata_format_size(1000, b, sizeof(b));
	assert_string_equal(b, "500 KiB");
	ata_format_size(3000, b, sizeof(b));
	assert_string_equal(b, "1.4 MiB");
}

/* ---- probing ----------------------------------------------------------- */

static void test_probe(void **state)
{
	fake_add_disk(1, 4096, true);
	fake.unit[0].atapi = true;
	assert_int_equal(ata_channel_probe(&chan), 1);
	assert_false(chan.drive[0].present);
	assert_true(chan.drive[0].atapi);
	assert_true(chan.drive[1].present);
	assert_string_equal(chan.drive[1].name, "ata1-slave");
	assert_string_equal(chan.drive[1].id.model, "fake disk model");
	assert_int_equal(chan.drive[1].id.sectors, 4096);
	assert_true(chan.drive[1].use_dma);
	assert_int_equal(fake.violations, 0);
}

static void test_probe_empty_channel(void **state)
{
	assert_int_equal(ata_channel_probe(&chan), 0);
	assert_false(chan.drive[0].present || chan.drive[1].present);
	assert_false(chan.drive[0].atapi || chan.drive[1].atapi);
}

/* ---- requests ---------------------------------------------------------- */

static void test_read_completes_in_a_later_poll(void **state)
{
	struct ata_request r;
	struct seen s = {0};

	one_disk(true);
	request(&r, ATA_OP_READ, 100, 8, BUF_PA, &s);
	ata_submit(&chan.drive[0], &r);
	assert_int_equal(s.calls, 0); /* never inside submit */
	assert_int_equal(fake.nlog, 1);
	assert_int_equal(fake.log[0].command, ATA_CMD_READ_DMA);
	assert_int_equal(fake.log[0].lba, 100);
	assert_int_equal(fake.log[0].count, 8);
	ata_channel_poll(&chan, 0);
	assert_int_equal(s.calls, 0); /* the DMA has not run yet */
	fake_ide_run();
	ata_channel_poll(&chan, 1);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, ATA_OK);
	assert_string_equal(r.error, "");
	assert_image_in_ram(0, 100, 8, BUF_PA);
	assert_int_equal(fake.log[0].prd_entries, 1);
	assert_false(ata_channel_busy(&chan));
	ata_channel_poll(&chan, 2);
	assert_int_equal(s.calls, 1);
	assert_int_equal(fake.violations, 0);
}

static void test_big_request_is_split(void **state)
{
	struct ata_request r;
	struct seen s = {0};
	uint64_t pa = BUF_PA + 0x1000; /* crosses 64 KiB boundaries */

	fake_add_disk(0, 8192, true);
	assert_int_equal(ata_channel_probe(&chan), 1);
	fake.auto_run = true;
	request(&r, ATA_OP_READ, 7, 4100, pa, &s);
	ata_submit(&chan.drive[0], &r);
	for (unsigned t = 0; t < 10 && !s.calls; t++)
		ata_channel_poll(&chan, t);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, ATA_OK);
	assert_image_in_ram(0, 7, 4100, pa);
	/* 2048 + 2048 + 4 sectors: the first two need LBA48 */
	assert_int_equal(fake.nlog, 3);
	assert_int_equal(fake.log[0].command, ATA_CMD_READ_DMA_EXT);
	assert_int_equal(fake.log[0].count, 2048);
	assert_int_equal(fake.log[0].prd_entries, 17);
	assert_int_equal(fake.log[1].lba, 7 + 2048);
	assert_int_equal(fake.log[1].count, 2048);
	assert_int_equal(fake.log[2].command, ATA_CMD_READ_DMA);
	assert_int_equal(fake.log[2].lba, 7 + 4096);
	assert_int_equal(fake.log[2].count, 4);
	assert_int_equal(fake.violations, 0);
}

static void test_lba28_disk_splits_at_256(void **state)
{
	struct ata_request r;
	struct seen s = {0};

	one_disk(false);
	fake.auto_run = true;
	request(&r, ATA_OP_READ, 0, 300, BUF_PA, &s);
	ata_submit(&chan.drive[0], &r);
	for (unsigned t = 0; t < 10 && !s.calls; t++)
		ata_channel_poll(&chan, t);
	assert_int_equal(s.result, ATA_OK);
	assert_int_equal(fake.nlog, 2);
	assert_int_equal(fake.log[0].count, 256);
	assert_false(fake.log[0].lba48);
	assert_int_equal(fake.log[1].count, 44);
	assert_image_in_ram(0, 0, 300, BUF_PA);
}

static void test_queue_one_command_at_a_time(void **state)
{
	struct ata_request w, rd, fl, other;
	struct seen sw = {0}, sr = {0}, sf = {0}, so = {0};

	one_disk(true);
	fake_add_disk(1, 64, false);
	chan.drive[1].present = true; /* probed above with only the master */
	chan.drive[1].id = chan.drive[0].id;
	chan.drive[1].id.sectors = 64;
	chan.drive[1].id.lba48 = false;
	chan.drive[1].id.flush_ext = false;
	memset(fake.ram + BUF_PA, 0x5a, 4 * ATA_SECTOR_SIZE);
	request(&w, ATA_OP_WRITE, 10, 4, BUF_PA, &sw);
	request(&rd, ATA_OP_READ, 10, 4, BUF_PA + 0x8000, &sr);
	request(&fl, ATA_OP_FLUSH, 0, 0, 0, &sf);
	request(&other, ATA_OP_READ, 3, 1, BUF_PA + 0x10000, &so);
	ata_submit(&chan.drive[0], &w);
	ata_submit(&chan.drive[0], &rd);
	ata_submit(&chan.drive[0], &fl);
	ata_submit(&chan.drive[1], &other);
	assert_int_equal(fake.nlog, 1); /* only the first is issued */
	for (unsigned t = 0; t < 20 && completions < 4; t++) {
		fake_ide_run();
		ata_channel_poll(&chan, t);
	}
	assert_int_equal(completions, 4);
	assert_int_equal(sw.order, 0);
	assert_int_equal(sr.order, 1);
	assert_int_equal(sf.order, 2);
	assert_int_equal(so.order, 3);
	assert_int_equal(sw.result | sr.result | sf.result | so.result, ATA_OK);
	assert_memory_equal(
		fake.ram + BUF_PA + 0x8000, fake.ram + BUF_PA,
		4 * ATA_SECTOR_SIZE); /* read back what was written */
	assert_int_equal(fake.log[0].command, ATA_CMD_WRITE_DMA);
	assert_int_equal(fake.log[2].command, ATA_CMD_FLUSH_CACHE_EXT);
	assert_int_equal(fake.log[3].unit, 1);
	assert_int_equal(fake.flushes, 1);
	assert_int_equal(fake.violations, 0);
}

static void test_drive_error(void **state)
{
	struct ata_request r, next;
	struct seen s = {0}, sn = {0};

	one_disk(true);
	fake.fail_next = true;
	request(&r, ATA_OP_READ, 5, 2, BUF_PA, &s);
	request(&next, ATA_OP_READ, 6, 1, BUF_PA + 0x4000, &sn);
	ata_submit(&chan.drive[0], &r);
	ata_submit(&chan.drive[0], &next);
	ata_channel_poll(&chan, 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, ATA_EIO);
	assert_string_equal(r.error,
			    "ata1-master: READ DMA of 2 sectors at LBA 5 "
			    "failed: the drive reported an error (status "
			    "0x41, error 0x04)");
	assert_non_null(strstr(logged, "ata: ata1-master: READ DMA of 2"));
	/* the channel goes on with the next request */
	fake_ide_run();
	ata_channel_poll(&chan, 1);
	assert_int_equal(sn.result, ATA_OK);
	assert_int_equal(sn.calls, 1);
	assert_image_in_ram(0, 6, 1, BUF_PA + 0x4000);
}

static void test_timeout_resets_channel(void **state)
{
	struct ata_request r, next;
	struct seen s = {0}, sn = {0};
	uint64_t timeout = ATA_TIMEOUT_MS * TICKS_PER_MS;

	one_disk(true);
	fake.hang_next = true;
	request(&r, ATA_OP_WRITE, 0, 1, BUF_PA, &s);
	request(&next, ATA_OP_READ, 1, 1, BUF_PA + 0x4000, &sn);
	ata_submit(&chan.drive[0], &r);
	ata_submit(&chan.drive[0], &next);
	ata_channel_poll(&chan, 1000); /* the clock starts here */
	ata_channel_poll(&chan, 1000 + timeout - 1);
	assert_int_equal(s.calls, 0);
	ata_channel_poll(&chan, 1000 + timeout);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, ATA_ETIMEDOUT);
	assert_non_null(strstr(r.error, "ata1-master: WRITE DMA of 1 sectors "
					"at LBA 0 failed: no answer in 5000 "
					"ms, channel reset"));
	assert_true(fake.control & ATA_CTL_SRST);
	/* SRST is held ATA_RESET_HOLD_MS, then the next request runs */
	ata_channel_poll(&chan, 1000 + timeout + 1);
	assert_true(fake.control & ATA_CTL_SRST);
	ata_channel_poll(&chan,
			 1000 + timeout + ATA_RESET_HOLD_MS * TICKS_PER_MS);
	assert_int_equal(fake.resets, 1);
	fake_ide_run();
	ata_channel_poll(&chan, 1000 + timeout + 2 * TICKS_PER_MS);
	ata_channel_poll(&chan, 1000 + timeout + 3 * TICKS_PER_MS);
	assert_int_equal(sn.calls, 1);
	assert_int_equal(sn.result, ATA_OK);
	assert_int_equal(fake.violations, 0);
}

static void test_refused_requests_complete_later(void **state)
{
	struct ata_request past, none, empty;
	struct seen sp = {0}, sn = {0}, se = {0};

	one_disk(true);
	request(&past, ATA_OP_READ, 4090, 7, BUF_PA, &sp);
	request(&none, ATA_OP_READ, 0, 1, BUF_PA, &sn);
	request(&empty, ATA_OP_WRITE, 0, 0, BUF_PA, &se);
	ata_submit(&chan.drive[0], &past);
	ata_submit(&chan.drive[1], &none);
	ata_submit(&chan.drive[0], &empty);
	assert_int_equal(sp.calls + sn.calls + se.calls, 0);
	ata_channel_poll(&chan, 0);
	assert_int_equal(sp.result, ATA_ERANGE);
	assert_string_equal(past.error,
			    "ata1-master: read of 7 sectors at LBA 4090 goes "
			    "beyond the disk's 4096 sectors");
	assert_int_equal(sn.result, ATA_ENODEV);
	assert_string_equal(none.error, "ata1-slave: no disk there");
	assert_int_equal(se.result, ATA_EINVAL);
	assert_int_equal(fake.nlog, 0);
}

static void test_pio_without_bus_master(void **state)
{
	struct ata_request w, r;
	struct seen sw = {0}, sr = {0};

	ata_channel_init(&chan, 1, FAKE_CMD, FAKE_CTL, 0, &fake_ops, NULL, 0,
			 TICKS_PER_MS);
	one_disk(true);
	assert_false(chan.drive[0].use_dma);
	for (unsigned i = 0; i < 3 * ATA_SECTOR_SIZE; i++)
		fake.ram[BUF_PA + i] = (uint8_t)(i * 13);
	request(&w, ATA_OP_WRITE, 20, 3, BUF_PA, &sw);
	request(&r, ATA_OP_READ, 19, 5, BUF_PA + 0x4000, &sr);
	ata_submit(&chan.drive[0], &w);
	ata_submit(&chan.drive[0], &r);
	for (unsigned t = 0; t < 10 && completions < 2; t++)
		ata_channel_poll(&chan, t);
	assert_int_equal(sw.result, ATA_OK);
	assert_int_equal(sr.result, ATA_OK);
	assert_int_equal(fake.log[0].command, ATA_CMD_WRITE_SECTORS);
	assert_int_equal(fake.log[1].command, ATA_CMD_READ_SECTORS);
	assert_memory_equal(fake.unit[0].image + 20 * ATA_SECTOR_SIZE,
			    fake.ram + BUF_PA, 3 * ATA_SECTOR_SIZE);
	assert_image_in_ram(0, 19, 5, BUF_PA + 0x4000);
	assert_int_equal(fake.violations, 0);
}

static void test_pio_for_buffer_dma_cannot_reach(void **state)
{
	struct ata_request r;
	struct seen s = {0};

	one_disk(true);
	request(&r, ATA_OP_READ, 2, 2, BUF_PA, &s);
	r.buf_pa = 0x100000000ULL; /* above 4 GiB */
	ata_submit(&chan.drive[0], &r);
	for (unsigned t = 0; t < 5 && !s.calls; t++)
		ata_channel_poll(&chan, t);
	assert_int_equal(s.result, ATA_OK);
	assert_int_equal(fake.log[0].command, ATA_CMD_READ_SECTORS);
	assert_image_in_ram(0, 2, 2, BUF_PA);
}

static void test_waits_for_busy_drive(void **state)
{
	struct ata_request r;
	struct seen s = {0};

	one_disk(true);
	fake.busy_reads = 20;
	request(&r, ATA_OP_READ, 0, 1, BUF_PA, &s);
	ata_submit(&chan.drive[0], &r);
	assert_int_equal(fake.nlog, 0); /* not issued to a busy drive */
	for (unsigned t = 0; t < 30 && !fake.nlog; t++)
		ata_channel_poll(&chan, t);
	assert_int_equal(fake.nlog, 1);
	fake_ide_run();
	ata_channel_poll(&chan, 40);
	assert_int_equal(s.result, ATA_OK);
	assert_int_equal(fake.violations, 0);
}

/* A callback may submit: the chain below runs one request per poll. */
static struct ata_request chain[3];
static unsigned chained;

static void chain_done(struct ata_request *req)
{
	assert_int_equal(req->result, ATA_OK);
	if (++chained < ARRAY_SIZE(chain))
		ata_submit(req->drive, &chain[chained]);
}

static void test_submit_from_callback(void **state)
{
	one_disk(true);
	fake.auto_run = true;
	for (unsigned i = 0; i < ARRAY_SIZE(chain); i++)
		chain[i] = (struct ata_request){
			.op = ATA_OP_READ,
			.lba = i,
			.count = 1,
			.buf = fake.ram + BUF_PA,
			.buf_pa = BUF_PA,
			.done = chain_done,
		};
	chained = 0;
	ata_submit(&chan.drive[0], &chain[0]);
	for (unsigned t = 0; t < 10 && chained < 3; t++)
		ata_channel_poll(&chan, t);
	assert_int_equal(chained, 3);
	assert_int_equal(fake.nlog, 3);
}

/* ---- the sector device and the self-test -------------------------------- */

static void test_selftest_rewrites_prepared_disk(void **state)
{
	struct ata_disk disk;

	one_disk(true);
	for (uint64_t s = 0; s < 4096; s++)
		selftest_fill(fake.unit[0].image + s * ATA_SECTOR_SIZE, s, 'A');
	ata_disk_init(&disk, &chan.drive[0], fake_va_to_pa, fake_ide_poll);
	assert_int_equal(disk_selftest(&disk.dev, fake.ram + BUF_PA + 0x1000),
			 0);
	for (uint64_t s = 0; s < 4096; s++)
		assert_true(selftest_check(
			fake.unit[0].image + s * ATA_SECTOR_SIZE, s, 'B'));
	assert_non_null(strstr(logged, "disk-selftest: ata1-master: read 4096 "
				       "sectors, pattern A in every one"));
	assert_non_null(strstr(logged, "passed, up to 4 requests in flight"));
	assert_int_equal(fake.flushes, 1);
	assert_int_equal(fake.violations, 0);
}

static void test_selftest_leaves_other_disks_alone(void **state)
{
	struct ata_disk disk;
	uint8_t *before;

	one_disk(true);
	selftest_fill(fake.unit[0].image, 0, 'A'); /* only sector 0 */
	before = malloc(4096 * ATA_SECTOR_SIZE);
	memcpy(before, fake.unit[0].image, 4096 * ATA_SECTOR_SIZE);
	ata_disk_init(&disk, &chan.drive[0], fake_va_to_pa, fake_ide_poll);
	assert_int_equal(disk_selftest(&disk.dev, fake.ram + BUF_PA), -1);
	assert_memory_equal(before, fake.unit[0].image, 4096 * ATA_SECTOR_SIZE);
	assert_non_null(strstr(logged, "FAILED: reading pattern A (the disk "
				       "is left as it was): 4095 sectors lack "
				       "pattern A, the first at LBA 1"));
	free(before);
}

static unsigned sector_calls;
static int sector_status;

static void sector_done(struct sector_req *r, int status)
{
	sector_calls++;
	sector_status = status;
}

static void test_sector_dev_reports_errors(void **state)
{
	struct ata_disk disk;
	struct sector_req req = {
		.op = SECTOR_WRITE,
		.sector = 0,
		.count = 1,
		.buf = fake.ram + BUF_PA,
		.done = sector_done,
	};

	one_disk(true);
	ata_disk_init(&disk, &chan.drive[0], fake_va_to_pa, fake_ide_poll);
	assert_int_equal(disk.dev.sectors, 4096);
	assert_string_equal(disk.dev.name, "ata1-master");
	assert_non_null(disk.dev.poll);
	fake.fail_next = true;
	sector_calls = 0;
	assert_int_equal(disk.dev.submit(&disk.dev, &req), 0);
	assert_int_equal(sector_calls, 0); /* never inside submit */
	disk.dev.poll(&disk.dev);
	assert_int_equal(sector_calls, 1);
	assert_int_equal(sector_status, -1);
	assert_non_null(strstr(logged, "ata1-master: WRITE DMA of 1"));

	/* the same write again succeeds, from a later poll */
	assert_int_equal(disk.dev.submit(&disk.dev, &req), 0);
	disk.dev.poll(&disk.dev);
	assert_int_equal(sector_calls, 2);
	assert_int_equal(sector_status, 0);

	/* beyond the disk, no buffer, no sectors: refused, done not called */
	req.op = SECTOR_READ;
	req.sector = 4096;
	assert_int_equal(disk.dev.submit(&disk.dev, &req), -1);
	req.sector = 4095;
	req.count = 2;
	assert_int_equal(disk.dev.submit(&disk.dev, &req), -1);
	req.count = 0;
	assert_int_equal(disk.dev.submit(&disk.dev, &req), -1);
	req.count = 1;
	req.buf = NULL;
	assert_int_equal(disk.dev.submit(&disk.dev, &req), -1);
	disk.dev.poll(&disk.dev);
	assert_int_equal(sector_calls, 2);
}

/* ---- the raw image format over an ATA disk ----------------------------- */

#define PART_FIRST   100 /* raw image: disk sectors 100..1099 */
#define PART_SECTORS 1000

static void test_raw_over_ata_disk(void **state)
{
	struct ata_disk disk;
	struct raw_disk raw;
	struct blk_backend *b = &raw.backend;
	struct sector_extent ext;
	uint8_t *wbuf = fake.ram + BUF_PA, *rbuf = fake.ram + BUF_PA + 0x40000;
	uint8_t *before = malloc(4096 * ATA_SECTOR_SIZE);

	one_disk(true);
	ata_disk_init(&disk, &chan.drive[0], fake_va_to_pa, fake_ide_poll);
	ext = (struct sector_extent){&disk.dev, PART_FIRST, PART_SECTORS};
	assert_int_equal(raw_open(&raw, "part.img", &ext, false), 0);
	assert_int_equal(b->sectors, PART_SECTORS);
	memcpy(before, fake.unit[0].image, 4096 * ATA_SECTOR_SIZE);

	/* read: the image's sector 0 is the disk's sector 100 */
	assert_int_equal(blk_read(b, 0, rbuf, 3), 0);
	assert_memory_equal(rbuf, before + PART_FIRST * ATA_SECTOR_SIZE,
			    3 * ATA_SECTOR_SIZE);

	/* write 300 sectors at the image's end: more than one command */
	for (unsigned i = 0; i < 300 * ATA_SECTOR_SIZE; i++)
		wbuf[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(blk_write(b, PART_SECTORS - 300, wbuf, 300), 0);
	assert_memory_equal(fake.unit[0].image + (PART_FIRST + PART_SECTORS -
						  300) * ATA_SECTOR_SIZE,
			    wbuf, 300 * ATA_SECTOR_SIZE);
	/* nothing outside the extent changed */
	assert_memory_equal(fake.unit[0].image, before,
			    (PART_FIRST + PART_SECTORS - 300) *
				    ATA_SECTOR_SIZE);
	assert_memory_equal(
		fake.unit[0].image +
			(PART_FIRST + PART_SECTORS) * ATA_SECTOR_SIZE,
		before + (PART_FIRST + PART_SECTORS) * ATA_SECTOR_SIZE,
		(4096 - PART_FIRST - PART_SECTORS) * ATA_SECTOR_SIZE);
	/* read it back through raw */
	memset(rbuf, 0, 300 * ATA_SECTOR_SIZE);
	assert_int_equal(blk_read(b, PART_SECTORS - 300, rbuf, 300), 0);
	assert_memory_equal(rbuf, wbuf, 300 * ATA_SECTOR_SIZE);

	/* flush reaches the drive as FLUSH CACHE */
	assert_int_equal(fake.flushes, 0);
	assert_int_equal(blk_flush(b), 0);
	assert_int_equal(fake.flushes, 1);

	/* past the image: refused by raw, no command reaches the drive */
	assert_int_equal(blk_read(b, PART_SECTORS, rbuf, 1), -1);
	assert_int_equal(blk_write(b, PART_SECTORS - 1, wbuf, 2), -1);

	/* a drive error comes back as -1 */
	fake.fail_next = true;
	assert_int_equal(blk_read(b, 0, rbuf, 1), -1);
	assert_non_null(strstr(logged, "ata1-master: READ DMA"));
	assert_int_equal(fake.violations, 0);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prd_boundaries),
		cmocka_unit_test(test_prd_refuses),
		cmocka_unit_test(test_taskfile_lba28_or_48),
		cmocka_unit_test(test_identify_parse),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_empty_channel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_read_completes_in_a_later_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_request_is_split,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_lba28_disk_splits_at_256,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_queue_one_command_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drive_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timeout_resets_channel,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_refused_requests_complete_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pio_without_bus_master,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_pio_for_buffer_dma_cannot_reach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waits_for_busy_drive,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_from_callback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_selftest_rewrites_prepared_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_selftest_leaves_other_disks_alone, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_raw_over_ata_disk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sector_dev_reports_errors,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
