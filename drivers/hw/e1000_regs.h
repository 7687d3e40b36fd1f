/*
 * drivers/hw/e1000_regs.h - the registers, bits and descriptor formats of
 * the Intel 8254x gigabit Ethernet controllers (the 82540EM that Bochs
 * and QEMU emulate, PCI ID 8086:100e) that the uplink driver uses.
 * Definitions only.
 * Intel "PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual" (8254x): "Register Summary", "Receive Descriptor
 * Format", "Legacy Transmit Descriptor Format", and the register
 * descriptions named at each block below.
 */
#ifndef DRIVERS_HW_E1000_REGS_H
#define DRIVERS_HW_E1000_REGS_H

#include "lib/types.h"

/* "PCI Configuration Space": the IDs this driver takes */
#define E1000_VENDOR_INTEL 0x8086
#define E1000_DEV_82540EM  0x100e /* desktop, the one emulators offer */
#define E1000_DEV_82545EM  0x100f /* copper, same register interface */

/* "Memory-Mapped Access to Internal Registers and Memories": BAR0 is a
 * 128 KiB memory window of 32-bit registers. */
#define E1000_MMIO_SIZE (128 * KIB)

/* "Register Summary": byte offsets into BAR0 */
#define E1000_CTRL    0x0000 /* Device Control */
#define E1000_STATUS  0x0008 /* Device Status */
#define E1000_EERD    0x0014 /* EEPROM Read */
#define E1000_ICR     0x00c0 /* Interrupt Cause Read (read clears) */
#define E1000_IMC     0x00d8 /* Interrupt Mask Clear */
#define E1000_RCTL    0x0100 /* Receive Control */
#define E1000_TCTL    0x0400 /* Transmit Control */
#define E1000_TIPG    0x0410 /* Transmit Inter Packet Gap */
#define E1000_RDBAL   0x2800 /* Receive Descriptor Base Address Low */
#define E1000_RDBAH   0x2804 /* ... High */
#define E1000_RDLEN   0x2808 /* Receive Descriptor Length (bytes) */
#define E1000_RDH     0x2810 /* Receive Descriptor Head */
#define E1000_RDT     0x2818 /* Receive Descriptor Tail */
#define E1000_TDBAL   0x3800 /* Transmit Descriptor Base Address Low */
#define E1000_TDBAH   0x3804 /* ... High */
#define E1000_TDLEN   0x3808 /* Transmit Descriptor Length (bytes) */
#define E1000_TDH     0x3810 /* Transmit Descriptor Head */
#define E1000_TDT     0x3818 /* Transmit Descriptor Tail */
#define E1000_MPC     0x4010 /* Missed Packets Count (read clears) */
#define E1000_MTA     0x5200 /* Multicast Table Array, 128 dwords */
#define E1000_RAL0    0x5400 /* Receive Address Low, entry 0 */
#define E1000_RAH0    0x5404 /* Receive Address High, entry 0 */
#define E1000_MTA_LEN 128

/* "Device Control Register" */
#define E1000_CTRL_LRST BIT(3)	/* link reset */
#define E1000_CTRL_ASDE BIT(5)	/* auto-speed detection enable */
#define E1000_CTRL_SLU	BIT(6)	/* set link up */
#define E1000_CTRL_ILOS BIT(7)	/* invert loss-of-signal */
#define E1000_CTRL_RST	BIT(26) /* device reset, self-clearing */
#define E1000_CTRL_VME	BIT(30) /* VLAN mode enable */

/* "Device Status Register" */
#define E1000_STATUS_FD BIT(0) /* full duplex */
#define E1000_STATUS_LU BIT(1) /* link up */

/* "EEPROM Read Register (EERD)": write START with the word's address,
 * poll DONE, the word is in DATA. */
#define E1000_EERD_START      BIT(0)
#define E1000_EERD_DONE	      BIT(4)
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16
/* "EEPROM Address Map": words 0-2 hold the Ethernet address, low
 * octet first in each word. */
#define E1000_EEPROM_MAC_WORDS 3

/* "Receive Address High": the entry is valid */
#define E1000_RAH_AV BIT(31)

/* "Receive Control Register" */
#define E1000_RCTL_EN	    BIT(1)     /* receiver enable */
#define E1000_RCTL_UPE	    BIT(3)     /* unicast promiscuous */
#define E1000_RCTL_MPE	    BIT(4)     /* multicast promiscuous */
#define E1000_RCTL_LPE	    BIT(5)     /* long packets (off: 1522 at most) */
#define E1000_RCTL_BAM	    BIT(15)    /* accept broadcast */
#define E1000_RCTL_BSIZE_2K (0u << 16) /* BSIZE 00 with BSEX 0: 2048 */
#define E1000_RCTL_SECRC    BIT(26)    /* strip the Ethernet CRC */

/* "Transmit Control Register" */
#define E1000_TCTL_EN	      BIT(1) /* transmitter enable */
#define E1000_TCTL_PSP	      BIT(3) /* pad short packets to 64 bytes */
#define E1000_TCTL_CT_SHIFT   4	     /* collision threshold */
#define E1000_TCTL_COLD_SHIFT 12     /* collision distance */
#define E1000_TCTL_CT_DEFAULT 0x0f   /* the manual's recommended values */
#define E1000_TCTL_COLD_FULL  0x40   /* full duplex */

/* "Transmit IPG Register": the manual's values for the 82540EM (copper) */
#define E1000_TIPG_IPGT	       10
#define E1000_TIPG_IPGR1_SHIFT 10
#define E1000_TIPG_IPGR1       8
#define E1000_TIPG_IPGR2_SHIFT 20
#define E1000_TIPG_IPGR2       6

/* "Receive Descriptor Format" (16 bytes, written back by the device) */
struct e1000_rx_desc {
	uint64_t addr; /* buffer's physical address */
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

/* "Receive Descriptor Status Field" */
#define E1000_RXD_STAT_DD  BIT(0) /* descriptor done */
#define E1000_RXD_STAT_EOP BIT(1) /* end of packet */

/* "Receive Descriptor Errors Field": the frame is bad (TCP/IP checksum
 * errors are not listed: no checksum offload is enabled) */
#define E1000_RXD_ERR_CE  BIT(0) /* CRC or alignment error */
#define E1000_RXD_ERR_SE  BIT(1) /* symbol error */
#define E1000_RXD_ERR_SEQ BIT(2) /* sequence error */
#define E1000_RXD_ERR_CXE BIT(4) /* carrier extension error */
#define E1000_RXD_ERR_RXE BIT(7) /* RX data error */
#define E1000_RXD_ERR_FRAME                                        \
	(E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | \
	 E1000_RXD_ERR_CXE | E1000_RXD_ERR_RXE)

/* "Legacy Transmit Descriptor Format" (16 bytes) */
struct e1000_tx_desc {
	uint64_t addr; /* buffer's physical address */
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status; /* STA in bits 3:0 */
	uint8_t css;
	uint16_t special;
} __attribute__((packed));

/* "Transmit Descriptor Command Field" */
#define E1000_TXD_CMD_EOP  BIT(0) /* end of packet */
#define E1000_TXD_CMD_IFCS BIT(1) /* insert the FCS (CRC) */
#define E1000_TXD_CMD_RS   BIT(3) /* report status: write DD back */

/* "Transmit Descriptor Status Field" */
#define E1000_TXD_STAT_DD BIT(0) /* descriptor done */

/* "Receive Descriptor Length" / "Transmit Descriptor Length": a ring is
 * a multiple of 128 bytes (8 descriptors), 16-byte aligned. */
#define E1000_RING_ALIGN 128

_Static_assert(sizeof(struct e1000_rx_desc) == 16, "receive descriptor");
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "transmit descriptor");

#endif
