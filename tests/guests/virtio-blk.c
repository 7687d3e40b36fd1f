/*
 * tests/guests/virtio-blk.c - a guest that uses its disk: finds the
 * virtio-blk device at the first virtio-mmio window, negotiates, sets
 * up one queue, reads sector 0 of the test image (tests/guests/mkdisk:
 * a known pattern), writes a sector, flushes, reads it back, checks
 * that its neighbours did not change, and that requests beyond the end
 * of the disk, of part of a sector, or of an unknown type fail with the
 * status the spec gives. Runs as a Multiboot2 guest under the
 * hypervisor with `disk = ...` in its VM's section (docs/virtio.md).
 */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

const char guest_name[] = "virtio-blk";

#define SECTOR	    512
#define TEST_SECTOR 5

static uint8_t buf[4 * SECTOR] __attribute__((aligned(16)));
static unsigned failures;

static void check(bool ok, const char *what)
{
	if (!ok) {
		gprintf("virtio-blk: FAILED: %s\n", what);
		failures++;
	}
}

/* Does buf hold count sectors of the image's pattern from sector? */
static bool is_image(uint32_t sector, unsigned count)
{
	for (unsigned s = 0; s < count; s++)
		for (uint32_t i = 0; i < SECTOR; i++)
			if (buf[s * SECTOR + i] != disk_pattern(sector + s, i))
				return false;
	return true;
}

static uint8_t written(uint32_t id, uint32_t i)
{
	return (uint8_t)(i * 3 + id * 0x55 + 0x80);
}

static uint64_t capacity(void)
{
	return vio_read(VIO_CONFIG) |
	       ((uint64_t)vio_read(VIO_CONFIG + 4) << 32);
}

static void read_write_flush(uint32_t id)
{
	uint32_t used = 0;
	bool same = true;

	check(vio_blk_request(VIO_BLK_T_IN, 0, buf, SECTOR, &used) ==
			      VIO_BLK_S_OK &&
		      used == SECTOR + 1,
	      "read of sector 0");
	check(is_image(0, 1), "sector 0 holds the image's pattern");
	check(vio_blk_request(VIO_BLK_T_IN, 8, buf, 4 * SECTOR, NULL) ==
			      VIO_BLK_S_OK &&
		      is_image(8, 4),
	      "read of sectors 8-11");
	for (uint32_t i = 0; i < SECTOR; i++)
		buf[i] = written(id, i);
	check(vio_blk_request(VIO_BLK_T_OUT, TEST_SECTOR, buf, SECTOR, &used) ==
			      VIO_BLK_S_OK &&
		      used == 1,
	      "write of sector 5");
	check(vio_blk_request(VIO_BLK_T_FLUSH, 0, NULL, 0, NULL) ==
		      VIO_BLK_S_OK,
	      "flush");
	memset(buf, 0, sizeof(buf));
	check(vio_blk_request(VIO_BLK_T_IN, TEST_SECTOR - 1, buf, 3 * SECTOR,
			      NULL) == VIO_BLK_S_OK,
	      "read back of sectors 4-6");
	for (uint32_t i = 0; i < SECTOR; i++)
		same &= buf[SECTOR + i] == written(id, i);
	check(same, "sector 5 reads back as written");
	memmove(buf + SECTOR, buf + 2 * SECTOR, SECTOR);
	check(is_image(TEST_SECTOR - 1, 1), "sector 4 unchanged");
	gprintf("virtio-blk: wrote sector %u, flushed, read it back\n",
		TEST_SECTOR);
}

static void bad_requests(uint64_t sectors)
{
	check(vio_blk_request(VIO_BLK_T_IN, sectors, buf, SECTOR, NULL) ==
		      VIO_BLK_S_IOERR,
	      "read beyond the end: IOERR");
	check(vio_blk_request(VIO_BLK_T_OUT, sectors - 1, buf, 2 * SECTOR,
			      NULL) == VIO_BLK_S_IOERR,
	      "write across the end: IOERR");
	check(vio_blk_request(VIO_BLK_T_IN, 0, buf, 100, NULL) ==
		      VIO_BLK_S_IOERR,
	      "read of part of a sector: IOERR");
	check(vio_blk_request(99, 0, buf, SECTOR, NULL) == VIO_BLK_S_UNSUPP,
	      "unknown request type: UNSUPP");
	gprintf("virtio-blk: bad requests: IOERR and UNSUPP as expected\n");
}

int main(uint32_t magic, uint32_t info)
{
	char id[21] = {0};
	uint64_t sectors;

	gprintf("virtio-blk: starting\n");
	if (vio_blk_init(0))
		return 1;
	sectors = capacity();
	check(vio_blk_request(VIO_BLK_T_GET_ID, 0, id, 20, NULL) ==
		      VIO_BLK_S_OK,
	      "GET_ID");
	gprintf("virtio-blk: device found at 0x%08x: %llu sectors, id '%s'\n",
		VIO_BASE, (unsigned long long)sectors, id);
	read_write_flush(vm_id());
	bad_requests(sectors);
	check(!(vio_read(VIO_STATUS) & VIO_S_NEEDS_RESET),
	      "device still working");
	if (failures) {
		gprintf("virtio-blk: %u checks FAILED\n", failures);
		return 1;
	}
	gprintf("virtio-blk: all checks passed\n");
	return 0;
}
