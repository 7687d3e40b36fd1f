/*
 * drivers/hw/ata_regs.h - the registers of a parallel ATA (IDE) channel
 * and of its bus-master DMA engine, the commands we issue, and the
 * IDENTIFY DEVICE words we read. Definitions only.
 * ATA/ATAPI-6, "Register descriptions", "Command descriptions"
 * (IDENTIFY DEVICE); SFF-8038i "Programming Interface for Bus Master IDE
 * Controller"; Intel PIIX3/PIIX4 datasheets, "PCI IDE Controller".
 */
#ifndef DRIVERS_HW_ATA_REGS_H
#define DRIVERS_HW_ATA_REGS_H

#include "lib/types.h"

#define ATA_SECTOR_SIZE	 512
#define ATA_SECTOR_SHIFT 9

/* Legacy ("compatibility mode") ports of the two channels */
#define ATA_PRIMARY_CMD	  0x1f0
#define ATA_PRIMARY_CTL	  0x3f6
#define ATA_SECONDARY_CMD 0x170
#define ATA_SECONDARY_CTL 0x376
/* Native mode: the control block register sits at BAR + 2 */
#define ATA_NATIVE_CTL_OFF 2

/* Command block registers, offsets from the command base */
#define ATA_REG_DATA	0
#define ATA_REG_ERROR	1 /* read */
#define ATA_REG_FEATURE 1 /* write */
#define ATA_REG_COUNT	2
#define ATA_REG_LBA0	3 /* LBA 7:0 (and 31:24 as the "previous" byte) */
#define ATA_REG_LBA1	4 /* LBA 15:8 (47:40); signature byte */
#define ATA_REG_LBA2	5 /* LBA 23:16 (47:40); signature byte */
#define ATA_REG_DEVICE	6
#define ATA_REG_STATUS	7 /* read: clears the device's interrupt */
#define ATA_REG_COMMAND 7 /* write */

/* Control block: alternate status (read), device control (write) */
#define ATA_REG_ALTSTATUS 0
#define ATA_REG_CONTROL	  0

/* Status register bits */
#define ATA_SR_ERR	BIT(0)
#define ATA_SR_DRQ	BIT(3)
#define ATA_SR_DF	BIT(5) /* device fault */
#define ATA_SR_DRDY	BIT(6)
#define ATA_SR_BSY	BIT(7)
#define ATA_SR_FLOATING 0xff /* nothing drives the bus */

/* Error register bits */
#define ATA_ER_ABRT BIT(2) /* command aborted */
#define ATA_ER_IDNF BIT(4) /* address not found */
#define ATA_ER_UNC  BIT(6) /* uncorrectable data error */
#define ATA_ER_ICRC BIT(7) /* interface CRC error */

/* Device register bits */
#define ATA_DEV_OBS	      (BIT(7) | BIT(5)) /* "obsolete, set to one" by old drives */
#define ATA_DEV_LBA	      BIT(6)
#define ATA_DEV_DRV1	      BIT(4) /* device 1 (slave) */
#define ATA_DEV_LBA28_HI_MASK 0x0f   /* LBA 27:24 in LBA28 commands */

/* Device control register bits */
#define ATA_CTL_NIEN BIT(1) /* interrupts off */
#define ATA_CTL_SRST BIT(2) /* software reset of both devices */
#define ATA_CTL_HOB  BIT(7) /* read back the high-order bytes */

/* Commands */
#define ATA_CMD_READ_SECTORS	  0x20
#define ATA_CMD_READ_SECTORS_EXT  0x24
#define ATA_CMD_READ_DMA_EXT	  0x25
#define ATA_CMD_WRITE_SECTORS	  0x30
#define ATA_CMD_WRITE_SECTORS_EXT 0x34
#define ATA_CMD_WRITE_DMA_EXT	  0x35
#define ATA_CMD_READ_DMA	  0xc8
#define ATA_CMD_WRITE_DMA	  0xca
#define ATA_CMD_FLUSH_CACHE	  0xe7
#define ATA_CMD_FLUSH_CACHE_EXT	  0xea
#define ATA_CMD_IDENTIFY	  0xec

/* Largest transfer of one command: 8-bit and 16-bit sector counts. */
#define ATA_LBA28_MAX_COUNT 256
#define ATA_LBA48_MAX_COUNT 65536
#define ATA_LBA28_LIMIT	    (1ULL << 28) /* first LBA28 cannot reach */
#define ATA_LBA48_LIMIT	    (1ULL << 48)

/* Signatures left in LBA1/LBA2 by a device that aborts IDENTIFY */
#define ATA_SIG_ATAPI_LBA1 0x14
#define ATA_SIG_ATAPI_LBA2 0xeb

/* IDENTIFY DEVICE: 256 little-endian words */
#define ATA_ID_WORDS	       256
#define ATA_ID_CONFIG	       0 /* bit 15: not an ATA device */
#define ATA_ID_CONFIG_NOT_ATA  BIT(15)
#define ATA_ID_SERIAL	       10 /* 20 characters */
#define ATA_ID_SERIAL_LEN      20
#define ATA_ID_MODEL	       27 /* 40 characters */
#define ATA_ID_MODEL_LEN       40
#define ATA_ID_CAPABILITIES    49
#define ATA_ID_CAP_DMA	       BIT(8)
#define ATA_ID_CAP_LBA	       BIT(9)
#define ATA_ID_LBA28_SECTORS   60 /* two words */
#define ATA_ID_CMDSET2	       83
#define ATA_ID_CMDSET2_LBA48   BIT(10)
#define ATA_ID_CMDSET2_FLUSH   BIT(12)
#define ATA_ID_CMDSET2_FLUSH48 BIT(13)
#define ATA_ID_CMDSET2_VALID   BIT(14) /* with bit 15 clear */
#define ATA_ID_CMDSET2_INVALID BIT(15)
#define ATA_ID_LBA48_SECTORS   100 /* four words */

/* Bus-master IDE registers: eight per channel from BAR4 (SFF-8038i) */
#define ATA_BM_CHANNEL_STRIDE 8
#define ATA_BM_COMMAND	      0
#define ATA_BM_STATUS	      2
#define ATA_BM_PRDT	      4 /* 32-bit physical address of the table */

#define ATA_BM_CMD_START BIT(0)
#define ATA_BM_CMD_READ	 BIT(3) /* the device writes memory */

#define ATA_BM_ST_ACTIVE    BIT(0)
#define ATA_BM_ST_ERROR	    BIT(1) /* write 1 to clear */
#define ATA_BM_ST_INTERRUPT BIT(2) /* write 1 to clear */
#define ATA_BM_ST_DRV0_DMA  BIT(5)
#define ATA_BM_ST_DRV1_DMA  BIT(6)

/* A physical region descriptor: 8 bytes, the table dword aligned and
 * within one 64 KiB region; a region may not cross a 64 KiB boundary. */
struct ata_prd {
	uint32_t addr;	/* physical, even */
	uint16_t bytes; /* even; 0 means 64 KiB */
	uint16_t flags;
};

#define ATA_PRD_EOT	   BIT(15) /* last entry of the table */
#define ATA_PRD_BOUNDARY   (64 * 1024)
#define ATA_PRD_ADDR_LIMIT (1ULL << 32)

/* IDE programming interface (PCI prog-if), per channel */
#define ATA_PROGIF_PRIMARY_NATIVE   BIT(0)
#define ATA_PROGIF_SECONDARY_NATIVE BIT(2)
#define ATA_PROGIF_BUS_MASTER	    BIT(7)
/* BARs of an IDE controller */
#define ATA_BAR_PRIMARY_CMD   0
#define ATA_BAR_PRIMARY_CTL   1
#define ATA_BAR_SECONDARY_CMD 2
#define ATA_BAR_SECONDARY_CTL 3
#define ATA_BAR_BUS_MASTER    4

#endif
