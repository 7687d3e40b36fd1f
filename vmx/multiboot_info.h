/*
 * vmx/multiboot_info.h - writes the boot information a Multiboot (v1) or
 * Multiboot2 kernel is given. Pure logic, used by vmx/load_multiboot.c
 * when a VM is built and by the host unit tests.
 */
#ifndef VMX_MULTIBOOT_INFO_H
#define VMX_MULTIBOOT_INFO_H

#include "vmx/load_multiboot.h"

/* What goes into the boot information besides the memory map. */
struct mb_boot_data {
	int version; /* 1: struct mb1_info; 2: the Multiboot2 tag list */
	const char *cmdline;
	const struct mb_module *mods;
	unsigned nmods;
	uint64_t ram;	    /* the VM's RAM size: memory map, mem_lower/upper */
	bool align_modules; /* module copies on 4 KiB boundaries (else 8) */
};

/*
 * Lay out the boot information, its strings and the module copies from
 * guest-physical START upwards; write them through BASE (the host
 * pointer to guest-physical 0), or only measure when BASE is NULL.
 * Returns the information's guest-physical address; *END is the first
 * byte after everything. The caller checks that [START, *END) fits
 * below 4 GiB and in RAM before writing.
 */
uint32_t mb_info_write(uint8_t *base, uint64_t start,
		       const struct mb_boot_data *d, uint64_t *end);

#endif
