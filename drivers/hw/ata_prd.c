/*
 * drivers/hw/ata_prd.c - PRD tables for bus-master IDE DMA.
 * Any context; pure logic, also built into the host unit tests.
 * SFF-8038i "Programming Interface for Bus Master IDE Controller",
 * "Physical Region Descriptor".
 */
#include "drivers/hw/ata_prd.h"

int ata_prd_build(struct ata_prd *table, unsigned max, hpa_t pa, uint64_t bytes)
{
	unsigned n = 0;

	if (!bytes || (pa & 1) || (bytes & 1) || pa >= ATA_PRD_ADDR_LIMIT ||
	    bytes > ATA_PRD_ADDR_LIMIT - pa)
		return -1;
	while (bytes) {
		/* up to the next 64 KiB boundary, at most */
		uint64_t room = ATA_PRD_BOUNDARY - (pa % ATA_PRD_BOUNDARY);
		uint64_t len = MIN(room, bytes);

		if (n == max)
			return -1;
		table[n++] = (struct ata_prd){
			.addr = (uint32_t)pa,
			.bytes = (uint16_t)len, /* 64 KiB is written as 0 */
			.flags = 0,
		};
		pa += len;
		bytes -= len;
	}
	table[n - 1].flags = ATA_PRD_EOT;
	return (int)n;
}
