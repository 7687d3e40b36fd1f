/*
 * tests/unit/test_virtio_blk.c - drivers/virt/virtio_blk.c over
 * drivers/block/ramdisk.c, on the host: a driver (this test) sets the
 * device up through its registers and sends requests through a queue in
 * fake guest RAM; good requests, requests the spec says must fail with
 * a status, and chains that cannot be answered at all.
 */
#include "tests/unit/support.h"
#include "tests/unit/fake_ram.h"
#include "drivers/block/ramdisk.h"
#include "drivers/virt/virtio_blk.h"
#include "lib/log.h"

#define SECTORS 16
#define QSIZE	8
#define HDR	0x8000
#define DATA	0x9000 /* up to 16 KiB */
#define STAT	0xe000

static uint8_t *image;
static struct ramdisk rd;
static struct virtio_blk blk;

static void sink(const char *line, size_t len)
{
}

static uint8_t pattern(uint64_t sector, unsigned i)
{
	return (uint8_t)(sector * 13 + i * 7 + 0x21);
}

static uint32_t rd32(uint64_t off)
{
	return (uint32_t)virtio_mmio_read(&blk.mmio, off, 4);
}

static void wr32(uint64_t off, uint32_t v)
{
	virtio_mmio_write(&blk.mmio, off, 4, v);
}

static uint16_t qsize = QSIZE;

#define HOLD 100 /* an answer's interrupt waits at most this long */

/* The driver's setup, with the feature bits 0-31 it takes. */
static void bring_up_with(uint32_t features)
{
	wr32(VIRTIO_MMIO_STATUS,
	     VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(VIRTIO_MMIO_DRIVER_FEATURES, features);
	wr32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr32(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
					 VIRTIO_STATUS_DRIVER |
					 VIRTIO_STATUS_FEATURES_OK);
	wr32(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr32(VIRTIO_MMIO_QUEUE_NUM, qsize);
	wr32(VIRTIO_MMIO_QUEUE_DESC_LOW, FAKE_DESC);
	wr32(VIRTIO_MMIO_QUEUE_DRIVER_LOW, FAKE_AVAIL);
	wr32(VIRTIO_MMIO_QUEUE_DEVICE_LOW, FAKE_USED);
	wr32(VIRTIO_MMIO_QUEUE_READY, 1);
	wr32(VIRTIO_MMIO_STATUS,
	     rd32(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd32(VIRTIO_MMIO_STATUS) &
				 (VIRTIO_STATUS_DRIVER_OK |
				  VIRTIO_STATUS_DEVICE_NEEDS_RESET),
			 VIRTIO_STATUS_DRIVER_OK);
}

static void bring_up(void)
{
	bring_up_with(VIRTIO_BLK_F_FLUSH);
}

static void start(bool read_only)
{
	qsize = QSIZE;
	fake_ram_alloc();
	image = malloc(SECTORS * 512);
	for (unsigned s = 0; s < SECTORS; s++)
		for (unsigned i = 0; i < 512; i++)
			image[s * 512 + i] = pattern(s, i);
	assert_int_equal(ramdisk_init(&rd, "test-disk.img", image,
				      SECTORS * 512, read_only),
			 0);
	virtio_blk_init(&blk, &rd.backend, "vm t: virtio-blk", 0xd0000000,
			&fake_guest_ram, HOLD);
	log_set_sink(sink);
	bring_up();
}

static int setup(void **state)
{
	start(false);
	return 0;
}

static int setup_ro(void **state)
{
	start(true);
	return 0;
}

static int teardown(void **state)
{
	fake_ram_free();
	free(image);
	return 0;
}

static void put_hdr(uint32_t type, uint64_t sector)
{
	memcpy(fake_ram + HDR, &type, 4);
	memset(fake_ram + HDR + 4, 0, 4);
	memcpy(fake_ram + HDR + 8, &sector, 8);
	fake_ram[STAT] = 0xee;
}

/* Header, len bytes of data (none when 0), status; notify; return
 * the status byte and the used length. */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t len,
		       uint32_t *used_len)
{
	uint16_t used = ram16(FAKE_USED + 2), n = 0;

	put_hdr(type, sector);
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	if (len) {
		n = 1;
		put_desc(1, DATA, len,
			 VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_OUT
						      ? 0
						      : VIRTQ_DESC_F_WRITE),
			 2);
	}
	put_desc(n + 1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(ram16(FAKE_USED + 2), (uint16_t)(used + 1));
	if (used_len)
		*used_len = ram32(FAKE_USED + 4 + 8 * (used % QSIZE) + 4);
	return fake_ram[STAT];
}

static void test_config(void **state)
{
	uint64_t cap = virtio_mmio_read(&blk.mmio, VIRTIO_MMIO_CONFIG, 8);

	assert_int_equal(cap, SECTORS);
	assert_int_equal(rd32(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SEG_MAX),
			 VIRTIO_BLK_SEG_MAX);
	assert_int_equal(rd32(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE),
			 512);
	assert_int_equal(rd32(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	wr32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_true(rd32(VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_BLK_F_FLUSH);
	assert_false(rd32(VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_BLK_F_RO);
}

static void test_read(void **state)
{
	uint32_t used;

	assert_int_equal(request(VIRTIO_BLK_T_IN, 3, 2 * 512, &used),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(used, 2 * 512 + 1);
	assert_memory_equal(fake_ram + DATA, image + 3 * 512, 2 * 512);
}

static void test_write_flush_read(void **state)
{
	uint32_t used;

	for (unsigned i = 0; i < 512; i++)
		fake_ram[DATA + i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, SECTORS - 1, 512, &used),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(used, 1);
	assert_memory_equal(image + (SECTORS - 1) * 512, fake_ram + DATA, 512);
	assert_int_equal(image[(SECTORS - 2) * 512], pattern(SECTORS - 2, 0));
	assert_int_equal(request(VIRTIO_BLK_T_FLUSH, 0, 0, &used),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(used, 1);
	memset(fake_ram + DATA, 0, 512);
	assert_int_equal(request(VIRTIO_BLK_T_IN, SECTORS - 1, 512, NULL),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(fake_ram[DATA + 7], 7 ^ 0x5a);
}

static void test_get_id(void **state)
{
	uint32_t used;

	memset(fake_ram + DATA, 0xff, 32);
	assert_int_equal(request(VIRTIO_BLK_T_GET_ID, 0, 20, &used),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(used, 21);
	assert_string_equal((char *)fake_ram + DATA, "test-disk.img");
	assert_int_equal(fake_ram[DATA + 20], 0xff); /* nothing past 20 */
}

static void test_beyond_the_end(void **state)
{
	assert_int_equal(request(VIRTIO_BLK_T_IN, SECTORS, 512, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(VIRTIO_BLK_T_IN, SECTORS - 1, 1024, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, ~0ULL, 512, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk.errors, 3);
	/* the device still works */
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, 512, NULL),
			 VIRTIO_BLK_S_OK);
	assert_false(rd32(VIRTIO_MMIO_STATUS) &
		     VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void test_partial_sector(void **state)
{
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, 100, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 0, 513, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(image[0], pattern(0, 0));
}

static void test_unsupported(void **state)
{
	assert_int_equal(request(3, 0, 512, NULL), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(request(0xffffffff, 0, 0, NULL), VIRTIO_BLK_S_UNSUPP);
}

/* A header shorter than 16 bytes: IOERR, nothing transferred. */
static void test_short_header(void **state)
{
	put_hdr(VIRTIO_BLK_T_IN, 0);
	put_desc(0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_desc(2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	memset(fake_ram + DATA, 0, 512);
	make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fake_ram[STAT], VIRTIO_BLK_S_IOERR);
	assert_int_equal(fake_ram[DATA], 0);
	assert_int_equal(ram32(FAKE_USED + 8), 1);
}

/* No writable byte for the status: cannot be answered: NEEDS_RESET,
 * nothing on the used ring. */
static void test_no_status_byte(void **state)
{
	put_hdr(VIRTIO_BLK_T_OUT, 0);
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, DATA, 512, 0, 0);
	make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(rd32(VIRTIO_MMIO_STATUS) &
		    VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_non_null(strstr(blk.mmio.broken, "has no writable status"));
	assert_int_equal(ram16(FAKE_USED + 2), 0);
	assert_int_equal(image[0], pattern(0, 0));
}

/* Any framing: header split, data split in the middle of sectors (the
 * bounce buffer), status in the same buffer as the data's end. */
static void test_any_layout(void **state)
{
	put_hdr(VIRTIO_BLK_T_IN, 2);
	put_desc(0, HDR, 3, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, HDR + 3, 13, VIRTQ_DESC_F_NEXT, 2);
	put_desc(2, DATA, 700, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	put_desc(3, DATA + 0x1000, 325, VIRTQ_DESC_F_WRITE, 0);
	make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(ram16(FAKE_USED + 2), 1);
	assert_int_equal(ram32(FAKE_USED + 8), 1025);
	assert_memory_equal(fake_ram + DATA, image + 2 * 512, 700);
	assert_memory_equal(fake_ram + DATA + 0x1000, image + 2 * 512 + 700,
			    324);
	assert_int_equal(fake_ram[DATA + 0x1000 + 324], VIRTIO_BLK_S_OK);
}

/* A write split mid-sector lands whole. */
static void test_write_split(void **state)
{
	put_hdr(VIRTIO_BLK_T_OUT, 4);
	for (unsigned i = 0; i < 512; i++)
		fake_ram[DATA + i] = (uint8_t)(0x99 ^ i);
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, DATA, 100, VIRTQ_DESC_F_NEXT, 2);
	put_desc(2, DATA + 100, 412, VIRTQ_DESC_F_NEXT, 3);
	put_desc(3, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fake_ram[STAT], VIRTIO_BLK_S_OK);
	assert_memory_equal(image + 4 * 512, fake_ram + DATA, 512);
}

/* The backend, counting its requests. */
static void (*ram_submit)(struct blk_backend *, struct blk_io *);
static unsigned calls;

static void counted_submit(struct blk_backend *b, struct blk_io *io)
{
	if (io->op != BLK_FLUSH)
		calls++;
	ram_submit(b, io);
}

static void count_calls(void)
{
	ram_submit = rd.backend.submit;
	rd.backend.submit = counted_submit;
	calls = 0;
}

/* Two buffers of the guest's, each of whole sectors. */
static void write_two_buffers(void)
{
	put_hdr(VIRTIO_BLK_T_OUT, 10);
	for (unsigned i = 0; i < 6 * 512; i++)
		fake_ram[DATA + i] = (uint8_t)(i * 3 + 1);
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, DATA + 4 * 512, 2 * 512, VIRTQ_DESC_F_NEXT, 2);
	put_desc(2, DATA, 4 * 512, VIRTQ_DESC_F_NEXT, 3);
	put_desc(3, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(fake_ram[STAT], VIRTIO_BLK_S_OK);
	assert_memory_equal(image + 10 * 512, fake_ram + DATA + 4 * 512,
			    2 * 512);
	assert_memory_equal(image + 12 * 512, fake_ram + DATA, 4 * 512);
}

/* A backend that takes a list of buffers gets a request's data in one
 * request, whatever the number of buffers, when each holds whole
 * sectors; a sector split across buffers takes the per-buffer path. */
static void test_one_call_per_request(void **state)
{
	count_calls();
	assert_true(rd.backend.sg);
	test_any_layout(state); /* 700 + 325 bytes: a run, then a bounce */
	assert_int_equal(calls, 2);
	calls = 0;
	write_two_buffers();
	assert_int_equal(calls, 1);
	calls = 0;
	assert_int_equal(request(VIRTIO_BLK_T_IN, 1, 8 * 512, NULL),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(calls, 1);
	assert_memory_equal(fake_ram + DATA, image + 512, 8 * 512);
}

/* For a backend without lists (a thin image): sectors in one buffer of
 * the guest's reach the backend in one request; each further buffer is
 * one more; a sector split across buffers goes through the bounce
 * buffer on its own. */
static void test_one_call_per_buffer(void **state)
{
	rd.backend.sg = false;
	count_calls();
	assert_int_equal(request(VIRTIO_BLK_T_IN, 1, 8 * 512, NULL),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(calls, 1);
	assert_memory_equal(fake_ram + DATA, image + 512, 8 * 512);

	calls = 0;
	write_two_buffers();
	assert_int_equal(calls, 2);
}

static void test_split_sector_bounced(void **state)
{
	rd.backend.sg = false;
	count_calls();
	test_any_layout(state); /* 700 + 325 bytes: a run, then a bounce */
	assert_int_equal(calls, 2);
}

/* One notify does every request available, up to the queue size. */
static void test_batch(void **state)
{
	put_hdr(VIRTIO_BLK_T_FLUSH, 0);
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	for (unsigned i = 0; i < QSIZE; i++)
		make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(ram16(FAKE_USED + 2), QSIZE);
	assert_int_equal(blk.requests, QSIZE);
	assert_true(rd32(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
}

/* A loop in the chain: the transport's NEEDS_RESET with the queue's
 * reason; a reset and a new setup bring the disk back. */
static void test_garbage_then_reset(void **state)
{
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 0);
	make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_true(rd32(VIRTIO_MMIO_STATUS) &
		    VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_non_null(strstr(blk.mmio.broken, "queue 0: chain 0 loops"));
	wr32(VIRTIO_MMIO_STATUS, 0);
	memset(fake_ram + FAKE_AVAIL, 0, 0x2000);
	bring_up();
	assert_int_equal(request(VIRTIO_BLK_T_IN, 1, 512, NULL),
			 VIRTIO_BLK_S_OK);
	assert_memory_equal(fake_ram + DATA, image + 512, 512);
}

/* The counts `make bench` divides by the requests: every register
 * access (each a VM exit), the notifications among them, the
 * interrupts raised; a batch of requests costs one notification and
 * one interrupt. */
static void test_stats(void **state)
{
	struct virtio_mmio_stats s = blk.mmio.stats;

	assert_int_equal(request(VIRTIO_BLK_T_IN, 1, 512, NULL),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(blk.mmio.stats.notifies, s.notifies + 1);
	assert_int_equal(blk.mmio.stats.accesses, s.accesses + 1);
	assert_int_equal(blk.mmio.stats.interrupts, s.interrupts + 1);
	/* the line stays up until acknowledged: no second interrupt */
	assert_int_equal(request(VIRTIO_BLK_T_IN, 2, 512, NULL),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(blk.mmio.stats.interrupts, s.interrupts + 1);
	wr32(VIRTIO_MMIO_INTERRUPT_ACK, rd32(VIRTIO_MMIO_INTERRUPT_STATUS));
	assert_int_equal(blk.mmio.stats.accesses, s.accesses + 4);
	put_hdr(VIRTIO_BLK_T_FLUSH, 0);
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	for (unsigned i = 0; i < QSIZE; i++)
		make_avail(QSIZE, 0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(blk.requests, 2 + QSIZE);
	assert_int_equal(blk.mmio.stats.notifies, s.notifies + 3);
	assert_int_equal(blk.mmio.stats.interrupts, s.interrupts + 2);
	/* a bad access is an exit too */
	virtio_mmio_read(&blk.mmio, VIRTIO_MMIO_STATUS, 2);
	assert_int_equal(blk.mmio.stats.accesses, s.accesses + 6);
}

static struct virtio_mmio_stats at_reset;
static unsigned resets;

static void on_reset(void *ctx, const struct virtio_mmio *m)
{
	assert_ptr_equal(ctx, &blk);
	at_reset = m->stats;
	resets++;
	/* told before the reset: the driver's setup is still there */
	assert_true(m->status & VIRTIO_STATUS_DRIVER_OK);
}

/* The hook hears the driver's reset (Status = 0) with the counts so
 * far, which the reset keeps; the VM's own reset is not the driver's. */
static void test_reset_hook(void **state)
{
	resets = 0;
	virtio_mmio_set_reset_hook(&blk.mmio, on_reset, &blk);
	assert_int_equal(request(VIRTIO_BLK_T_IN, 1, 512, NULL),
			 VIRTIO_BLK_S_OK);
	virtio_mmio_reset(&blk.mmio);
	assert_int_equal(resets, 0);
	memset(fake_ram + FAKE_AVAIL, 0, 0x2000);
	bring_up();
	assert_int_equal(request(VIRTIO_BLK_T_IN, 2, 512, NULL),
			 VIRTIO_BLK_S_OK);
	wr32(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(resets, 1);
	assert_int_equal(at_reset.notifies, 2);
	assert_int_equal(blk.mmio.stats.notifies, 2);
	assert_int_equal(blk.mmio.stats.accesses, at_reset.accesses);
	assert_int_equal(blk.requests, 2);
	assert_int_equal(rd32(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(blk.mmio.stats.accesses, at_reset.accesses + 1);
}

static void test_read_only(void **state)
{
	wr32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_true(rd32(VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_BLK_F_RO);
	memset(fake_ram + DATA, 0, 512);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 0, 512, NULL),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(image[0], pattern(0, 0));
	assert_int_equal(request(VIRTIO_BLK_T_IN, 0, 512, NULL),
			 VIRTIO_BLK_S_OK);
}

/* ---- a backend that answers later ---------------------------------------
 * Requests wait in `held` until the test lets one go: then the RAM
 * image does it, at the device's next poll (as a host disk's DMA
 * completes at a later poll of its driver). */
#define HELD_MAX 16
static struct blk_io *held[HELD_MAX];
static bool let_go[HELD_MAX];
static int fail_next; /* let_go makes the request fail */
static unsigned held_count;

static void later_submit(struct blk_backend *b, struct blk_io *io)
{
	assert_true(held_count < HELD_MAX);
	let_go[held_count] = false;
	held[held_count++] = io;
}

static void later_poll(struct blk_backend *b)
{
	for (unsigned i = 0; i < held_count; i++) {
		if (!let_go[i] || !held[i])
			continue;
		if (fail_next) {
			fail_next--;
			blk_io_finish(held[i], -1);
		} else {
			ram_submit(b, held[i]);
		}
		held[i] = NULL;
	}
}

static void answer_later(void)
{
	ram_submit = rd.backend.submit;
	rd.backend.submit = later_submit;
	rd.backend.poll = later_poll;
	held_count = 0;
	fail_next = 0;
}

/* Request k (k = 0, 1, ...) of a batch: descriptors 2k and 2k+1 (its
 * header; one writable buffer with the 512 bytes of sector k, then its
 * status byte: "Message Framing" allows it). */
#define K_DATA(k) (DATA + (k)*1024)
#define K_STAT(k) (K_DATA(k) + 512)
static void add_read(unsigned k)
{
	uint64_t hdr = HDR + 16 * (k + 1);
	uint32_t type = VIRTIO_BLK_T_IN;
	uint64_t sector = k % SECTORS;

	memcpy(fake_ram + hdr, &type, 4);
	memset(fake_ram + hdr + 4, 0, 4);
	memcpy(fake_ram + hdr + 8, &sector, 8);
	memset(fake_ram + K_DATA(k), 0, 512);
	fake_ram[K_STAT(k)] = 0xee;
	put_desc(2 * k, hdr, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(2 * k + 1));
	put_desc(2 * k + 1, K_DATA(k), 513, VIRTQ_DESC_F_WRITE, 0);
	make_avail(qsize, (uint16_t)(2 * k));
}

static uint16_t used_idx(void)
{
	return ram16(FAKE_USED + 2);
}

/* The notify only starts the request: no answer, no interrupt, until
 * the backend is done and the device polled. */
static void test_answered_after_poll(void **state)
{
	answer_later();
	add_read(0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(held_count, 1);
	assert_true(virtio_blk_busy(&blk));
	assert_int_equal(used_idx(), 0);
	assert_int_equal(fake_ram[K_STAT(0)], 0xee);
	assert_false(rd32(VIRTIO_MMIO_INTERRUPT_STATUS) &
		     VIRTIO_MMIO_INT_VRING);
	assert_true(virtio_blk_poll(&blk, 0)); /* not done yet: nothing */
	assert_int_equal(used_idx(), 0);

	let_go[0] = true;
	assert_true(virtio_blk_poll(&blk, 0));
	assert_int_equal(used_idx(), 1);
	assert_int_equal(fake_ram[K_STAT(0)], VIRTIO_BLK_S_OK);
	assert_memory_equal(fake_ram + K_DATA(0), image, 512);
	assert_true(rd32(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
	assert_false(virtio_blk_busy(&blk));
}

/* Several requests at once, answered in the order the backend finishes
 * them; the used ring names each by its head. */
static void test_out_of_order(void **state)
{
	answer_later();
	for (unsigned k = 0; k < 3; k++)
		add_read(k);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(held_count, 3);
	let_go[2] = true;
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(ram32(FAKE_USED + 4), 4); /* request 2's head */
	assert_int_equal(fake_ram[K_STAT(2)], VIRTIO_BLK_S_OK);
	assert_int_equal(fake_ram[K_STAT(0)], 0xee);
	let_go[0] = let_go[1] = true;
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), 3);
	for (unsigned k = 0; k < 3; k++)
		assert_memory_equal(fake_ram + K_DATA(k), image + k * 512, 512);
	assert_int_equal(blk.requests, 3);
}

/* More requests than slots: the rest wait on the ring and are taken as
 * slots free up, at a poll, without another notify. */
static void test_more_than_slots(void **state)
{
	const unsigned n = VIRTIO_BLK_SLOTS + 4;

	wr32(VIRTIO_MMIO_STATUS, 0);
	memset(fake_ram + FAKE_AVAIL, 0, 0x2000);
	qsize = 32;
	bring_up();
	answer_later();
	for (unsigned k = 0; k < n; k++)
		add_read(k);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(held_count, VIRTIO_BLK_SLOTS);
	for (unsigned i = 0; i < held_count; i++)
		let_go[i] = true;
	virtio_blk_poll(&blk, 0); /* 8 answered, the last 4 taken */
	assert_int_equal(used_idx(), VIRTIO_BLK_SLOTS);
	assert_int_equal(held_count, n);
	for (unsigned i = 0; i < held_count; i++)
		let_go[i] = true;
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), n);
	for (unsigned k = 0; k < n; k++) {
		assert_int_equal(fake_ram[K_STAT(k)], VIRTIO_BLK_S_OK);
		assert_memory_equal(fake_ram + K_DATA(k),
				    image + (k % SECTORS) * 512, 512);
	}
	assert_int_equal(blk.errors, 0);
	assert_false(virtio_blk_busy(&blk));
}

/* A failed backend request answers S_IOERR; the others are not hurt. */
static void test_backend_error(void **state)
{
	answer_later();
	add_read(0);
	add_read(1);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	fail_next = 1;
	let_go[0] = let_go[1] = true;
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(fake_ram[K_STAT(0)], VIRTIO_BLK_S_IOERR);
	assert_int_equal(fake_ram[K_STAT(1)], VIRTIO_BLK_S_OK);
	assert_int_equal(blk.errors, 1);
}

/* A reset while a request is on the backend: it finishes there, but is
 * never answered on the new queue; the device works again after setup. */
static void test_reset_while_busy(void **state)
{
	answer_later();
	add_read(0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr32(VIRTIO_MMIO_STATUS, 0);
	memset(fake_ram + FAKE_AVAIL, 0, 0x2000);
	bring_up();
	let_go[0] = true;
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), 0);
	assert_int_equal(fake_ram[K_STAT(0)], 0xee);
	assert_int_equal(blk.requests, 0);
	assert_false(virtio_blk_busy(&blk));

	add_read(1);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	let_go[1] = true;
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(fake_ram[K_STAT(1)], VIRTIO_BLK_S_OK);
}

/* Another CPU in the window: poll leaves the device alone. */
static void test_poll_when_locked(void **state)
{
	spin_lock(&blk.lock);
	assert_false(virtio_blk_poll(&blk, 0));
	spin_unlock(&blk.lock);
	assert_true(virtio_blk_poll(&blk, 0));
}

/* ---- notifications and interrupts while requests are in flight ---- */

static bool interrupted(void)
{
	return rd32(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING;
}

static void ack(void)
{
	wr32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
}

static void let_all_go(void)
{
	for (unsigned i = 0; i < held_count; i++)
		let_go[i] = true;
}

/* While a request is on the backend the device asks not to be notified
 * (VIRTQ_USED_F_NO_NOTIFY) and takes what the driver adds at its next
 * poll; idle again, it asks for notifications. */
static void test_no_notify_while_busy(void **state)
{
	answer_later();
	add_read(0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(ram16(FAKE_USED), VIRTQ_USED_F_NO_NOTIFY);
	add_read(1); /* no notify: the driver was told so */
	virtio_blk_poll(&blk, 0);
	assert_int_equal(held_count, 2);
	let_all_go();
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(fake_ram[K_STAT(1)], VIRTIO_BLK_S_OK);
	assert_int_equal(ram16(FAKE_USED), 0);
	assert_false(virtio_blk_busy(&blk));
}

/* The same with VIRTIO_F_EVENT_IDX: avail_event stays behind while
 * busy, and names the next entry once idle. */
static void test_event_idx_quiet_while_busy(void **state)
{
	const uint64_t avail_event = FAKE_USED + 4 + 8 * QSIZE;

	wr32(VIRTIO_MMIO_STATUS, 0);
	bring_up_with(VIRTIO_BLK_F_FLUSH | VIRTIO_F_EVENT_IDX);
	answer_later();
	add_read(0);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(ram16(avail_event), 0); /* not 1: be quiet */
	assert_int_equal(ram16(FAKE_USED), 0);	 /* the flag is not used */
	add_read(1);
	virtio_blk_poll(&blk, 0);
	assert_int_equal(held_count, 2);
	assert_int_equal(ram16(avail_event), 0);
	let_all_go();
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(ram16(avail_event), 2); /* notify me of entry 2 */
}

/* Eight requests in flight: the first answers wait for the interrupt
 * until VIRTIO_BLK_COALESCE are on the used ring; the last ones get it
 * when nothing is left on the backend. */
static void test_interrupts_coalesced(void **state)
{
	wr32(VIRTIO_MMIO_STATUS, 0);
	memset(fake_ram + FAKE_AVAIL, 0, 0x2000);
	qsize = 32; /* room for 8 requests of 2 descriptors */
	bring_up();
	answer_later();
	for (unsigned k = 0; k < VIRTIO_BLK_SLOTS; k++)
		add_read(k);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(held_count, VIRTIO_BLK_SLOTS);
	for (unsigned k = 0; k < VIRTIO_BLK_COALESCE - 1; k++) {
		let_go[k] = true;
		virtio_blk_poll(&blk, 0);
		assert_int_equal(used_idx(), k + 1); /* answered at once */
		assert_false(interrupted());
	}
	let_go[VIRTIO_BLK_COALESCE - 1] = true;
	virtio_blk_poll(&blk, 0);
	assert_true(interrupted());
	ack();
	let_go[VIRTIO_BLK_COALESCE] = true;
	virtio_blk_poll(&blk, 0);
	assert_false(interrupted());
	let_all_go();
	virtio_blk_poll(&blk, 0);
	assert_int_equal(used_idx(), VIRTIO_BLK_SLOTS);
	assert_true(interrupted());
	for (unsigned k = 0; k < VIRTIO_BLK_SLOTS; k++)
		assert_int_equal(fake_ram[K_STAT(k)], VIRTIO_BLK_S_OK);
}

/* An answer waits for others at most the hold time, counted from the
 * first answer after the last interrupt (one or several at once). */
static void test_interrupt_hold_is_bounded(void **state)
{
	answer_later();
	for (unsigned k = 0; k < 4; k++)
		add_read(k);
	wr32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	let_go[0] = true;
	virtio_blk_poll(&blk, 1000);
	assert_int_equal(used_idx(), 1);
	assert_false(interrupted());
	virtio_blk_poll(&blk, 1000 + HOLD - 1);
	assert_false(interrupted());
	virtio_blk_poll(&blk, 1000 + HOLD);
	assert_true(interrupted());
	ack();
	let_go[1] = let_go[2] = true; /* two answers in one poll */
	virtio_blk_poll(&blk, 5000);
	assert_int_equal(used_idx(), 3);
	assert_false(interrupted());
	virtio_blk_poll(&blk, 5000 + HOLD);
	assert_true(interrupted());
	assert_true(virtio_blk_busy(&blk)); /* request 3 is still out */
}

static void test_ramdisk_sizes(void **state)
{
	struct ramdisk r;
	uint8_t b[1024];

	assert_int_equal(ramdisk_init(&r, "x", b, 1000, false), -1);
	assert_int_equal(ramdisk_init(&r, "x", b, 0, false), -1);
	assert_int_equal(ramdisk_init(&r, "x", b, 1024, false), 0);
	assert_int_equal(r.backend.sectors, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_config),
		T(test_read),
		T(test_answered_after_poll),
		T(test_out_of_order),
		T(test_more_than_slots),
		T(test_backend_error),
		T(test_reset_while_busy),
		T(test_poll_when_locked),
		T(test_no_notify_while_busy),
		T(test_event_idx_quiet_while_busy),
		T(test_interrupts_coalesced),
		T(test_interrupt_hold_is_bounded),
		T(test_write_flush_read),
		T(test_get_id),
		T(test_beyond_the_end),
		T(test_partial_sector),
		T(test_unsupported),
		T(test_short_header),
		T(test_no_status_byte),
		T(test_any_layout),
		T(test_write_split),
		T(test_one_call_per_request),
		T(test_one_call_per_buffer),
		T(test_split_sector_bounced),
		T(test_batch),
		T(test_garbage_then_reset),
		T(test_stats),
		T(test_reset_hook),
		cmocka_unit_test_setup_teardown(test_read_only, setup_ro,
						teardown),
		T(test_ramdisk_sizes),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
