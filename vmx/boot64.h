/*
 * vmx/boot64.h - what a guest entered directly in 64-bit mode needs in
 * its memory: identity-mapped page tables and a GDT with flat 64-bit
 * code and data segments. Pure logic over the VM's RAM: runs in VMX root
 * when a VM is built (vmx/load_linux.c) and on the host in the tests.
 * SDM Vol. 3A, "4-Level Paging and 5-Level Paging", "Segment
 * Descriptors", "Initializing IA-32e Mode"; Linux
 * Documentation/x86/boot.rst, "64-bit BOOT PROTOCOL".
 */
#ifndef VMX_BOOT64_H
#define VMX_BOOT64_H

#include "vmx/guest_mem.h"

/* The selectors of the GDT boot64_write_gdt writes: those Linux's 64-bit
 * boot protocol calls __BOOT_CS and __BOOT_DS. */
#define BOOT64_CS	  0x10
#define BOOT64_DS	  0x18
#define BOOT64_GDT_SIZE	  0x20 /* null, unused, code, data */
#define BOOT64_GDT_LIMIT  (BOOT64_GDT_SIZE - 1)
#define BOOT64_PD_SPAN	  GIB /* one page directory of 2 MiB pages */
#define BOOT64_LARGE_PAGE (2 * MIB)

/* Bytes of page tables mapping N_PD GiB: a PML4, a PDPT, N_PD PDs. */
#define BOOT64_TABLES_SIZE(n_pd) ((2 + (uint64_t)(n_pd)) * PAGE_SIZE)
#define BOOT64_PD_MAX		 512 /* one PDPT: 512 GiB */

/*
 * Write at guest-physical TABLES (page aligned) a PML4, a PDPT and N_PD
 * page directories that map guest-physical [0, N_PD GiB) to the same
 * linear addresses with 2 MiB pages, present, writable, supervisor.
 * CR3 is then TABLES. Returns 0, or -1 (nothing written) when the
 * tables would not lie in MEM or N_PD is not 1..BOOT64_PD_MAX.
 */
int boot64_write_page_tables(struct guest_mem *mem, gpa_t tables,
			     unsigned n_pd);

/* Write at guest-physical GDT a GDT of BOOT64_GDT_SIZE bytes: flat
 * 64-bit code (execute/read) at BOOT64_CS, flat 4 GiB data (read/write)
 * at BOOT64_DS. 0, or -1 when it would not lie in MEM. */
int boot64_write_gdt(struct guest_mem *mem, gpa_t gdt);

#endif
