/*
 * tests/guests/disk-scan.c - a guest that reads every sector of each of
 * its disks and says whose they are: the scenario vmx-disk-isolation
 * marks every sector of each area of the host disk with the area's
 * owner and the sector's number, so that a disk that showed a sector of
 * another VM's area (or of the wrong place in its own) is seen at once.
 * Then it asks for sectors past the end of each disk, where the next
 * area of the host disk lies, and expects IOERR. Command line:
 * `disks=N owner0=A owner1=B ...`: N disks, disk d owned by area
 * owner<d>.
 * Runs as a Multiboot2 guest under the hypervisor (docs/virtio.md).
 */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

const char guest_name[] = "disk-scan";

#define SECTOR	512
#define CHUNK	8 /* sectors per read */
#define MAGIC	"HVAREA"
#define NOWHERE 0xffffffffu

static uint8_t buf[CHUNK * SECTOR] __attribute__((aligned(4096)));

/* The owner the sector at p says it belongs to, and its number there;
 * NOWHERE when it has no mark. */
static uint32_t mark_owner(const uint8_t *p, uint32_t *sector)
{
	uint32_t owner;

	if (memcmp(p, MAGIC, 6) != 0)
		return NOWHERE;
	memcpy(&owner, p + 8, 4);
	memcpy(sector, p + 12, 4);
	return owner;
}

struct scan {
	uint64_t sectors, own, foreign, unmarked, misplaced;
	uint32_t first_foreign; /* the first other owner seen */
};

static void scan_chunk(struct scan *s, uint64_t at, unsigned n, uint32_t owner)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t where, who = mark_owner(buf + i * SECTOR, &where);

		if (who == NOWHERE) {
			s->unmarked++;
		} else if (who != owner) {
			if (!s->foreign)
				s->first_foreign = who;
			s->foreign++;
		} else if (where != at + i) {
			s->misplaced++;
		} else {
			s->own++;
		}
	}
}

/* Past the end: the sectors of the next area, were they reachable. */
static unsigned past_the_end(uint64_t sectors)
{
	static const uint64_t at[] = {0, 1, 1000, 1ull << 32};
	unsigned refused = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(at); i++)
		if (vio_blk_request(VIO_BLK_T_IN, sectors + at[i], buf, SECTOR,
				    NULL) == VIO_BLK_S_IOERR)
			refused++;
	if (vio_blk_request(VIO_BLK_T_IN, sectors - 1, buf, 2 * SECTOR, NULL) ==
	    VIO_BLK_S_IOERR)
		refused++;
	return refused;
}

static bool scan_disk(unsigned d, uint32_t owner)
{
	static const unsigned window[] = {0, 2, 3, 4};
	struct scan s = {0};
	unsigned refused;

	vio_blk_window(window[d]);
	if (vio_blk_init(0))
		return false;
	s.sectors = vio_read(VIO_CONFIG) |
		    ((uint64_t)vio_read(VIO_CONFIG + 4) << 32);
	for (uint64_t at = 0; at < s.sectors; at += CHUNK) {
		unsigned n = (unsigned)MIN((uint64_t)CHUNK, s.sectors - at);

		if (vio_blk_request(VIO_BLK_T_IN, at, buf, n * SECTOR, NULL) !=
		    VIO_BLK_S_OK) {
			gprintf("disk-scan: disk %u: read of sector %llu "
				"failed\n",
				d, (unsigned long long)at);
			return false;
		}
		scan_chunk(&s, at, n, owner);
	}
	refused = past_the_end(s.sectors);
	gprintf("disk-scan: disk %u at 0x%08x: %llu sectors, %llu of area "
		"%u in place, %llu of another area, %llu unmarked, %llu "
		"misplaced; %u of 5 reads past the end refused\n",
		d, vio_blk.base, (unsigned long long)s.sectors,
		(unsigned long long)s.own, owner, (unsigned long long)s.foreign,
		(unsigned long long)s.unmarked, (unsigned long long)s.misplaced,
		refused);
	if (s.foreign)
		gprintf("disk-scan: disk %u shows sectors of area %u\n", d,
			s.first_foreign);
	return s.own == s.sectors && refused == 5;
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	unsigned disks, ok = 0;
	char key[8] = "owner0";

	if (mb2_view(magic, info, &v))
		return 1;
	disks = cmdline_number(v.cmdline, "disks", 1);

	for (unsigned d = 0; d < disks && d < 4; d++) {
		key[5] = (char)('0' + d);
		ok += scan_disk(d, cmdline_number(v.cmdline, key, 0));
	}
	gprintf("disk-scan: %u of %u disks hold only their own area\n", ok,
		disks);
	return ok == disks ? 0 : 1;
}
