/*
 * drivers/hw/ahci_cmd.h - building one AHCI command: the Register - Host
 * to Device FIS of an ATA command (READ/WRITE DMA EXT, FLUSH CACHE EXT,
 * IDENTIFY DEVICE), the physical region descriptor table of a buffer,
 * and the command header that points the HBA at them.
 * Any context; pure logic, also built into the host unit tests.
 * Serial ATA AHCI 1.3.1, "Command List Structure", "Command Table"
 * ("Physical Region Descriptor Table"); Serial ATA Revision 3.x,
 * "Register - Host to Device FIS"; ATA/ATAPI-6, "48-bit Address feature
 * set".
 */
#ifndef DRIVERS_HW_AHCI_CMD_H
#define DRIVERS_HW_AHCI_CMD_H

#include "drivers/hw/ahci_regs.h"

/*
 * A command FIS that reads (write false) or writes count sectors at lba
 * by DMA: READ/WRITE DMA EXT when the drive has the 48-bit feature set
 * (lba48), else READ/WRITE DMA. 0, or -1 when that command cannot
 * address the range or count is 0.
 */
int ahci_fis_rw(struct sata_fis_h2d *fis, bool write, uint64_t lba,
		uint32_t count, bool lba48);

/* A command FIS without an address: FLUSH CACHE (EXT), IDENTIFY DEVICE. */
void ahci_fis_command(struct sata_fis_h2d *fis, uint8_t command);

/* The command's LBA and sector count, read back from the FIS. */
uint64_t ahci_fis_lba(const struct sata_fis_h2d *fis);
uint32_t ahci_fis_count(const struct sata_fis_h2d *fis);

/*
 * Describe `bytes` bytes at physical address pa in prdt[] (at most max
 * entries): one entry per AHCI_PRD_MAX_BYTES. Returns the entries used,
 * or -1 when the buffer cannot be described: empty, an odd address or
 * length, above 4 GiB without 64-bit addressing (addr64), or needing
 * more than max entries.
 */
int ahci_prdt_build(struct ahci_prd *prdt, unsigned max, hpa_t pa,
		    uint64_t bytes, bool addr64);

/* The bytes entry e describes. */
static inline uint32_t ahci_prd_bytes(const struct ahci_prd *e)
{
	return (e->dbc & AHCI_PRD_DBC_MASK) + 1;
}

/* Header of a command with a SATA_FIS_H2D_DWORDS FIS, prdtl PRD
 * entries (the HBA writes memory unless write), its table at ctba. */
void ahci_cmd_header_set(struct ahci_cmd_header *h, bool write, unsigned prdtl,
			 hpa_t ctba);

#endif
