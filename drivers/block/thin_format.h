/*
 * drivers/block/thin_format.h - the on-disk layout of a thin disk image
 * (version 1), as docs/disk-formats.md draws it. Definitions only;
 * every field is little-endian.
 *
 *   offset 0            header sector (512 bytes)
 *   map_offset (512)    map: map_entries le32, one per virtual block:
 *                       the physical block that holds it, 0 = none
 *   data_offset         data blocks, in the order the guest first wrote
 *                       them; physical block P is at P * block_size
 */
#ifndef DRIVERS_BLOCK_THIN_FORMAT_H
#define DRIVERS_BLOCK_THIN_FORMAT_H

/* The header sector: field offsets. */
#define THIN_HDR_MAGIC	      0	  /* 8 bytes, THIN_MAGIC */
#define THIN_HDR_VERSION      8	  /* le32, THIN_VERSION */
#define THIN_HDR_FLAGS	      12  /* le32, 0 (none defined) */
#define THIN_HDR_VIRTUAL_SIZE 16  /* le64, bytes the guest sees */
#define THIN_HDR_BLOCK_SIZE   24  /* le32, bytes; a power of 2 */
#define THIN_HDR_RESERVED     28  /* le32, 0 */
#define THIN_HDR_MAP_OFFSET   32  /* le64, bytes from the image start */
#define THIN_HDR_MAP_ENTRIES  40  /* le64 */
#define THIN_HDR_DATA_OFFSET  48  /* le64, bytes; first data block */
#define THIN_HDR_CHECKSUM     508 /* le32, crc32 of bytes 0 to 507 */
#define THIN_HDR_SIZE	      512

#define THIN_MAGIC     "HVTHIN\r\n"
#define THIN_MAGIC_LEN 8
#define THIN_VERSION   1

/* Version 1 puts the map right after the header, and the first data
 * block at the first block boundary after the map. */
#define THIN_MAP_OFFSET	 THIN_HDR_SIZE
#define THIN_ENTRY_SIZE	 4 /* le32: a physical block number */
#define THIN_UNALLOCATED 0

#define THIN_BLOCK_MIN	   4096u
#define THIN_BLOCK_MAX	   (16u * 1024 * 1024)
#define THIN_BLOCK_DEFAULT (64u * 1024)
/* At most 2^24 map entries (a 64 MiB map; 1 TiB at 64 KiB blocks). */
#define THIN_ENTRIES_MAX (1ull << 24)

#endif
