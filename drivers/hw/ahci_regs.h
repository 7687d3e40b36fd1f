/*
 * drivers/hw/ahci_regs.h - the AHCI host bus adapter's registers and
 * the memory structures it shares with software, and the one FIS type
 * the driver sends. Definitions only.
 * Any context.
 * Serial ATA AHCI 1.3.1 Specification, "HBA Memory Registers" ("Generic
 * Host Control", "Port Registers (one set per port)"), "System Memory
 * Structures" ("Received FIS Structure", "Command List Structure",
 * "Command Table"); Serial ATA Revision 3.x, "Register - Host to Device
 * FIS".
 */
#ifndef DRIVERS_HW_AHCI_REGS_H
#define DRIVERS_HW_AHCI_REGS_H

#include "lib/types.h"

/* PCI: "Serial ATA controller, AHCI 1.0 interface"; ABAR is BAR5. */
#define AHCI_PCI_SUBCLASS_SATA 0x06
#define AHCI_PCI_PROGIF_AHCI   0x01
#define AHCI_PCI_ABAR	       5
#define AHCI_ABAR_BYTES	       0x1100 /* generic block and 32 ports */

/* "Generic Host Control" */
#define AHCI_CAP  0x00
#define AHCI_GHC  0x04
#define AHCI_IS	  0x08
#define AHCI_PI	  0x0c
#define AHCI_VS	  0x10
#define AHCI_CAP2 0x24
#define AHCI_BOHC 0x28

/* "Offset 00h: CAP - HBA Capabilities" */
#define AHCI_CAP_NP_MASK   0x1fu /* ports - 1 */
#define AHCI_CAP_NCS_SHIFT 8	 /* command slots - 1 */
#define AHCI_CAP_NCS_MASK  0x1fu
#define AHCI_CAP_SSS	   BIT(27) /* staggered spin-up */
#define AHCI_CAP_SAM	   BIT(18) /* AHCI mode only */
#define AHCI_CAP_S64A	   BIT(31) /* 64-bit addressing */

/* "Offset 04h: GHC - Global HBA Control" */
#define AHCI_GHC_HR BIT(0)  /* HBA reset */
#define AHCI_GHC_IE BIT(1)  /* interrupts */
#define AHCI_GHC_AE BIT(31) /* AHCI enable */

/* "Offset 24h: CAP2 - HBA Capabilities Extended" */
#define AHCI_CAP2_BOH BIT(0) /* BIOS/OS handoff */

/* "Offset 28h: BOHC - BIOS/OS Handoff Control and Status" */
#define AHCI_BOHC_BOS BIT(0) /* BIOS owned semaphore */
#define AHCI_BOHC_OOS BIT(1) /* OS owned semaphore */
#define AHCI_BOHC_BB  BIT(4) /* BIOS busy */

#define AHCI_PORTS_MAX	32
#define AHCI_PORT_BASE	0x100
#define AHCI_PORT_SIZE	0x80
#define AHCI_PORT(p, r) (AHCI_PORT_BASE + (p)*AHCI_PORT_SIZE + (r))

/* "Port Registers (one set per port)" */
#define AHCI_PX_CLB  0x00 /* command list base, 1 KiB aligned */
#define AHCI_PX_CLBU 0x04
#define AHCI_PX_FB   0x08 /* received FIS base, 256-byte aligned */
#define AHCI_PX_FBU  0x0c
#define AHCI_PX_IS   0x10
#define AHCI_PX_IE   0x14
#define AHCI_PX_CMD  0x18
#define AHCI_PX_TFD  0x20
#define AHCI_PX_SIG  0x24
#define AHCI_PX_SSTS 0x28
#define AHCI_PX_SCTL 0x2c
#define AHCI_PX_SERR 0x30
#define AHCI_PX_SACT 0x34
#define AHCI_PX_CI   0x38

/* "Offset 10h: PxIS - Port x Interrupt Status" (write 1 to clear) */
#define AHCI_PX_IS_DHRS BIT(0)	/* device-to-host register FIS */
#define AHCI_PX_IS_PSS	BIT(1)	/* PIO setup FIS */
#define AHCI_PX_IS_OFS	BIT(24) /* overflow */
#define AHCI_PX_IS_INFS BIT(26) /* interface non-fatal error */
#define AHCI_PX_IS_IFS	BIT(27) /* interface fatal error */
#define AHCI_PX_IS_HBDS BIT(28) /* host bus data error */
#define AHCI_PX_IS_HBFS BIT(29) /* host bus fatal error */
#define AHCI_PX_IS_TFES BIT(30) /* task file error */
#define AHCI_PX_IS_ERRORS                                      \
	(AHCI_PX_IS_TFES | AHCI_PX_IS_HBFS | AHCI_PX_IS_HBDS | \
	 AHCI_PX_IS_IFS | AHCI_PX_IS_INFS | AHCI_PX_IS_OFS)

/* "Offset 18h: PxCMD - Port x Command and Status" */
#define AHCI_PX_CMD_ST	BIT(0)	/* start: process the command list */
#define AHCI_PX_CMD_SUD BIT(1)	/* spin-up device */
#define AHCI_PX_CMD_POD BIT(2)	/* power on device */
#define AHCI_PX_CMD_FRE BIT(4)	/* FIS receive enable */
#define AHCI_PX_CMD_FR	BIT(14) /* FIS receive running */
#define AHCI_PX_CMD_CR	BIT(15) /* command list running */
#define AHCI_PX_CMD_CPD BIT(20) /* cold presence detection */

/* "Offset 20h: PxTFD - Port x Task File Data": the ATA status in
 * bits 7:0, the ATA error in 15:8 */
#define AHCI_PX_TFD_ERR_SHIFT 8
#define AHCI_PX_TFD_STS_MASK  0xffu

/* "Offset 24h: PxSIG - Port x Signature" */
#define AHCI_SIG_ATA   0x00000101u
#define AHCI_SIG_ATAPI 0xeb140101u
#define AHCI_SIG_SEMB  0xc33c0101u /* enclosure management bridge */
#define AHCI_SIG_PM    0x96690101u /* port multiplier */

/* "Offset 28h: PxSSTS - Port x Serial ATA Status" */
#define AHCI_SSTS_DET_MASK    0xfu
#define AHCI_SSTS_DET_PRESENT 0x3u /* device there, phy communication */
#define AHCI_SSTS_SPD_SHIFT   4
#define AHCI_SSTS_SPD_MASK    0xfu

/* "Offset 2Ch: PxSCTL - Port x Serial ATA Control" */
#define AHCI_SCTL_DET_MASK     0xfu
#define AHCI_SCTL_DET_COMRESET 0x1u
#define AHCI_SCTL_IPM_NONE     (0x3u << 8) /* no partial, no slumber */

/* "Received FIS Structure": 256 bytes, the D2H register FIS at 0x40 */
#define AHCI_RFIS_BYTES 256
#define AHCI_RFIS_ALIGN 256
#define AHCI_RFIS_D2H	0x40

/* "Command List Structure": 32 headers of 32 bytes, 1 KiB aligned */
#define AHCI_CMD_LIST_BYTES 1024
#define AHCI_CMD_LIST_ALIGN 1024

/* "Command Header": DW0 bits */
#define AHCI_CH_CFL_MASK    0x1fu /* command FIS length in dwords */
#define AHCI_CH_WRITE	    BIT(6)
#define AHCI_CH_PRDTL_SHIFT 16

struct ahci_cmd_header {
	uint32_t flags; /* CFL, A, W, P, R, B, C, PMP, PRDTL */
	uint32_t prdbc; /* bytes the HBA moved */
	uint32_t ctba;	/* command table, 128-byte aligned */
	uint32_t ctbau;
	uint32_t reserved[4];
};
_Static_assert(sizeof(struct ahci_cmd_header) == 32, "AHCI command header");

/* "Physical Region Descriptor Table": DBC is the byte count minus one;
 * bit 0 of DBA and of the byte count must be 0 (word granularity) */
#define AHCI_PRD_DBC_MASK  0x3fffffu
#define AHCI_PRD_MAX_BYTES (4 * MIB)
#define AHCI_PRD_IRQ	   BIT(31)

struct ahci_prd {
	uint32_t dba;
	uint32_t dbau;
	uint32_t reserved;
	uint32_t dbc; /* byte count - 1, and the interrupt bit */
};
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI PRD entry");

/* "Command Table": the command FIS, the ATAPI command, the PRDT at
 * 0x80; 128-byte aligned */
#define AHCI_CT_CFIS_BYTES 64
#define AHCI_CT_ACMD_BYTES 16
#define AHCI_CT_ALIGN	   128

struct ahci_cmd_table {
	uint8_t cfis[AHCI_CT_CFIS_BYTES];
	uint8_t acmd[AHCI_CT_ACMD_BYTES];
	uint8_t reserved[48];
	struct ahci_prd prdt[];
};
_Static_assert(sizeof(struct ahci_cmd_table) == 0x80, "AHCI command table");

/* Serial ATA, "Register - Host to Device FIS" */
#define SATA_FIS_TYPE_H2D   0x27
#define SATA_FIS_TYPE_D2H   0x34
#define SATA_FIS_H2D_DWORDS 5
#define SATA_FIS_H2D_C	    BIT(7) /* byte 1: the FIS carries a command */

struct sata_fis_h2d {
	uint8_t type;	 /* SATA_FIS_TYPE_H2D */
	uint8_t flags;	 /* PM port 3:0, C bit 7 */
	uint8_t command; /* ATA command */
	uint8_t feature_lo;
	uint8_t lba0, lba1, lba2; /* LBA 7:0, 15:8, 23:16 */
	uint8_t device;
	uint8_t lba3, lba4, lba5; /* LBA 31:24, 39:32, 47:40 */
	uint8_t feature_hi;
	uint8_t count_lo, count_hi;
	uint8_t icc, control;
	uint8_t reserved[4];
};
_Static_assert(sizeof(struct sata_fis_h2d) == 4 * SATA_FIS_H2D_DWORDS,
	       "SATA H2D FIS");

#endif
