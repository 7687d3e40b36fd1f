/*
 * drivers/hw/pci.h - the host's PCI configuration space: the standard
 * header's fields, enumeration of bus 0 and of the buses behind
 * PCI-to-PCI bridges (as the firmware numbered them), BAR decoding.
 * Boot CPU at start-up. Pure logic over struct pci_cfg_ops (the port
 * I/O is in drivers/hw/pci_cam.c), so tests/unit/test_pci.c drives it
 * with a fake configuration space.
 * PCI Local Bus Specification, "Configuration Space Header", "Base
 * Addresses"; PCI-to-PCI Bridge Architecture Specification,
 * "Configuration Space Header" (type 1).
 */
#ifndef DRIVERS_HW_PCI_H
#define DRIVERS_HW_PCI_H

#include "lib/types.h"

/* Bus, device, function in one number: bus << 8 | device << 3 | fn. */
#define PCI_BDF(bus, dev, fn) ((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))
#define PCI_BDF_BUS(bdf)      ((unsigned)(bdf) >> 8)
#define PCI_BDF_DEV(bdf)      (((unsigned)(bdf) >> 3) & 0x1f)
#define PCI_BDF_FN(bdf)	      ((unsigned)(bdf)&0x7)

/* "Configuration Space Header": offsets of the fields we use */
#define PCI_VENDOR_ID	    0x00
#define PCI_COMMAND	    0x04
#define PCI_REVISION	    0x08 /* revision, prog-if, subclass, class */
#define PCI_HEADER_TYPE	    0x0e
#define PCI_BAR0	    0x10
#define PCI_BUS_NUMBERS	    0x18 /* type 1: primary, secondary, subordinate */
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_VENDOR_NONE	    0xffff
#define PCI_HEADER_MULTIFN  BIT(7)
#define PCI_HEADER_TYPE_MSK 0x7f
#define PCI_HEADER_BRIDGE   1
#define PCI_BARS	    6 /* in a type 0 header */
#define PCI_BRIDGE_BARS	    2 /* in a type 1 header */

/* Command register bits */
#define PCI_CMD_IO	   BIT(0)
#define PCI_CMD_MEMORY	   BIT(1)
#define PCI_CMD_BUS_MASTER BIT(2)

/* "Base Addresses": the low bits say what a BAR decodes */
#define PCI_BAR_IO	 BIT(0)
#define PCI_BAR_IO_MASK	 0xfffffffcu
#define PCI_BAR_MEM_TYPE 0x6u
#define PCI_BAR_MEM_64	 0x4u
#define PCI_BAR_MEM_PREF BIT(3)
#define PCI_BAR_MEM_MASK 0xfffffff0u

/* Class codes */
#define PCI_CLASS_STORAGE    0x01
#define PCI_CLASS_NETWORK    0x02
#define PCI_SUBCLASS_IDE     0x01
#define PCI_CLASS_BRIDGE     0x06
#define PCI_SUBCLASS_PCI_PCI 0x04

#define PCI_BUSES	 256
#define PCI_DEVS_PER_BUS 32
#define PCI_FNS_PER_DEV	 8
#define PCI_DEVICES_MAX	 64 /* functions kept; more are counted */

/* How configuration space is reached (mechanism #1 on the host). */
struct pci_cfg_ops {
	uint32_t (*read32)(void *ctx, uint16_t bdf, uint16_t offset);
	void (*write32)(void *ctx, uint16_t bdf, uint16_t offset,
			uint32_t value);
	void *ctx;
};

enum pci_bar_kind {
	PCI_BAR_NONE,  /* not implemented, or the upper half of a 64-bit BAR */
	PCI_BAR_PORTS, /* I/O space */
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,
};

struct pci_bar {
	enum pci_bar_kind kind;
	uint64_t base; /* port or physical address, flag bits masked off */
	bool prefetchable;
};

/* One function, as read at enumeration. */
struct pci_device {
	uint16_t bdf;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type; /* without the multi-function bit */
	uint8_t irq_line;
	struct pci_bar bar[PCI_BARS];
};

struct pci_scan {
	unsigned count;	  /* devices kept in dev[] */
	unsigned dropped; /* found beyond PCI_DEVICES_MAX */
	unsigned buses;	  /* buses scanned */
	struct pci_device dev[PCI_DEVICES_MAX];
};

uint32_t pci_read32(const struct pci_cfg_ops *ops, uint16_t bdf,
		    uint16_t offset);
uint16_t pci_read16(const struct pci_cfg_ops *ops, uint16_t bdf,
		    uint16_t offset);
uint8_t pci_read8(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t offset);

/* Decode BAR i of the raw BAR dwords bars[] (i + 1 is the upper half of
 * a 64-bit memory BAR). */
void pci_bar_decode(const uint32_t *bars, unsigned count, unsigned i,
		    struct pci_bar *out);

/* Enumerate bus 0 and every bus behind a PCI-to-PCI bridge, each bus
 * once, in bus/device/function order. */
void pci_scan(const struct pci_cfg_ops *ops, struct pci_scan *out);

/* The index-th function of that class and subclass, or NULL. */
const struct pci_device *pci_find_class(const struct pci_scan *scan,
					uint8_t class_code, uint8_t subclass,
					unsigned index);

/* Set bits in a function's command register (keeps the others). */
void pci_enable(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t bits);

/* "00:01.1 8086:7010 IDE controller (class 01.01, prog-if 0x80)" */
void pci_describe(const struct pci_device *dev, char *buf, size_t size);

#endif
