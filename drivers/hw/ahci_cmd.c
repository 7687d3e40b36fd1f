/*
 * drivers/hw/ahci_cmd.c - command FIS, PRD table and command header of
 * one AHCI command.
 * Any context; pure logic, also built into the host unit tests.
 * Serial ATA AHCI 1.3.1, "Command List Structure", "Physical Region
 * Descriptor Table"; Serial ATA Revision 3.x, "Register - Host to Device
 * FIS"; ATA/ATAPI-6, "READ DMA EXT", "WRITE DMA EXT", "READ DMA",
 * "WRITE DMA".
 */
#include "drivers/hw/ahci_cmd.h"
#include "drivers/hw/ata_regs.h"

#define LOW32(x)  ((uint32_t)(x))
#define HIGH32(x) ((uint32_t)((uint64_t)(x) >> 32))

static bool fits(uint64_t lba, uint32_t count, uint32_t max_count,
		 uint64_t limit)
{
	return count && count <= max_count && lba < limit &&
	       count <= limit - lba;
}

static void fis_start(struct sata_fis_h2d *fis, uint8_t command)
{
	*fis = (struct sata_fis_h2d){
		.type = SATA_FIS_TYPE_H2D,
		.flags = SATA_FIS_H2D_C,
		.command = command,
	};
}

int ahci_fis_rw(struct sata_fis_h2d *fis, bool write, uint64_t lba,
		uint32_t count, bool lba48)
{
	static const uint8_t commands[2][2] = {
		[false] = {ATA_CMD_READ_DMA, ATA_CMD_READ_DMA_EXT},
		[true] = {ATA_CMD_WRITE_DMA, ATA_CMD_WRITE_DMA_EXT},
	};

	if (lba48 ? !fits(lba, count, ATA_LBA48_MAX_COUNT, ATA_LBA48_LIMIT)
		  : !fits(lba, count, ATA_LBA28_MAX_COUNT, ATA_LBA28_LIMIT))
		return -1;
	fis_start(fis, commands[write][lba48]);
	fis->device = ATA_DEV_LBA;
	fis->lba0 = (uint8_t)lba;
	fis->lba1 = (uint8_t)(lba >> 8);
	fis->lba2 = (uint8_t)(lba >> 16);
	/* A count of 256 (LBA28) or 65536 (LBA48) is sent as 0. */
	fis->count_lo = (uint8_t)count;
	if (lba48) {
		fis->lba3 = (uint8_t)(lba >> 24);
		fis->lba4 = (uint8_t)(lba >> 32);
		fis->lba5 = (uint8_t)(lba >> 40);
		fis->count_hi = (uint8_t)(count >> 8);
	} else {
		fis->device |= (uint8_t)((lba >> 24) & ATA_DEV_LBA28_HI_MASK);
	}
	return 0;
}

void ahci_fis_command(struct sata_fis_h2d *fis, uint8_t command)
{
	fis_start(fis, command);
}

uint64_t ahci_fis_lba(const struct sata_fis_h2d *fis)
{
	return (uint64_t)fis->lba0 | (uint64_t)fis->lba1 << 8 |
	       (uint64_t)fis->lba2 << 16 | (uint64_t)fis->lba3 << 24 |
	       (uint64_t)fis->lba4 << 32 | (uint64_t)fis->lba5 << 40;
}

uint32_t ahci_fis_count(const struct sata_fis_h2d *fis)
{
	return (uint32_t)fis->count_lo | (uint32_t)fis->count_hi << 8;
}

int ahci_prdt_build(struct ahci_prd *prdt, unsigned max, hpa_t pa,
		    uint64_t bytes, bool addr64)
{
	unsigned n = 0;

	if (!bytes || (pa & 1) || (bytes & 1) || pa + bytes < pa ||
	    (!addr64 && pa + bytes > 4 * GIB))
		return -1;
	while (bytes) {
		uint64_t len = MIN(bytes, AHCI_PRD_MAX_BYTES);

		if (n == max)
			return -1;
		prdt[n++] = (struct ahci_prd){
			.dba = LOW32(pa),
			.dbau = HIGH32(pa),
			.dbc = (uint32_t)(len - 1) & AHCI_PRD_DBC_MASK,
		};
		pa += len;
		bytes -= len;
	}
	return (int)n;
}

void ahci_cmd_header_set(struct ahci_cmd_header *h, bool write, unsigned prdtl,
			 hpa_t ctba)
{
	*h = (struct ahci_cmd_header){
		.flags = (SATA_FIS_H2D_DWORDS & AHCI_CH_CFL_MASK) |
			 (write ? (uint32_t)AHCI_CH_WRITE : 0) |
			 (uint32_t)prdtl << AHCI_CH_PRDTL_SHIFT,
		.ctba = LOW32(ctba),
		.ctbau = HIGH32(ctba),
	};
}
