/*
 * tests/fuzz/fuzz_thin.c - libFuzzer target for the thin image format
 * (drivers/block/thin.c), built for the host with clang
 * -fsanitize=fuzzer,address,undefined. The input is an image and what a
 * guest does with it:
 *
 *   byte 0   bits 0-1: how the header is made (0: the input's bytes as
 *            they are; 1: the input's bytes with the magic, version
 *            and checksum made right; 2: a good header for a small
 *            disk, the input's bytes as its map); bit 2: the device
 *            completes requests from poll; bits 3-7: the image's size
 *   byte 1   how many image bytes follow (times 4)
 *   byte 2   the virtual size for header mode 2
 *   then     the image's first bytes, then guest operations of 3 bytes
 *            (kind and count, sector, fill byte)
 *
 * The rest of the image is garbage (0xEE). What must hold: a refused
 * image says why; an opened one has a map whose entries all name
 * distinct data blocks inside the image, and reads every sector of its first 64
 * (zeros or data, never an error); a request past the virtual size
 * fails; what the guest writes reads back; a FLUSH succeeds; and the
 * image after the operations opens again, with the same blocks and the
 * same data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/fake_disk.h"
#include "drivers/block/thin.h"
#include "lib/crc32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "fuzz_thin: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                           \
			abort();                                            \
		}                                                           \
	} while (0)

#define SHADOW	   64 /* sectors the target keeps a copy of */
#define MAX_COUNT  16
#define MODE_RAW   0
#define MODE_FIXED 1
#define MODE_GOOD  2
#define DISK_MAX   (16 + 31 * 8) /* sectors */

static uint8_t shadow[SHADOW * 512];

static void make_image(struct fake_disk *d, unsigned mode, uint8_t vsize,
		       const uint8_t *img, size_t len)
{
	uint8_t *p = d->cache;
	size_t room = d->dev.sectors * 512;

	if (mode == MODE_GOOD) {
		struct sector_extent e = fake_disk_extent(d);
		struct thin_header h;
		char why[160];

		CHECK(thin_header_init(&h, (vsize + 1ull) * 1024,
				       THIN_BLOCK_MIN, why, sizeof(why)) == 0);
		if (thin_format(&e, &h))
			return; /* the device is too small: garbage */
		memcpy(p + THIN_MAP_OFFSET, img, MIN(len, room - 512));
		return;
	}
	memcpy(p, img, MIN(len, room));
	if (mode == MODE_FIXED) {
		uint32_t version = THIN_VERSION, sum;

		memcpy(p + THIN_HDR_MAGIC, THIN_MAGIC, THIN_MAGIC_LEN);
		memcpy(p + THIN_HDR_VERSION, &version, 4);
		sum = crc32_ieee(p, THIN_HDR_CHECKSUM);
		memcpy(p + THIN_HDR_CHECKSUM, &sum, 4);
	}
}

/* What thin_open promises of an image it opened: every entry names a
 * data block inside the image, and no block is named twice. */
static void check_map(const struct thin_disk *t)
{
	static uint8_t named[DISK_MAX / 8];
	uint64_t blocks = t->ext.sectors / t->block_sectors, count = 0;

	memset(named, 0, sizeof(named));
	for (uint64_t v = 0; v < t->hdr.map_entries; v++) {
		uint32_t p = thin_map_get(t, v);

		if (p == THIN_UNALLOCATED)
			continue;
		CHECK(p * (uint64_t)t->hdr.block_size >= t->hdr.data_offset);
		CHECK(p < blocks && !named[p]);
		named[p] = 1;
		count++;
	}
	CHECK(count == t->allocated);
}

static int open_thin(struct fake_disk *d, struct thin_disk *t, void **mem)
{
	struct sector_extent e = fake_disk_extent(d);
	struct thin_header h;
	char why[160] = "";
	int err;

	*mem = NULL;
	if (thin_read_header(&e, &h, why, sizeof(why))) {
		CHECK(why[0]);
		return -1;
	}
	*mem = malloc(thin_mem_bytes(&h));
	err = thin_open(t, "fuzz.img", &e, &h, *mem, false, why, sizeof(why));
	CHECK(!err || why[0]);
	if (!err)
		check_map(t);
	return err;
}

static void guest_op(struct blk_backend *b, const uint8_t *op, uint64_t n)
{
	static uint8_t buf[MAX_COUNT * 512];
	uint32_t count = 1 + (op[0] >> 2) % MAX_COUNT;
	uint64_t sector = op[1] % (n + 2);
	bool fits = sector + count <= n;
	/* sectors [sector, sector + in) are in the shadow */
	uint32_t in = sector < SHADOW ? MIN(count, SHADOW - sector) : 0;

	switch (op[0] & 3) {
	case 0: /* read */
		CHECK(blk_read(b, sector, buf, count) == (fits ? 0 : -1));
		if (fits && in)
			CHECK(!memcmp(buf, shadow + sector * 512, in * 512));
		break;
	case 1: /* write */
		memset(buf, op[2], sizeof(buf));
		buf[0] = (uint8_t)sector;
		if (blk_write(b, sector, buf, count)) {
			/* past the end, or the image is full: the guest
			 * must not rely on it; learn what is there */
			if (!fits)
				break;
			CHECK(blk_read(b, sector, buf, count) == 0);
		}
		if (in)
			memcpy(shadow + sector * 512, buf, in * 512);
		break;
	default: CHECK(blk_flush(b) == 0); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_disk d; /* made once: its memory is reused */
	struct thin_disk t, again;
	void *mem, *mem2;
	size_t img_len;
	uint64_t n, allocated;
	uint8_t buf[512];

	if (size < 3)
		return 0;
	img_len = MIN((size_t)data[1] * 4, size - 3);
	if (!d.cache)
		fake_disk_init(&d, DISK_MAX);
	fake_disk_reuse(&d, 16 + (data[0] >> 3) * 8);
	d.deferred = data[0] & 4;
	make_image(&d, data[0] & 3, data[2], data + 3, img_len);
	if (open_thin(&d, &t, &mem))
		goto out;
	n = t.backend.sectors;
	for (uint64_t s = 0; s < MIN(n, SHADOW); s++)
		CHECK(blk_read(&t.backend, s, shadow + s * 512, 1) == 0);
	for (size_t i = 3 + img_len; i + 3 <= size; i += 3)
		guest_op(&t.backend, data + i, n);
	allocated = t.allocated;
	CHECK(blk_flush(&t.backend) == 0);
	/* the image the operations left opens again, the same */
	CHECK(open_thin(&d, &again, &mem2) == 0);
	CHECK(again.allocated == allocated);
	for (uint64_t s = 0; s < MIN(n, SHADOW); s++) {
		CHECK(blk_read(&again.backend, s, buf, 1) == 0);
		CHECK(!memcmp(buf, shadow + s * 512, 512));
	}
	free(mem2);
out:
	free(mem);
	return 0;
}
