/*
 * drivers/block/disk_selftest.c - the boot self-test of a host disk
 * through its sector device: read and check pattern A, write pattern B,
 * flush, read back and check B; SELFTEST_SLOTS requests in flight.
 * Boot CPU; pure logic over sector_dev.h, built into the host unit tests.
 */
#define LOG_PREFIX "disk-selftest: "
#include "drivers/block/disk_selftest.h"
#include "lib/log.h"
#include "lib/string.h"

#define HEADER_LEN (SELFTEST_MAGIC_LEN + 8)

enum phase { PHASE_READ, PHASE_WRITE, PHASE_VERIFY };

struct slot {
	struct sector_req req;
	uint8_t *buf;
	bool busy;
};

struct selftest {
	struct sector_dev *dev;
	char tag;	      /* the pattern this phase expects or writes */
	uint32_t per_request; /* sectors */
	uint64_t next_lba;    /* next request's first sector */
	uint64_t bad_lba;     /* first sector without the pattern */
	unsigned bad, errors, in_flight, max_in_flight;
	struct slot slots[SELFTEST_SLOTS];
};

void selftest_fill(uint8_t *sector, uint64_t lba, char tag)
{
	memcpy(sector, "HVDISK-", SELFTEST_MAGIC_LEN - 1);
	sector[SELFTEST_MAGIC_LEN - 1] = (uint8_t)tag;
	for (unsigned i = 0; i < 8; i++)
		sector[SELFTEST_MAGIC_LEN + i] = (uint8_t)(lba >> (8 * i));
	for (unsigned i = HEADER_LEN; i < BLK_SECTOR_SIZE; i++)
		sector[i] = (uint8_t)(lba * 31 + i * 7 + (uint8_t)tag);
}

bool selftest_check(const uint8_t *sector, uint64_t lba, char tag)
{
	uint8_t want[BLK_SECTOR_SIZE];

	selftest_fill(want, lba, tag);
	return !memcmp(sector, want, BLK_SECTOR_SIZE);
}

static void slot_done(struct sector_req *req, int status)
{
	struct selftest *t = req->ctx;
	struct slot *s = (struct slot *)req; /* req is a slot's first field */

	s->busy = false;
	t->in_flight--;
	if (status) {
		t->errors++;
		return;
	}
	if (req->op != SECTOR_READ)
		return;
	for (uint32_t i = 0; i < req->count; i++)
		if (!selftest_check(s->buf + (uint64_t)i * BLK_SECTOR_SIZE,
				    req->sector + i, t->tag) &&
		    !t->bad++)
			t->bad_lba = req->sector + i;
}

static void slot_start(struct selftest *t, struct slot *s, bool write)
{
	uint32_t count =
		(uint32_t)MIN(t->per_request, t->dev->sectors - t->next_lba);

	if (write)
		for (uint32_t i = 0; i < count; i++)
			selftest_fill(s->buf + (uint64_t)i * BLK_SECTOR_SIZE,
				      t->next_lba + i, t->tag);
	s->req = (struct sector_req){
		.op = write ? SECTOR_WRITE : SECTOR_READ,
		.sector = t->next_lba,
		.count = count,
		.buf = s->buf,
		.done = slot_done,
		.ctx = t,
	};
	t->next_lba += count;
	if (t->dev->submit(t->dev, &s->req)) {
		t->errors++; /* refused: done will not run */
		return;
	}
	s->busy = true;
	t->in_flight++;
	t->max_in_flight = MAX(t->max_in_flight, t->in_flight);
}

/* Cover the whole disk with requests, SELFTEST_SLOTS at a time. */
static void run_pass(struct selftest *t, bool write)
{
	t->next_lba = 0;
	while (t->next_lba < t->dev->sectors || t->in_flight) {
		for (unsigned i = 0; i < SELFTEST_SLOTS; i++)
			if (!t->slots[i].busy &&
			    t->next_lba < t->dev->sectors && !t->errors)
				slot_start(t, &t->slots[i], write);
		if (t->errors && !t->in_flight)
			return;
		t->dev->poll(t->dev);
	}
}

static void flush_done(struct sector_req *req, int status)
{
	struct selftest *t = req->ctx;

	t->in_flight--;
	if (status)
		t->errors++;
}

static int check_pass(struct selftest *t, const char *what)
{
	if (t->errors) {
		pr_err("%s: FAILED: %s: %u request%s failed (see the ata "
		       "lines above)",
		       t->dev->name, what, t->errors,
		       t->errors == 1 ? "" : "s");
		return -1;
	}
	if (t->bad) {
		pr_err("%s: FAILED: %s: %u sectors lack pattern %c, the first "
		       "at LBA %lu",
		       t->dev->name, what, t->bad, t->tag,
		       (unsigned long)t->bad_lba);
		return -1;
	}
	return 0;
}

int disk_selftest(struct sector_dev *dev, uint8_t *buf)
{
	struct selftest t = {.dev = dev};
	struct sector_req flush = {
		.op = SECTOR_FLUSH, .done = flush_done, .ctx = &t};
	unsigned long n = (unsigned long)dev->sectors;

	for (unsigned i = 0; i < SELFTEST_SLOTS; i++)
		t.slots[i].buf = buf + (uint64_t)i * SELFTEST_READ_COUNT *
					       BLK_SECTOR_SIZE;
	t.tag = 'A';
	t.per_request = SELFTEST_READ_COUNT;
	run_pass(&t, false);
	if (check_pass(&t, "reading pattern A (the disk is left as it was)"))
		return -1;
	pr_info("%s: read %lu sectors, pattern A in every one", dev->name, n);

	t.tag = 'B';
	t.per_request = SELFTEST_WRITE_COUNT;
	run_pass(&t, true);
	if (!t.errors) {
		if (dev->submit(dev, &flush))
			t.errors++;
		else
			t.in_flight++;
	}
	while (t.in_flight)
		dev->poll(dev);
	if (check_pass(&t, "writing pattern B"))
		return -1;
	pr_info("%s: wrote pattern B to %lu sectors, flushed", dev->name, n);

	t.per_request = SELFTEST_READ_COUNT;
	run_pass(&t, false);
	if (check_pass(&t, "reading pattern B back"))
		return -1;
	pr_info("%s: read back %lu sectors, pattern B in every one", dev->name,
		n);
	pr_info("%s: passed, up to %u requests in flight", dev->name,
		t.max_in_flight);
	return 0;
}
