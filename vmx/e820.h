/*
 * vmx/e820.h - a VM's physical memory map in the BIOS E820 form: its RAM
 * as usable, minus the ranges its creator reserves (legacy hole, ACPI
 * tables, device windows). Pure logic: runs in VMX root when a VM is
 * built (vmx/load_linux.c) and on the host in tests/unit/test_load_linux.c.
 * ACPI Specification, "System Address Map Interfaces" (the E820 types);
 * Linux Documentation/x86/zero-page.rst ("e820_table").
 */
#ifndef VMX_E820_H
#define VMX_E820_H

#include "lib/types.h"

/* ACPI "Address Range Types" as E820 numbers them */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3 /* ACPI tables, reclaimable once read */
#define E820_NVS      4

#define E820_RESERVED_MAX 16 /* ranges a caller may pass */

/* A range of guest-physical addresses, [start, end), and its type. */
struct e820_range {
	gpa_t start, end;
	uint32_t type;
};

/*
 * Fill OUT (room for MAX entries) with the map of a VM of RAM bytes at
 * guest-physical 0: [0, RAM) is E820_RAM except where one of the NRES
 * ranges in RES lies (where they overlap, the earlier one in RES wins);
 * RES ranges beyond the RAM are listed too. Entries are sorted by
 * address, and neighbours of one type are merged. Returns the entry
 * count, or -1 when NRES > E820_RESERVED_MAX or OUT is too small.
 */
int e820_build(uint64_t ram, const struct e820_range *res, unsigned nres,
	       struct e820_range *out, unsigned max);

/* True when [start, end) lies wholly in E820_RAM of a built map (whose
 * neighbours are merged, so one entry holds it). */
bool e820_all_ram(const struct e820_range *map, unsigned n, gpa_t start,
		  gpa_t end);

#endif
