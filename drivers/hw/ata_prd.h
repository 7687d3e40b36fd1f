/*
 * drivers/hw/ata_prd.h - building a bus-master IDE PRD table (physical
 * region descriptors) for a buffer, or for a list of buffers that
 * together make the sectors of one command (scatter-gather).
 * Any context; pure logic, also built into the host unit tests.
 * SFF-8038i "Programming Interface for Bus Master IDE Controller",
 * "Physical Region Descriptor".
 */
#ifndef DRIVERS_HW_ATA_PRD_H
#define DRIVERS_HW_ATA_PRD_H

#include "drivers/hw/ata_regs.h"

/* One buffer of a request: bytes at virtual va, physical pa. */
struct ata_seg {
	void *va;
	hpa_t pa;
	uint32_t bytes;
};

/*
 * Describe `bytes` bytes at physical address pa in table[] (at most max
 * entries): one entry per piece that stays inside a 64 KiB region, the
 * last one marked end-of-table. Returns the entries used, or -1 when the
 * buffer cannot be described: empty, odd address or length, reaching
 * above 4 GiB, or needing more than max entries.
 */
int ata_prd_build(struct ata_prd *table, unsigned max, hpa_t pa,
		  uint64_t bytes);

/*
 * The same for the bytes [from, from + bytes) of the buffers segs[0..n)
 * taken one after the other, as many as max entries hold: when they do
 * not hold all, the table ends at the last whole multiple of `unit`
 * bytes (a sector) it reaches. Returns the bytes described (a multiple
 * of unit, at least one unit), or -1 when none can be: a buffer there
 * with an odd address or length or above 4 GiB, the range outside the
 * buffers, or not even one unit fitting in max entries.
 */
int64_t ata_prd_build_sg(struct ata_prd *table, unsigned max,
			 const struct ata_seg *segs, unsigned n, uint64_t from,
			 uint64_t bytes, uint32_t unit);

#endif
