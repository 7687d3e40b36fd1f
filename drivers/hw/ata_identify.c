/*
 * drivers/hw/ata_identify.c - decoding IDENTIFY DEVICE data.
 * Any context; pure logic, also built into the host unit tests.
 * ATA/ATAPI-6, "IDENTIFY DEVICE": strings hold two characters a word,
 * the first in the high byte.
 */
#include "drivers/hw/ata_identify.h"

static void id_string(const uint16_t *words, unsigned first, unsigned len,
		      char *out)
{
	unsigned start = 0, end;

	for (unsigned i = 0; i < len / 2; i++) {
		out[2 * i] = (char)(words[first + i] >> 8);
		out[2 * i + 1] = (char)words[first + i];
	}
	for (unsigned i = 0; i < len; i++)
		if ((unsigned char)out[i] < ' ' || (unsigned char)out[i] > '~')
			out[i] = '?';
	end = len;
	while (end > 0 && out[end - 1] == ' ')
		end--;
	while (start < end && out[start] == ' ')
		start++;
	for (unsigned i = start; i < end; i++)
		out[i - start] = out[i];
	out[end - start] = '\0';
}

static bool cmdset2_valid(uint16_t w)
{
	return (w & ATA_ID_CMDSET2_VALID) && !(w & ATA_ID_CMDSET2_INVALID);
}

int ata_identify_parse(const uint16_t *words, struct ata_identity *id)
{
	uint16_t cmdset2 = words[ATA_ID_CMDSET2];

	*id = (struct ata_identity){0};
	if (words[ATA_ID_CONFIG] & ATA_ID_CONFIG_NOT_ATA)
		return -1;
	if (!(words[ATA_ID_CAPABILITIES] & ATA_ID_CAP_LBA))
		return -1;
	id_string(words, ATA_ID_MODEL, ATA_ID_MODEL_LEN, id->model);
	id_string(words, ATA_ID_SERIAL, ATA_ID_SERIAL_LEN, id->serial);
	id->dma = words[ATA_ID_CAPABILITIES] & ATA_ID_CAP_DMA;
	if (cmdset2_valid(cmdset2)) {
		id->lba48 = cmdset2 & ATA_ID_CMDSET2_LBA48;
		id->flush_ext = id->lba48 && (cmdset2 & ATA_ID_CMDSET2_FLUSH48);
	}
	if (id->lba48)
		for (unsigned i = 0; i < 4; i++)
			id->sectors |= (uint64_t)words[ATA_ID_LBA48_SECTORS + i]
				       << (16 * i);
	if (!id->sectors)
		id->sectors = words[ATA_ID_LBA28_SECTORS] |
			      (uint32_t)words[ATA_ID_LBA28_SECTORS + 1] << 16;
	return id->sectors ? 0 : -1;
}
