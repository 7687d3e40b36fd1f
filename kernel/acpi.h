/*
 * kernel/acpi.h - what the hypervisor needs from the firmware's ACPI
 * tables: the CPUs and IOAPICs (MADT), the PM block and reset register
 * (FADT), the S5 sleep type (the DSDT's \_S5 package), and where the
 * DMAR table is (VT-d, read by kernel/iommu.c).
 * acpi_init runs once on the boot CPU; the parser (acpi_parse) is pure
 * logic over a memory-access seam, unit-tested with damaged tables.
 * ACPI Specification, "ACPI Software Programming Model": "Root System
 * Description Pointer (RSDP)", "Multiple APIC Description Table (MADT)",
 * "Fixed ACPI Description Table (FADT)"; "\_Sx (System States)".
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include "kernel/boot_info.h"
#include "kernel/percpu.h"

#define ACPI_IOAPICS_MAX 8

struct acpi_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;
};

/* A generic address (ACPI "Generic Address Structure"), I/O or memory. */
struct acpi_gas {
	uint8_t space; /* 0 system memory, 1 system I/O */
	uint8_t bit_width;
	uint64_t address;
};

struct acpi_info {
	char oem_id[7];
	bool xsdt; /* tables found through the XSDT (ACPI 2.0+) */
	/* MADT */
	uint32_t lapic_address;
	unsigned cpu_count;	     /* enabled (or online-capable) CPUs */
	uint32_t apic_ids[CPUS_MAX]; /* [0] is not necessarily the BSP */
	unsigned cpus_ignored;	     /* beyond CPUS_MAX */
	unsigned ioapic_count;
	struct acpi_ioapic ioapics[ACPI_IOAPICS_MAX];
	/* FADT */
	bool fadt;
	uint32_t pm1a_cnt, pm1b_cnt; /* I/O ports, 0 when absent */
	uint32_t smi_cmd;	     /* port to ask firmware for ACPI mode */
	uint8_t acpi_enable;	     /* the value to write there */
	uint32_t pm_tmr; /* I/O port of the PM timer, 0 when absent */
	bool pm_tmr_32bit;
	bool reset_supported;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	/* DSDT \_S5 */
	bool s5;
	uint8_t slp_typa, slp_typb;
	/* the DMA Remapping table (VT-d, kernel/iommu.c), whole and with a
	 * good checksum; 0 when the firmware has none */
	hpa_t dmar;
	uint32_t dmar_len;
};

/* How the parser reads physical memory: identity in the hypervisor,
 * a fake memory in the unit tests. Returns NULL when [pa, pa+len) is not
 * readable. */
typedef const void *(*acpi_map_fn)(hpa_t pa, size_t len);

/*
 * Parse from a copy of the RSDP (rsdp_len bytes). Fills *info. Returns 0,
 * or -1 with a reason in err when the tables cannot be used at all (bad
 * RSDP, no MADT); a problem with one optional table is only a warning.
 */
int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map,
	       struct acpi_info *info, char *err, size_t err_size);

/* Find \_S5 in an AML byte stream (the DSDT body): 0 and the two
 * SLP_TYP values, or -1. */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		 uint8_t *slp_typb);

/* The tables of this machine, after acpi_init. */
extern struct acpi_info acpi;

void acpi_init(const struct boot_info *bi);
/* Enter S5 through PM1a/PM1b_CNT; returns if the machine is still on. */
void acpi_power_off(void);

#endif
