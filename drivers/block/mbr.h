/*
 * drivers/block/mbr.h - the primary partitions of a Master Boot Record
 * partition table: where a VM's `disk = ataN-master:pK` lives.
 * Pure logic; runs on the boot CPU when a VM is built, and in
 * tests/unit/test_mbr.c.
 * Layout (the "MBR" of the UEFI specification, "Legacy Master Boot
 * Record (MBR)"): four 16-byte entries at byte 446, each with a type
 * byte at 4, the first sector (le32) at 8 and the sector count (le32)
 * at 12; the signature 0x55 0xaa at bytes 510 and 511.
 */
#ifndef DRIVERS_BLOCK_MBR_H
#define DRIVERS_BLOCK_MBR_H

#include "lib/types.h"

#define MBR_SIZE	    512
#define MBR_TABLE	    446
#define MBR_ENTRY_SIZE	    16
#define MBR_ENTRY_TYPE	    4
#define MBR_ENTRY_FIRST	    8
#define MBR_ENTRY_COUNT	    12
#define MBR_SIGNATURE	    510 /* 0x55, then 0xaa */
#define MBR_PARTITIONS	    4
#define MBR_TYPE_EMPTY	    0x00
#define MBR_TYPE_GPT	    0xee /* protective MBR of a GPT disk */
#define MBR_TYPE_EXTENDED   0x05
#define MBR_TYPE_EXTENDED_L 0x0f

/*
 * Primary partition k (1 to 4) of the disk of disk_sectors sectors whose
 * sector 0 is mbr: its first sector and length. 0, or -1 with why set
 * (no signature, an empty or extended entry, a GPT disk, a partition
 * past the disk's end).
 */
int mbr_partition(const uint8_t mbr[MBR_SIZE], unsigned k,
		  uint64_t disk_sectors, uint64_t *first, uint64_t *sectors,
		  char *why, size_t why_len);

/*
 * The disk's MBR primary partitions in one line for the boot log:
 * "p1 @2048+30720 (type 0x83), p3 @32768+1024 (type 0x0c)" (the
 * extents a `disk` value may name), "GPT (not read)", or "no usable
 * partition". Returns the partitions listed, or -1 when sector 0 has
 * no MBR signature (buf is then "").
 */
int mbr_describe(const uint8_t mbr[MBR_SIZE], uint64_t disk_sectors, char *buf,
		 size_t len);

#endif
