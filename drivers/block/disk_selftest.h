/*
 * drivers/block/disk_selftest.h - the boot self-test of a host disk
 * (hv.cfg `disk_selftest = ata1-master`, docs/host-disks.md): read the
 * whole disk and find test pattern A in every sector, write pattern B
 * over it, flush, read it all back. Several requests are in flight at
 * once, so it also exercises the queues. It overwrites only a disk
 * that holds pattern A everywhere (one prepared for the test).
 * Boot CPU, before the VMs start. Pure logic over a sector device
 * (its submit and poll); built into the host unit tests.
 */
#ifndef DRIVERS_BLOCK_DISK_SELFTEST_H
#define DRIVERS_BLOCK_DISK_SELFTEST_H

#include "drivers/block/sector_dev.h"

#define SELFTEST_SLOTS	     4	 /* requests in flight */
#define SELFTEST_READ_COUNT  512 /* sectors per read request */
#define SELFTEST_WRITE_COUNT 256 /* sectors per write request */
#define SELFTEST_MAGIC_LEN   8

/* Bytes of buffer the test needs: one read request per slot. */
#define SELFTEST_BUF_BYTES \
	(SELFTEST_SLOTS * SELFTEST_READ_COUNT * BLK_SECTOR_SIZE)

/*
 * The pattern: a sector starts with "HVDISK-A" (or -B) and its LBA as 8
 * little-endian bytes; byte i >= 16 is (lba * 31 + i * 7 + tag) & 0xff,
 * tag 'A' or 'B'. tests/integration/scenarios/bochs-ata writes and checks
 * the same.
 */
void selftest_fill(uint8_t *sector, uint64_t lba, char tag);
bool selftest_check(const uint8_t *sector, uint64_t lba, char tag);

/*
 * Run the test on dev with buf (SELFTEST_BUF_BYTES, physically
 * contiguous), calling dev->poll while it waits for completions (dev
 * must have one). Logs one line per phase. Returns 0 when every phase
 * passed.
 */
int disk_selftest(struct sector_dev *dev, uint8_t *buf);

#endif
