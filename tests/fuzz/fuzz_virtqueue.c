/*
 * tests/fuzz/fuzz_virtqueue.c - libFuzzer target for the virtqueue and
 * virtio-blk (drivers/virt/virtqueue.c, virtio_blk.c, virtio_mmio.c),
 * built for the host with clang -fsanitize=fuzzer,address,undefined.
 * The input is a guest: its first two bytes choose the queue size, the
 * features the driver accepts, a read-only disk and whether descriptors
 * are tamed (below); the rest is its RAM (descriptor
 * table, rings, buffers: anything). The test brings the device up
 * through its registers, as a driver would, and notifies it a few
 * times. ASan catches any access outside the fake RAM and the disk; the
 * target checks what must hold whatever the guest wrote:
 *   - one notify completes at most a queue's worth of requests; the
 *     last names a descriptor below the queue size, with a used length
 *     no larger than the RAM;
 *   - a device that says DEVICE_NEEDS_RESET has a reason, and from then
 *     on changes neither the guest's RAM nor the disk until reset;
 *   - the interrupt status holds only the two defined bits.
 * Bit 5 of the second byte makes the disk answer later, as a host disk
 * does: its requests wait until the device is polled between notifies,
 * and bit 6 resets the device while some are waiting. Then, once the
 * disk has answered all: no slot is left busy and every request the
 * disk got was answered by it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/block/ramdisk.h"
#include "drivers/virt/virtio_blk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                    \
	do {                                                           \
		if (!(cond)) {                                         \
			fprintf(stderr, "fuzz_virtqueue: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);            \
			abort();                                       \
		}                                                      \
	} while (0)

#define RAM_SIZE (8 * 1024)
#define SECTORS	 8
#define NOTIFIES 3

/* The rings packed from address 0, so that a short input reaches them
 * all: descriptors, then the available ring, then the used ring. */
static uint8_t *ram;
static gpa_t avail_at, used_at;

static void *ram_map(void *ctx, gpa_t gpa, uint64_t len)
{
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return NULL;
	return ram + gpa;
}

static const struct guest_ram fake = {ram_map, NULL};

static uint32_t rd(struct virtio_blk *b, uint64_t off)
{
	return (uint32_t)virtio_mmio_read(&b->mmio, off, 4);
}

static void wr(struct virtio_blk *b, uint64_t off, uint32_t v)
{
	virtio_mmio_write(&b->mmio, off, 4, v);
}

static void bring_up(struct virtio_blk *b, uint16_t qsize, uint32_t features)
{
	wr(b, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES, features);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(b, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(b, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
	wr(b, VIRTIO_MMIO_QUEUE_NUM, qsize);
	wr(b, VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	wr(b, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail_at);
	wr(b, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used_at);
	wr(b, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(b, VIRTIO_MMIO_STATUS,
	   rd(b, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/* The device's own used index: the guest may point buffers at its used
 * ring, so the copy in RAM can hold anything. */
static uint16_t used_idx(const struct virtio_blk *b)
{
	return b->mmio.queues[0].used_idx;
}

/* The last used entry of a notify is written after all its data: it
 * must name a descriptor of the queue, with a sane length. */
static void check_last_used(const struct virtio_blk *b, uint16_t qsize)
{
	uint16_t i = (uint16_t)(used_idx(b) - 1);
	uint32_t id, len;

	memcpy(&id, ram + used_at + 4 + 8 * (i % qsize), 4);
	memcpy(&len, ram + used_at + 8 + 8 * (i % qsize), 4);
	CHECK(id < qsize);
	CHECK(len <= RAM_SIZE + 1);
}

/* Broken: nothing changes any more, whatever the guest does. */
static void check_stays_broken(struct virtio_blk *b, const uint8_t *disk)
{
	static uint8_t ram_before[RAM_SIZE], disk_before[SECTORS * 512];

	CHECK(b->mmio.broken[0] != '\0');
	memcpy(ram_before, ram, RAM_SIZE);
	memcpy(disk_before, disk, sizeof(disk_before));
	wr(b, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(memcmp(ram_before, ram, RAM_SIZE) == 0);
	CHECK(memcmp(disk_before, disk, sizeof(disk_before)) == 0);
}

/* ---- a disk that answers at the next poll -------------------------- */
#define HELD_MAX VIRTIO_BLK_SLOTS
static struct blk_io *held[HELD_MAX];
static unsigned held_count;
static void (*ram_submit)(struct blk_backend *, struct blk_io *);

static void later_submit(struct blk_backend *b, struct blk_io *io)
{
	CHECK(held_count < HELD_MAX); /* a slot has one request at a time */
	held[held_count++] = io;
}

static void later_poll(struct blk_backend *b)
{
	for (unsigned i = 0; i < held_count; i++)
		ram_submit(b, held[i]);
	held_count = 0;
}

static uint64_t fuzz_now; /* the clock the disk's poll is given */

/* Poll until the disk has answered every request. */
static void drain(struct virtio_blk *b)
{
	for (unsigned n = 0; virtio_blk_busy(b); n++) {
		CHECK(n < 4 * VIRTIO_BLK_SLOTS * VIRTQ_SEGS_MAX);
		CHECK(virtio_blk_poll(b, ++fuzz_now));
	}
	CHECK(held_count == 0);
	/* nothing on the disk: no answer waits for its interrupt */
	CHECK(b->signalled == b->mmio.queues[0].used_idx);
}

/* Bit 4 of the second byte: descriptors of the ring point into the RAM
 * with lengths below 2 KiB, so that random inputs also reach the
 * requests themselves, not only the checks that refuse wild chains. */
static void tame(uint16_t qsize)
{
	for (unsigned i = 0; i < qsize; i++) {
		struct virtq_desc d;

		memcpy(&d, ram + i * sizeof(d), sizeof(d));
		d.addr &= RAM_SIZE - 1;
		d.len &= 0x7ff;
		memcpy(ram + i * sizeof(d), &d, sizeof(d));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtio_blk blk;
	struct ramdisk rd_disk;
	uint8_t *disk;
	uint16_t qsize;
	uint32_t features;

	if (size < 2)
		return 0;
	qsize = (uint16_t)(1u << (data[0] % 9)); /* 1 to 256 */
	avail_at = (gpa_t)VIRTQ_DESC_SIZE * qsize;
	used_at = ALIGN_UP(avail_at + 6 + 2 * qsize, VIRTQ_USED_ALIGN);
	features = (data[1] & 1 ? VIRTIO_F_INDIRECT_DESC : 0) |
		   (data[1] & 2 ? VIRTIO_F_EVENT_IDX : 0) |
		   (data[1] & 4 ? VIRTIO_BLK_F_FLUSH : 0);
	ram = calloc(1, RAM_SIZE);
	disk = calloc(SECTORS, 512);
	memcpy(ram, data + 2, size - 2 < RAM_SIZE ? size - 2 : RAM_SIZE);
	if (data[1] & 16)
		tame(qsize);
	ramdisk_init(&rd_disk, "fuzz.img", disk, SECTORS * 512, data[1] & 8);
	held_count = 0;
	if (data[1] & 32) {
		ram_submit = rd_disk.backend.submit;
		rd_disk.backend.submit = later_submit;
		rd_disk.backend.poll = later_poll;
	}
	virtio_blk_init(&blk, &rd_disk.backend, "fuzz", 0xd0000000, &fake, 3);
	bring_up(&blk, qsize, features);
	for (unsigned n = 0; n < NOTIFIES; n++) {
		uint16_t before = used_idx(&blk);

		if (rd(&blk, VIRTIO_MMIO_STATUS) &
		    VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
			drain(&blk);
			check_stays_broken(&blk, disk);
			break;
		}
		wr(&blk, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		if (n == 1 && (data[1] & 64)) {
			wr(&blk, VIRTIO_MMIO_STATUS, 0); /* reset, then again */
			bring_up(&blk, qsize, features);
			before = used_idx(&blk); /* 0: a new queue */
		}
		virtio_blk_poll(&blk, ++fuzz_now);
		CHECK((uint16_t)(used_idx(&blk) - before) <= 2 * qsize);
		if (used_idx(&blk) != before)
			check_last_used(&blk, qsize);
		CHECK((rd(&blk, VIRTIO_MMIO_INTERRUPT_STATUS) & ~3u) == 0);
	}
	drain(&blk);
	free(disk);
	free(ram);
	return 0;
}
