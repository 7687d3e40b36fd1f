/*
 * drivers/hw/ata_prd.h - building a bus-master IDE PRD table (physical
 * region descriptors) for one physically contiguous buffer.
 * Any context; pure logic, also built into the host unit tests.
 * SFF-8038i "Programming Interface for Bus Master IDE Controller",
 * "Physical Region Descriptor".
 */
#ifndef DRIVERS_HW_ATA_PRD_H
#define DRIVERS_HW_ATA_PRD_H

#include "drivers/hw/ata_regs.h"

/*
 * Describe `bytes` bytes at physical address pa in table[] (at most max
 * entries): one entry per piece that stays inside a 64 KiB region, the
 * last one marked end-of-table. Returns the entries used, or -1 when the
 * buffer cannot be described: empty, odd address or length, reaching
 * above 4 GiB, or needing more than max entries.
 */
int ata_prd_build(struct ata_prd *table, unsigned max, hpa_t pa,
		  uint64_t bytes);

#endif
