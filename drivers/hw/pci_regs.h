/*
 * drivers/hw/pci_regs.h - PCI configuration space: the type 0 header's
 * registers and bits, and the MSI and MSI-X capability layouts.
 * Definitions only; any context.
 * PCI Local Bus Specification: "Configuration Space Organization",
 * "Command Register", "Status Register", "Base Addresses", "Capabilities
 * List"; "Message Signaled Interrupts" (MSI and MSI-X Capability
 * Structures).
 */
#ifndef DRIVERS_HW_PCI_REGS_H
#define DRIVERS_HW_PCI_REGS_H

#include "lib/types.h"

#define PCI_CFG_SIZE	 256  /* conventional configuration space */
#define PCI_CFG_EXT_SIZE 4096 /* PCI Express extended space */

/* "Configuration Space Organization": the type 0 header */
#define PCI_VENDOR_ID	     0x00
#define PCI_DEVICE_ID	     0x02
#define PCI_COMMAND	     0x04
#define PCI_STATUS	     0x06
#define PCI_CLASS_REV	     0x08
#define PCI_CACHE_LINE	     0x0c
#define PCI_LATENCY	     0x0d
#define PCI_HEADER_TYPE	     0x0e
#define PCI_BIST	     0x0f
#define PCI_BAR0	     0x10
#define PCI_BARS	     6
#define PCI_CARDBUS_CIS	     0x28
#define PCI_SUBSYSTEM	     0x2c
#define PCI_ROM		     0x30
#define PCI_CAP_PTR	     0x34
#define PCI_INT_LINE	     0x3c
#define PCI_INT_PIN	     0x3d
#define PCI_MIN_GNT	     0x3e
#define PCI_HEADER_END	     0x40 /* capabilities live above */
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_MULTI_FN  0x80
#define PCI_HEADER_NORMAL    0 /* type 0: an endpoint */
#define PCI_VENDOR_NONE	     0xffff

/* "Command Register" */
#define PCI_CMD_IO	     BIT(0)
#define PCI_CMD_MEMORY	     BIT(1)
#define PCI_CMD_MASTER	     BIT(2)
#define PCI_CMD_SPECIAL	     BIT(3)
#define PCI_CMD_MWI	     BIT(4)
#define PCI_CMD_VGA_SNOOP    BIT(5)
#define PCI_CMD_PARITY	     BIT(6)
#define PCI_CMD_SERR	     BIT(8)
#define PCI_CMD_FAST_B2B     BIT(9)
#define PCI_CMD_INTX_DISABLE BIT(10)

/* "Status Register" */
#define PCI_STATUS_INTX		BIT(3) /* interrupt status */
#define PCI_STATUS_CAP_LIST	BIT(4)
#define PCI_STATUS_PARITY	BIT(8)	/* master data parity error */
#define PCI_STATUS_SIG_TABORT	BIT(11) /* signaled target abort */
#define PCI_STATUS_RCV_TABORT	BIT(12)
#define PCI_STATUS_RCV_MABORT	BIT(13)
#define PCI_STATUS_SIG_SERR	BIT(14)
#define PCI_STATUS_DETECTED_PAR BIT(15)
/* The error bits: write 1 to clear. */
#define PCI_STATUS_RW1C                                                      \
	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TABORT | PCI_STATUS_RCV_TABORT | \
	 PCI_STATUS_RCV_MABORT | PCI_STATUS_SIG_SERR |                       \
	 PCI_STATUS_DETECTED_PAR)

/* "Base Addresses" */
#define PCI_BAR_IO	      BIT(0)
#define PCI_BAR_IO_FLAGS      0x3ULL
#define PCI_BAR_MEM_TYPE_MASK (3ULL << 1)
#define PCI_BAR_MEM_32	      (0ULL << 1)
#define PCI_BAR_MEM_64	      (2ULL << 1)
#define PCI_BAR_PREFETCH      BIT(3)
#define PCI_BAR_MEM_FLAGS     0xfULL

/* "Capabilities List": ids */
#define PCI_CAP_ID	 0 /* offsets in a capability */
#define PCI_CAP_NEXT	 1
#define PCI_CAP_ID_PM	 0x01
#define PCI_CAP_ID_MSI	 0x05
#define PCI_CAP_ID_VNDR	 0x09
#define PCI_CAP_ID_EXP	 0x10
#define PCI_CAP_ID_MSIX	 0x11
#define PCI_CAP_PTR_MASK 0xfc

/* "MSI Capability Structure" */
#define PCI_MSI_CTRL	       2
#define PCI_MSI_ADDR_LO	       4
#define PCI_MSI_CTRL_ENABLE    BIT(0)
#define PCI_MSI_CTRL_MMC(c)    (((c) >> 1) & 7) /* log2 vectors capable */
#define PCI_MSI_CTRL_MME_SHIFT 4		/* log2 vectors enabled */
#define PCI_MSI_CTRL_MME       (7U << PCI_MSI_CTRL_MME_SHIFT)
#define PCI_MSI_CTRL_64BIT     BIT(7)
#define PCI_MSI_CTRL_MASKING   BIT(8) /* per-vector masking */
/* The rest depends on the 64-bit flag: */
#define PCI_MSI_ADDR_HI	   8
#define PCI_MSI_DATA_32	   8
#define PCI_MSI_DATA_64	   12
#define PCI_MSI_MASK_32	   12
#define PCI_MSI_MASK_64	   16
#define PCI_MSI_PENDING_32 16
#define PCI_MSI_PENDING_64 20

/* "MSI-X Capability and Table Structure" */
#define PCI_MSIX_CTRL	      2
#define PCI_MSIX_TABLE	      4 /* offset | BIR (bits 2:0) */
#define PCI_MSIX_PBA	      8
#define PCI_MSIX_SIZE	      12
#define PCI_MSIX_CTRL_TSIZE   0x7ffU /* table size - 1 */
#define PCI_MSIX_CTRL_MASKALL BIT(14)
#define PCI_MSIX_CTRL_ENABLE  BIT(15)
#define PCI_MSIX_BIR	      7U

#endif
