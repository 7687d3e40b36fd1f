/*
 * drivers/iommu/dmar.h - the ACPI DMA Remapping Reporting table (DMAR):
 * where the VT-d remapping units' registers are (DRHD), which devices
 * each one translates (device scopes, INCLUDE_PCI_ALL), and which memory
 * firmware keeps using for DMA behind the OS's back (RMRR).
 * dmar_parse is pure logic over the table's bytes, which come from
 * firmware and are not trusted: every length and offset is checked, and
 * a malformed table gives a clear error (tests/unit/test_dmar.c,
 * tests/fuzz/fuzz_dmar.c). Runs once on the boot CPU.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "DMA Remapping Reporting Structure", "DMA Remapping
 * Hardware Unit Definition Structure", "Device Scope Structure",
 * "Reserved Memory Region Reporting Structure".
 */
#ifndef DRIVERS_IOMMU_DMAR_H
#define DRIVERS_IOMMU_DMAR_H

#include "lib/types.h"

#define DMAR_DRHD_MAX	8  /* remapping units we keep */
#define DMAR_RMRR_MAX	16 /* reserved regions we keep */
#define DMAR_SCOPES_MAX 16 /* device scopes per unit or region */
#define DMAR_PATH_MAX	8  /* bridges from the start bus, plus the device */

/* "Device Scope Structure": the Type field */
enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1, /* a PCI endpoint device */
	DMAR_SCOPE_BRIDGE = 2,	 /* a bridge and everything below it */
	DMAR_SCOPE_IOAPIC = 3,
	DMAR_SCOPE_HPET = 4,
	DMAR_SCOPE_NAMESPACE = 5, /* an ACPI namespace device */
};

/* A device named by its start bus and the device/function hops (each
 * hop but the last a bridge whose secondary bus the next one is on). */
struct dmar_scope {
	uint8_t type;	 /* enum dmar_scope_type */
	uint8_t enum_id; /* IOAPIC id, HPET number, ACPI device number */
	uint8_t bus;	 /* start bus */
	uint8_t path_len;
	uint8_t path[DMAR_PATH_MAX]; /* devfn: device << 3 | function */
};

struct dmar_drhd {
	hpa_t reg_base;	    /* the unit's registers, 4 KiB aligned */
	unsigned reg_pages; /* 4 KiB pages of registers (Size field) */
	uint16_t segment;
	bool include_pci_all; /* every device of the segment not named by
				 another unit */
	unsigned scope_count;
	struct dmar_scope scopes[DMAR_SCOPES_MAX];
};

struct dmar_rmrr {
	uint16_t segment;
	hpa_t base, limit; /* [base, limit], limit inclusive */
	unsigned scope_count;
	struct dmar_scope scopes[DMAR_SCOPES_MAX];
};

/* "DMA Remapping Reporting Structure": the Flags field */
#define DMAR_FLAG_INTR_REMAP	  BIT(0)
#define DMAR_FLAG_X2APIC_OPT_OUT  BIT(1)
#define DMAR_FLAG_DMA_CTRL_OPT_IN BIT(2)

struct dmar_info {
	unsigned host_addr_width; /* bits of physical address DMA reaches */
	uint8_t flags;		  /* DMAR_FLAG_* */
	unsigned drhd_count;
	struct dmar_drhd drhd[DMAR_DRHD_MAX];
	unsigned rmrr_count;
	struct dmar_rmrr rmrr[DMAR_RMRR_MAX];
	unsigned other_count; /* ATSR, RHSA, ANDD, SATC...: skipped */
};

/*
 * Parse the whole DMAR table (len bytes, header included). 0 and *info;
 * -1 with the reason in err (which names the offending byte offset) when
 * the table is malformed or more than we keep. Only INCLUDE_PCI_ALL
 * units and scopes are interpreted; nothing is read outside [table,
 * table + len).
 */
int dmar_parse(const uint8_t *table, size_t len, struct dmar_info *info,
	       char *err, size_t err_size);

/* How scope matching reads a bridge's bus numbers (configuration space
 * dword at 0x18: primary, secondary, subordinate bus). */
typedef uint32_t (*dmar_pci_read32_fn)(void *ctx, uint16_t segment, uint8_t bus,
				       uint8_t devfn, unsigned offset);

/*
 * The DRHD that translates device segment:bus:devfn: a unit whose scope
 * names it (an endpoint, or a bridge above it), else the segment's
 * INCLUDE_PCI_ALL unit. Its index in info->drhd, or -1 (no unit: the
 * device's DMA is not remapped).
 */
int dmar_unit_for_device(const struct dmar_info *info, uint16_t segment,
			 uint8_t bus, uint8_t devfn, dmar_pci_read32_fn read,
			 void *ctx);

/* The next RMRR after index `after` (-1: from the first) whose scope
 * names the device, or -1. Firmware does DMA to that region: it must stay
 * identity-mapped for the device, or the device must not be given to a
 * VM. */
int dmar_rmrr_for_device(const struct dmar_info *info, uint16_t segment,
			 uint8_t bus, uint8_t devfn, dmar_pci_read32_fn read,
			 void *ctx, int after);

#endif
