/*
 * vmx/multiboot.h - what a Multiboot (v1) or Multiboot2 kernel and its
 * loader exchange: the header in the kernel image and the boot
 * information the loader leaves in guest memory. Definitions only; used
 * by vmx/load_multiboot.c and by the host unit tests that parse the
 * boot information back.
 * Multiboot Specification 0.6.96, "Header layout", "Boot information
 * format"; Multiboot2 Specification, "Header tags", "Boot information
 * format".
 */
#ifndef VMX_MULTIBOOT_H
#define VMX_MULTIBOOT_H

#include "lib/types.h"

/* Multiboot v1, "The magic fields of Multiboot header" */
#define MB1_HEADER_MAGIC     0x1badb002
#define MB1_BOOTLOADER_MAGIC 0x2badb002
#define MB1_SEARCH	     8192 /* header within the first 8 KiB */
#define MB1_ALIGN	     4

/* Multiboot v1, "The flags fields of Multiboot header": bits 0-15 are
 * requirements a loader must understand, bits 16-31 optional features. */
#define MB1_HF_PAGE_ALIGN    BIT(0)  /* modules on 4 KiB boundaries */
#define MB1_HF_MEMORY_INFO   BIT(1)  /* mem_* (and mmap) must be given */
#define MB1_HF_VIDEO_MODE    BIT(2)  /* a video mode is requested */
#define MB1_HF_AOUT_KLUDGE   BIT(16) /* use the address fields below */
#define MB1_HF_REQUIRED_MASK 0xffffULL

struct mb1_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum; /* magic + flags + checksum == 0 */
	/* valid when MB1_HF_AOUT_KLUDGE */
	uint32_t header_addr;	/* where the magic field is loaded */
	uint32_t load_addr;	/* where the text segment starts */
	uint32_t load_end_addr; /* end of the data to load; 0: file end */
	uint32_t bss_end_addr;	/* end of bss; 0: no bss */
	uint32_t entry_addr;
	/* valid when MB1_HF_VIDEO_MODE */
	uint32_t mode_type;
	uint32_t width;
	uint32_t height;
	uint32_t depth;
};

/* Multiboot v1, "Boot information format": the flags word */
#define MB1_INFO_MEMORY	     BIT(0)
#define MB1_INFO_CMDLINE     BIT(2)
#define MB1_INFO_MODS	     BIT(3)
#define MB1_INFO_MMAP	     BIT(6)
#define MB1_INFO_LOADER_NAME BIT(9)

struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB from 0 */
	uint32_t mem_upper; /* KiB from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[6];
	uint32_t framebuffer[7];
};

struct mb1_module {
	uint32_t mod_start;
	uint32_t mod_end; /* first byte after the module */
	uint32_t string;
	uint32_t reserved;
};

/* mmap_addr points at 'size', which counts the bytes after itself. */
struct mb1_mmap_entry {
	uint32_t size;
	uint32_t base_lo, base_hi;
	uint32_t len_lo, len_hi;
	uint32_t type;
} __attribute__((packed));

#define MB_MEMORY_AVAILABLE 1 /* both versions */
#define MB_MEMORY_RESERVED  2

/* Multiboot2, "Header magic fields" */
#define MB2_HEADER_MAGIC     0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_SEARCH	     32768 /* header within the first 32 KiB */
#define MB2_ALIGN	     8
#define MB2_ARCH_I386	     0

struct mb2_header {
	uint32_t magic;
	uint32_t architecture;
	uint32_t header_length; /* including the tags */
	uint32_t checksum;	/* the four fields add up to 0 */
};

/* Multiboot2, "General tag structure" (header tags) */
struct mb2_header_tag {
	uint16_t type;
	uint16_t flags; /* bit 0: optional */
	uint32_t size;
};

#define MB2_HTAG_OPTIONAL BIT(0)

enum mb2_header_tag_type {
	MB2_HTAG_END = 0,
	MB2_HTAG_INFO_REQUEST = 1,
	MB2_HTAG_ADDRESS = 2,
	MB2_HTAG_ENTRY = 3,
	MB2_HTAG_CONSOLE_FLAGS = 4,
	MB2_HTAG_FRAMEBUFFER = 5,
	MB2_HTAG_MODULE_ALIGN = 6,
	MB2_HTAG_EFI_BS = 7,
	MB2_HTAG_ENTRY_EFI32 = 8,
	MB2_HTAG_ENTRY_EFI64 = 9,
	MB2_HTAG_RELOCATABLE = 10,
};

/* Multiboot2, "The console flags tag": bit 0, a console is required */
#define MB2_CONSOLE_REQUIRED BIT(0)

/* Multiboot2, "Boot information format": tag types the loader writes */
enum mb2_info_tag_type {
	MB2_ITAG_END = 0,
	MB2_ITAG_CMDLINE = 1,
	MB2_ITAG_LOADER_NAME = 2,
	MB2_ITAG_MODULE = 3,
	MB2_ITAG_BASIC_MEMINFO = 4,
	MB2_ITAG_MMAP = 6,
};

struct mb2_info_header {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_info_tag {
	uint32_t type;
	uint32_t size; /* including this header, not the padding to 8 */
};

struct mb2_tag_meminfo {
	uint32_t type, size;
	uint32_t mem_lower, mem_upper; /* KiB, as in v1 */
};

struct mb2_tag_module {
	uint32_t type, size;
	uint32_t mod_start, mod_end;
	char string[]; /* terminated */
};

struct mb2_tag_mmap {
	uint32_t type, size;
	uint32_t entry_size; /* sizeof(struct mb2_mmap_entry) */
	uint32_t entry_version;
};

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

#endif
