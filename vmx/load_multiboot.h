/*
 * vmx/load_multiboot.h - load a Multiboot (v1) or Multiboot2 kernel into
 * a VM's guest-physical memory and describe how to start it.
 * Pure logic over a host pointer to the VM's RAM: runs in VMX root when a
 * VM is built, and on the host in tests/unit/test_load_multiboot.c.
 * See docs/guests.md ("How a Multiboot guest is loaded").
 */
#ifndef VMX_LOAD_MULTIBOOT_H
#define VMX_LOAD_MULTIBOOT_H

#include "vmx/guest_mem.h"

/* A boot module: its bytes are copied into guest memory. */
struct mb_module {
	const void *data;
	size_t size;
	const char *cmdline; /* the module's string; NULL: "" */
};

/* How the vCPU starts: 32-bit protected mode, paging off, flat 4 GiB
 * code and data segments, EIP = entry, EAX = eax, EBX = ebx (both
 * specifications, "Machine state"). */
struct mb_boot_state {
	uint32_t entry;
	uint32_t eax; /* MB1_BOOTLOADER_MAGIC or MB2_BOOTLOADER_MAGIC */
	uint32_t ebx; /* guest-physical address of the boot information */
};

/*
 * The memory map every VM is given (and the loader reports): usable
 * [0, 0xA0000), reserved [0xA0000, 0x100000) (the legacy VGA and BIOS
 * hole), usable [0x100000, RAM size); ranges beyond the RAM are left out.
 * Kernel segments and boot data must lie in the usable parts.
 */
#define MB_LOW_RAM_END 0xa0000ULL
#define MB_HOLE_END    0x100000ULL

/*
 * Load the kernel IMAGE (IMAGE_SIZE bytes) into MEM, copy its CMDLINE
 * (NULL: "") and its NMODS modules there, write the boot information and
 * fill *OUT. Prefers a Multiboot2 header when the image has both.
 * Boot data (information, strings, modules) goes above the kernel's
 * highest loaded byte, at the earliest page at or above 1 MiB.
 * Returns 0, or -1 with a reason in ERR; guest memory may then hold a
 * partly loaded kernel.
 */
int mb_load(const void *image, size_t image_size, const char *cmdline,
	    const struct mb_module *mods, unsigned nmods, struct guest_mem *mem,
	    struct mb_boot_state *out, char *err, size_t err_size);

#endif
