/*
 * drivers/hw/ata_taskfile.c - choosing and encoding ATA commands: READ/
 * WRITE DMA (EXT), READ/WRITE SECTORS (EXT), FLUSH CACHE (EXT),
 * IDENTIFY DEVICE.
 * Any context; pure logic, also built into the host unit tests.
 * ATA/ATAPI-6, "48-bit Address feature set" and the commands' own
 * descriptions.
 */
#include "drivers/hw/ata_taskfile.h"

/* [write][xfer][lba48] */
static const uint8_t rw_commands[2][2][2] = {
	{
		[ATA_XFER_DMA] = {ATA_CMD_READ_DMA, ATA_CMD_READ_DMA_EXT},
		[ATA_XFER_PIO] = {ATA_CMD_READ_SECTORS,
				  ATA_CMD_READ_SECTORS_EXT},
	},
	{
		[ATA_XFER_DMA] = {ATA_CMD_WRITE_DMA, ATA_CMD_WRITE_DMA_EXT},
		[ATA_XFER_PIO] = {ATA_CMD_WRITE_SECTORS,
				  ATA_CMD_WRITE_SECTORS_EXT},
	},
};

static uint8_t device_bits(unsigned unit)
{
	return ATA_DEV_OBS | ATA_DEV_LBA | (unit ? ATA_DEV_DRV1 : 0);
}

uint32_t ata_taskfile_max_count(bool lba48)
{
	return lba48 ? ATA_LBA48_MAX_COUNT : ATA_LBA28_MAX_COUNT;
}

static bool fits_lba28(uint64_t lba, uint32_t count)
{
	return count <= ATA_LBA28_MAX_COUNT && lba < ATA_LBA28_LIMIT &&
	       count <= ATA_LBA28_LIMIT - lba;
}

static bool fits_lba48(uint64_t lba, uint32_t count)
{
	return count <= ATA_LBA48_MAX_COUNT && lba < ATA_LBA48_LIMIT &&
	       count <= ATA_LBA48_LIMIT - lba;
}

int ata_taskfile_rw(struct ata_taskfile *tf, bool write, enum ata_xfer xfer,
		    uint64_t lba, uint32_t count, unsigned unit, bool lba48_ok)
{
	bool lba48;

	*tf = (struct ata_taskfile){0};
	if (!count)
		return -1;
	if (fits_lba28(lba, count))
		lba48 = false;
	else if (lba48_ok && fits_lba48(lba, count))
		lba48 = true;
	else
		return -1;
	tf->command = rw_commands[write][xfer][lba48];
	tf->lba48 = lba48;
	tf->data = true;
	/* A count of 256 (LBA28) or 65536 (LBA48) is written as 0. */
	tf->count[0] = (uint8_t)count;
	tf->count[1] = lba48 ? (uint8_t)(count >> 8) : 0;
	for (unsigned i = 0; i < 6; i++)
		tf->lba[i] = (uint8_t)(lba >> (8 * i));
	tf->device = device_bits(unit);
	if (!lba48) {
		tf->device |= (uint8_t)((lba >> 24) & ATA_DEV_LBA28_HI_MASK);
		tf->lba[3] = tf->lba[4] = tf->lba[5] = 0;
	}
	return 0;
}

void ata_taskfile_flush(struct ata_taskfile *tf, unsigned unit, bool flush_ext)
{
	*tf = (struct ata_taskfile){
		.command = flush_ext ? ATA_CMD_FLUSH_CACHE_EXT
				     : ATA_CMD_FLUSH_CACHE,
		.device = device_bits(unit),
	};
}

void ata_taskfile_identify(struct ata_taskfile *tf, unsigned unit)
{
	*tf = (struct ata_taskfile){
		.command = ATA_CMD_IDENTIFY,
		.device = device_bits(unit) & ~ATA_DEV_LBA,
	};
}

struct command_name {
	uint8_t command;
	const char *name;
};

static const struct command_name command_names[] = {
	{ATA_CMD_READ_SECTORS, "READ SECTORS"},
	{ATA_CMD_READ_SECTORS_EXT, "READ SECTORS EXT"},
	{ATA_CMD_READ_DMA_EXT, "READ DMA EXT"},
	{ATA_CMD_WRITE_SECTORS, "WRITE SECTORS"},
	{ATA_CMD_WRITE_SECTORS_EXT, "WRITE SECTORS EXT"},
	{ATA_CMD_WRITE_DMA_EXT, "WRITE DMA EXT"},
	{ATA_CMD_READ_DMA, "READ DMA"},
	{ATA_CMD_WRITE_DMA, "WRITE DMA"},
	{ATA_CMD_FLUSH_CACHE, "FLUSH CACHE"},
	{ATA_CMD_FLUSH_CACHE_EXT, "FLUSH CACHE EXT"},
	{ATA_CMD_IDENTIFY, "IDENTIFY DEVICE"},
};

const char *ata_command_name(uint8_t command)
{
	for (unsigned i = 0; i < ARRAY_SIZE(command_names); i++)
		if (command_names[i].command == command)
			return command_names[i].name;
	return "command";
}
