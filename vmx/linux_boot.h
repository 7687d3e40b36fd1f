/*
 * vmx/linux_boot.h - what a Linux x86 kernel image (bzImage) and its
 * boot loader exchange: the setup header inside the image and the zero
 * page (struct boot_params) the loader leaves in guest memory.
 * Definitions only; used by vmx/load_linux.c and by the host unit tests
 * that build images and read the zero page back.
 * Linux Documentation/x86/boot.rst, "THE LINUX/x86 BOOT PROTOCOL" ("The
 * Real-Mode Kernel Header", "Details of Header Fields", "64-bit BOOT
 * PROTOCOL"); Documentation/x86/zero-page.rst; the layout is
 * arch/x86/include/uapi/asm/bootparam.h of Linux 6.1.
 */
#ifndef VMX_LINUX_BOOT_H
#define VMX_LINUX_BOOT_H

#include "lib/types.h"

/* "The Real-Mode Kernel Header": where the setup header lies, in the
 * image and in the zero page alike. */
#define LX_HDR_OFFSET	  0x1f1 /* setup_sects, the first field */
#define LX_JUMP_OFFSET	  0x200 /* a short jump; its byte at 0x201 ... */
#define LX_HDR_END_BASE	  0x202 /* ... + 0x202 = the end of the header */
#define LX_MAGIC_OFFSET	  0x202 /* "HdrS" */
#define LX_SECTOR_SIZE	  512
#define LX_SETUP_SECTS_0  4 /* setup_sects 0 means 4 */
#define LX_BOOT_FLAG	  0xaa55
#define LX_HDRS_MAGIC	  0x53726448 /* "HdrS", little-endian */
#define LX_PROTOCOL_MIN	  0x020c     /* 2.12: xloadflags, 64-bit entry */
#define LX_ENTRY64_OFFSET 0x200	     /* "64-bit BOOT PROTOCOL": startup_64 */
#define LX_LOADER_UNKNOWN 0xff	     /* type_of_loader: "undefined" */

/* "Details of Header Fields": loadflags */
#define LX_LOADED_HIGH BIT(0) /* the protected-mode code goes at 1 MiB+ */

/* xloadflags (2.12+) */
#define LX_XLF_KERNEL_64	      BIT(0) /* has the 64-bit entry at +0x200 */
#define LX_XLF_CAN_BE_LOADED_ABOVE_4G BIT(1)

/* struct setup_header (bootparam.h), at LX_HDR_OFFSET of the image and
 * of the zero page. Fields up to init_size are 2.10 (2.12 for
 * xloadflags); a header may end earlier or later (the jump byte says). */
struct lx_setup_header {
	uint8_t setup_sects; /* 512-byte sectors of real-mode setup code */
	uint16_t root_flags;
	uint32_t syssize; /* protected-mode code size in 16-byte units */
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag; /* LX_BOOT_FLAG */
	uint16_t jump;
	uint32_t header;  /* LX_HDRS_MAGIC */
	uint16_t version; /* protocol: major << 8 | minor */
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image; /* initrd address, low 32 bits */
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;	   /* command line address, low 32 bits */
	uint32_t initrd_addr_max;  /* highest byte the initrd may occupy */
	uint32_t kernel_alignment; /* for a relocatable kernel */
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size; /* characters, without the final NUL */
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address; /* where the kernel wants to be loaded */
	uint32_t init_size;    /* bytes it needs from its start */
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

/* A header field's offset in the image (and in the zero page). */
#define LX_HDR_FIELD(f) \
	(LX_HDR_OFFSET + __builtin_offsetof(struct lx_setup_header, f))

/* The header fields a 2.12 loader reads end with init_size. */
#define LX_HDR_USED_END 0x264

/* "E820 memory map table": one entry (struct boot_e820_entry) */
struct lx_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* LX_E820_* */
} __attribute__((packed));

/* arch/x86/include/asm/e820/types.h */
#define LX_E820_RAM	 1
#define LX_E820_RESERVED 2
#define LX_E820_ACPI	 3
#define LX_E820_NVS	 4
#define LX_E820_MAX	 128 /* E820_MAX_ENTRIES_ZEROPAGE */

/* struct boot_params, "the zero page": the fields this loader fills,
 * the rest as padding. 4096 bytes. */
struct lx_boot_params {
	uint8_t pad_screen_apm_tboot_ist[0x70];
	uint64_t acpi_rsdp_addr; /* 0x070 */
	uint8_t pad_hd_sys_olpc[0x48];
	uint32_t ext_ramdisk_image; /* 0x0c0 */
	uint32_t ext_ramdisk_size;  /* 0x0c4 */
	uint32_t ext_cmd_line_ptr;  /* 0x0c8 */
	uint8_t pad_cc_edid_efi[0x11c];
	uint8_t e820_entries; /* 0x1e8 */
	uint8_t pad_edd_kbd[6];
	uint8_t sentinel; /* 0x1ef: must stay 0 */
	uint8_t pad_1f0;
	struct lx_setup_header hdr; /* 0x1f1 */
	uint8_t pad_hdr_edd[0x290 - LX_HDR_OFFSET -
			    sizeof(struct lx_setup_header)];
	uint8_t edd_mbr_sig_buffer[0x40];		       /* 0x290 */
	struct lx_e820_entry e820_table[LX_E820_MAX];	       /* 0x2d0 */
	uint8_t pad_eddbuf[0x1000 - 0x2d0 - LX_E820_MAX * 20]; /* 0xcd0 */
} __attribute__((packed));

/* The zero page's end of the setup header area: a longer header from an
 * image would run into the EDD buffers. */
#define LX_HDR_AREA_END 0x290

_Static_assert(sizeof(struct lx_setup_header) == 0x26c - LX_HDR_OFFSET,
	       "setup_header as in bootparam.h");
_Static_assert(__builtin_offsetof(struct lx_setup_header, pref_address) ==
		       0x258 - LX_HDR_OFFSET,
	       "pref_address at 0x258");
_Static_assert(__builtin_offsetof(struct lx_boot_params, acpi_rsdp_addr) ==
		       0x070,
	       "acpi_rsdp_addr at 0x070");
_Static_assert(__builtin_offsetof(struct lx_boot_params, ext_cmd_line_ptr) ==
		       0x0c8,
	       "ext_cmd_line_ptr at 0x0c8");
_Static_assert(__builtin_offsetof(struct lx_boot_params, e820_entries) == 0x1e8,
	       "e820_entries at 0x1e8");
_Static_assert(__builtin_offsetof(struct lx_boot_params, hdr) == LX_HDR_OFFSET,
	       "setup header at 0x1f1");
_Static_assert(__builtin_offsetof(struct lx_boot_params, e820_table) == 0x2d0,
	       "e820_table at 0x2d0");
_Static_assert(sizeof(struct lx_boot_params) == 0x1000, "one page");

#endif
