/*
 * drivers/hw/ata_identify.h - what we keep of a drive's IDENTIFY DEVICE
 * data: model, serial, capacity, LBA48, DMA and FLUSH CACHE support.
 * Any context; pure logic, also built into the host unit tests.
 * ATA/ATAPI-6, "IDENTIFY DEVICE".
 */
#ifndef DRIVERS_HW_ATA_IDENTIFY_H
#define DRIVERS_HW_ATA_IDENTIFY_H

#include "drivers/hw/ata_regs.h"

struct ata_identity {
	char model[ATA_ID_MODEL_LEN + 1];   /* trailing blanks cut */
	char serial[ATA_ID_SERIAL_LEN + 1]; /* leading and trailing cut */
	uint64_t sectors;		    /* addressable, 512 bytes each */
	bool lba48;			    /* 48-bit Address feature set */
	bool dma;			    /* DMA supported */
	bool flush_ext;			    /* FLUSH CACHE EXT */
};

/*
 * Decode the 256 words a drive answered to IDENTIFY DEVICE. Returns 0,
 * or -1 when they do not describe an ATA disk we can address: a packet
 * (ATAPI) device, or no LBA.
 */
int ata_identify_parse(const uint16_t *words, struct ata_identity *id);

#endif
