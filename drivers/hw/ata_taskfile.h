/*
 * drivers/hw/ata_taskfile.h - the register values ("task file") of one
 * ATA command: which command, LBA28 or LBA48, and the bytes for each
 * register. Choosing and encoding only; drivers/hw/ata.c writes them.
 * Any context; pure logic, also built into the host unit tests.
 * ATA/ATAPI-6, "48-bit Address feature set", "READ DMA", "READ DMA EXT",
 * "WRITE DMA", "WRITE DMA EXT", "READ SECTORS", "WRITE SECTORS",
 * "FLUSH CACHE", "FLUSH CACHE EXT".
 */
#ifndef DRIVERS_HW_ATA_TASKFILE_H
#define DRIVERS_HW_ATA_TASKFILE_H

#include "drivers/hw/ata_regs.h"

enum ata_xfer {
	ATA_XFER_DMA, /* bus-master DMA */
	ATA_XFER_PIO, /* the CPU moves every word through the data port */
};

struct ata_taskfile {
	uint8_t command;
	bool lba48;	  /* write the high-order bytes first */
	uint8_t count[2]; /* [0] low byte, [1] high (LBA48) */
	uint8_t lba[6];	  /* LBA 7:0 .. 47:40 */
	uint8_t device;	  /* LBA bit, drive bit, LBA 27:24 for LBA28 */
	bool data;	  /* the command moves sectors */
};

/*
 * Read (write false) or write `count` sectors at lba on drive `unit`
 * (0 or 1) with `xfer`. LBA28 when the whole range is below 2^28 and
 * count is at most 256 (fewer register writes); otherwise LBA48 when
 * the drive has it (lba48_ok). Returns 0, or -1 when neither can
 * address the range (or count is 0).
 */
int ata_taskfile_rw(struct ata_taskfile *tf, bool write, enum ata_xfer xfer,
		    uint64_t lba, uint32_t count, unsigned unit, bool lba48_ok);

/* FLUSH CACHE EXT when the drive has it, else FLUSH CACHE. */
void ata_taskfile_flush(struct ata_taskfile *tf, unsigned unit, bool flush_ext);

/* IDENTIFY DEVICE for drive unit. */
void ata_taskfile_identify(struct ata_taskfile *tf, unsigned unit);

/* Most sectors one command may move: 256 for LBA28, 65536 for LBA48. */
uint32_t ata_taskfile_max_count(bool lba48);

/* "READ DMA EXT" and the like, for messages. */
const char *ata_command_name(uint8_t command);

#endif
