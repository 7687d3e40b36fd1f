/*
 * drivers/block/mbr.c - reading a primary partition from an MBR.
 * Pure logic; see drivers/block/mbr.h.
 */
#include "drivers/block/mbr.h"
#include "lib/fmt.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int mbr_partition(const uint8_t mbr[MBR_SIZE], unsigned k,
		  uint64_t disk_sectors, uint64_t *first, uint64_t *sectors,
		  char *why, size_t why_len)
{
	const uint8_t *e = mbr + MBR_TABLE + (k - 1) * MBR_ENTRY_SIZE;
	uint8_t type;

	if (k < 1 || k > MBR_PARTITIONS)
		return fmt_fail(why, why_len, "partition %u is not 1 to 4", k);
	if (mbr[MBR_SIGNATURE] != 0x55 || mbr[MBR_SIGNATURE + 1] != 0xaa)
		return fmt_fail(why, why_len,
				"sector 0 has no MBR partition table (no "
				"55 aa signature)");
	type = e[MBR_ENTRY_TYPE];
	if (mbr[MBR_TABLE + MBR_ENTRY_TYPE] == MBR_TYPE_GPT)
		return fmt_fail(why, why_len,
				"the disk has a GPT partition table, which is "
				"not read; give the partition as an extent "
				"(@FIRST+COUNT)");
	if (type == MBR_TYPE_EMPTY)
		return fmt_fail(why, why_len, "partition %u is empty", k);
	if (type == MBR_TYPE_EXTENDED || type == MBR_TYPE_EXTENDED_L)
		return fmt_fail(why, why_len,
				"partition %u is an extended partition (a "
				"container of logical ones)",
				k);
	*first = get_le32(e + MBR_ENTRY_FIRST);
	*sectors = get_le32(e + MBR_ENTRY_COUNT);
	if (*first == 0 || *sectors == 0)
		return fmt_fail(why, why_len,
				"partition %u starts at sector %llu with %llu "
				"sectors",
				k, (unsigned long long)*first,
				(unsigned long long)*sectors);
	if (*first + *sectors > disk_sectors)
		return fmt_fail(why, why_len,
				"partition %u (sectors %llu to %llu) ends past "
				"the disk's %llu sectors",
				k, (unsigned long long)*first,
				(unsigned long long)(*first + *sectors - 1),
				(unsigned long long)disk_sectors);
	return 0;
}

int mbr_describe(const uint8_t mbr[MBR_SIZE], uint64_t disk_sectors, char *buf,
		 size_t len)
{
	int listed = 0, n = 0;
	char why[128];

	buf[0] = '\0';
	if (mbr[MBR_SIGNATURE] != 0x55 || mbr[MBR_SIGNATURE + 1] != 0xaa)
		return -1;
	if (mbr[MBR_TABLE + MBR_ENTRY_TYPE] == MBR_TYPE_GPT) {
		fmt_snprintf(buf, len, "GPT (not read)");
		return 0;
	}
	for (unsigned k = 1; k <= MBR_PARTITIONS && (size_t)n < len; k++) {
		uint64_t first, sectors;
		uint8_t type = mbr[MBR_TABLE + (k - 1) * MBR_ENTRY_SIZE +
				   MBR_ENTRY_TYPE];

		if (mbr_partition(mbr, k, disk_sectors, &first, &sectors, why,
				  sizeof(why)))
			continue;
		n += fmt_snprintf(buf + n, len - (size_t)n,
				  "%sp%u @%llu+%llu (type 0x%02x)",
				  listed ? ", " : "", k,
				  (unsigned long long)first,
				  (unsigned long long)sectors, type);
		listed++;
	}
	if (!listed)
		fmt_snprintf(buf, len, "no usable partition");
	return listed;
}
