/*
 * kernel/boot_info.h - what the firmware path hands to the kernel.
 * Filled by boot/multiboot2/mb2.c (GRUB) or boot/efi/loader.c (UEFI);
 * read by everything after boot/. Self-contained: fixed-size arrays and
 * physical addresses only, so the UEFI loader can build it in its own
 * memory and the kernel can copy it whole.
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include "lib/types.h"

#define BOOT_INFO_MAGIC	 0x4856424f4f54ULL /* "HVBOOT" */
#define BOOT_MMAP_MAX	 256
#define BOOT_MODULES_MAX 16
#define BOOT_NAME_MAX	 64
#define BOOT_CMDLINE_MAX 256

/* Memory types, in the E820 numbering both paths convert to. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIM = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_range {
	hpa_t base;
	uint64_t length;
	uint32_t type; /* enum boot_mem_type */
	uint32_t pad;
};

struct boot_module {
	hpa_t start;
	uint64_t size;
	char name[BOOT_NAME_MAX]; /* e.g. "hv.cfg", "hello.elf" */
};

enum boot_fb_type {
	BOOT_FB_NONE = 0,
	BOOT_FB_RGB = 1,      /* linear 32-bit pixels (GOP, VBE) */
	BOOT_FB_EGA_TEXT = 2, /* 80x25 text cells at 0xb8000 */
};

struct boot_framebuffer {
	hpa_t base;
	uint32_t type;		/* enum boot_fb_type */
	uint32_t width, height; /* pixels, or characters for EGA text */
	uint32_t pitch;		/* bytes per line */
	uint8_t bpp;
	uint8_t red_shift, green_shift, blue_shift;
};

enum boot_firmware {
	BOOT_FW_MULTIBOOT2 = 1,
	BOOT_FW_UEFI = 2,
};

struct boot_info {
	uint64_t magic;	   /* BOOT_INFO_MAGIC */
	uint32_t firmware; /* enum boot_firmware, for the log only */
	uint32_t mmap_count;
	struct boot_mem_range mmap[BOOT_MMAP_MAX];
	uint32_t module_count;
	uint32_t pad;
	struct boot_module modules[BOOT_MODULES_MAX];
	char cmdline[BOOT_CMDLINE_MAX];
	/* A copy of the ACPI RSDP (20 bytes for ACPI 1.0, 36 for 2.0+);
	 * acpi_rsdp_len is 0 when the firmware gave none. */
	uint8_t acpi_rsdp[36];
	uint32_t acpi_rsdp_len;
	hpa_t ap_trampoline; /* a free 4 KiB page below 1 MiB, 0: find one */
	struct boot_framebuffer fb;
	char loader_name[BOOT_NAME_MAX];
};

/* The named module, or NULL. */
const struct boot_module *boot_info_module(const struct boot_info *bi,
					   const char *name);

#endif
