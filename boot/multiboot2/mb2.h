/*
 * boot/multiboot2/mb2.h - the Multiboot2 boot information format and the
 * parser that turns it into struct boot_info.
 * Pure logic: runs once on the boot CPU before anything else, and on the
 * host in the unit tests.
 * Multiboot2 Specification, "Boot information format".
 */
#ifndef BOOT_MULTIBOOT2_MB2_H
#define BOOT_MULTIBOOT2_MB2_H

#include "kernel/boot_info.h"

/* Multiboot2 Specification, "Machine state" */
#define MB2_BOOTLOADER_MAGIC 0x36d76289

/* Multiboot2 Specification, "Boot information format": tag types */
enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};

/* Multiboot2 Specification, "Framebuffer info": framebuffer_type */
#define MB2_FB_TYPE_RGB	     1
#define MB2_FB_TYPE_EGA_TEXT 2

#define MB2_INFO_MAX_SIZE (1024 * 1024)

/*
 * Parse the boot information at info (at most max_size bytes readable)
 * into *bi. Returns 0, or -1 with a reason in err. Unknown tags are
 * skipped (the specification says to); malformed ones are errors.
 */
int mb2_parse(const void *info, size_t max_size, struct boot_info *bi,
	      char *err, size_t err_size);

#endif
