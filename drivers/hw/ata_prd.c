/*
 * drivers/hw/ata_prd.c - PRD tables for bus-master IDE DMA.
 * Any context; pure logic, also built into the host unit tests.
 * SFF-8038i "Programming Interface for Bus Master IDE Controller",
 * "Physical Region Descriptor".
 */
#include "drivers/hw/ata_prd.h"

/* A buffer the bus-master engine can reach: even, below 4 GiB. */
static bool prd_reachable(hpa_t pa, uint64_t bytes)
{
	return bytes && !(pa & 1) && !(bytes & 1) && pa < ATA_PRD_ADDR_LIMIT &&
	       bytes <= ATA_PRD_ADDR_LIMIT - pa;
}

/* Add [pa, pa + bytes) after table[0 .. *n), one entry per 64 KiB
 * region, as far as max entries go; returns the bytes added. */
static uint64_t prd_append(struct ata_prd *table, unsigned max, unsigned *n,
			   hpa_t pa, uint64_t bytes)
{
	uint64_t added = 0;

	while (added < bytes && *n < max) {
		/* up to the next 64 KiB boundary, at most */
		uint64_t room = ATA_PRD_BOUNDARY - (pa % ATA_PRD_BOUNDARY);
		uint64_t len = MIN(room, bytes - added);

		table[(*n)++] = (struct ata_prd){
			.addr = (uint32_t)pa,
			.bytes = (uint16_t)len, /* 64 KiB is written as 0 */
			.flags = 0,
		};
		pa += len;
		added += len;
	}
	return added;
}

/* An entry's length, 0 meaning 64 KiB. */
static uint64_t prd_len(const struct ata_prd *e)
{
	return e->bytes ? e->bytes : ATA_PRD_BOUNDARY;
}

/* Drop `excess` bytes off the end of table[0 .. *n). */
static void prd_trim(struct ata_prd *table, unsigned *n, uint64_t excess)
{
	while (excess && *n) {
		struct ata_prd *last = &table[*n - 1];
		uint64_t len = prd_len(last);

		if (len > excess) {
			last->bytes = (uint16_t)(len - excess);
			return;
		}
		excess -= len;
		(*n)--;
	}
}

int ata_prd_build(struct ata_prd *table, unsigned max, hpa_t pa, uint64_t bytes)
{
	unsigned n = 0;

	if (!prd_reachable(pa, bytes) ||
	    prd_append(table, max, &n, pa, bytes) < bytes)
		return -1;
	table[n - 1].flags = ATA_PRD_EOT;
	return (int)n;
}

int64_t ata_prd_build_sg(struct ata_prd *table, unsigned max,
			 const struct ata_seg *segs, unsigned n, uint64_t from,
			 uint64_t bytes, uint32_t unit)
{
	unsigned used = 0;
	uint64_t done = 0;

	for (unsigned i = 0; i < n && done < bytes && used < max; i++) {
		uint64_t len = segs[i].bytes, take;

		if (from >= len) {
			from -= len;
			continue;
		}
		take = MIN(len - from, bytes - done);
		if (!prd_reachable(segs[i].pa + from, take))
			return -1;
		done += prd_append(table, max, &used, segs[i].pa + from, take);
		from = 0;
	}
	prd_trim(table, &used, done % unit);
	done -= done % unit;
	if (!done)
		return -1;
	table[used - 1].flags = ATA_PRD_EOT;
	return (int64_t)done;
}
