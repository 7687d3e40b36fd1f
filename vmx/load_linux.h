/*
 * vmx/load_linux.h - load a Linux x86-64 kernel (bzImage) with its
 * initrd and command line into a VM's guest-physical memory, write its
 * zero page, page tables and GDT, and say how to enter it in 64-bit mode.
 * Pure logic over a host pointer to the VM's RAM: runs in VMX root when
 * a VM is built, and on the host in tests/unit/test_load_linux.c and
 * tests/fuzz/fuzz_load_linux.c. See docs/linux-boot.md.
 * Linux Documentation/x86/boot.rst, "THE LINUX/x86 BOOT PROTOCOL",
 * "64-bit BOOT PROTOCOL"; Documentation/x86/zero-page.rst.
 */
#ifndef VMX_LOAD_LINUX_H
#define VMX_LOAD_LINUX_H

#include "vmx/e820.h"
#include "vmx/guest_mem.h"
#include "vmx/vcpu_boot.h"

/*
 * Where the boot data goes in guest-physical memory (docs/linux-boot.md,
 * "Guest memory layout"). Everything lies in [LX_LOW_START, LX_LOW_END),
 * below the legacy hole at 0xa0000; 0xa0000-0xfffff (the VGA window and
 * the BIOS area, where the ACPI tables go) is left alone.
 */
#define LX_LOW_START	   0x1000ULL
#define LX_GDT_GPA	   0x1000ULL /* BOOT64_GDT_SIZE bytes */
#define LX_STACK_TOP	   0x7000ULL /* initial RSP (startup_64 sets its own) */
#define LX_ZERO_PAGE_GPA   0x7000ULL /* struct boot_params, 4 KiB */
#define LX_PAGE_TABLES_GPA 0x9000ULL /* PML4, PDPT, then the PDs */
#define LX_PD_MAX	   20	     /* PDs that fit below LX_CMDLINE_GPA */
#define LX_CMDLINE_GPA	   0x20000ULL /* the command line, NUL-terminated */
#define LX_CMDLINE_AREA	   0x1000ULL
#define LX_LOW_END	   (LX_CMDLINE_GPA + LX_CMDLINE_AREA)
#define LX_KERNEL_MIN	   0x100000ULL /* no kernel below 1 MiB */

/* What a Linux VM is built from. */
struct lx_params {
	const void *image; /* the bzImage; untrusted */
	size_t image_size;
	const void *initrd; /* NULL: none */
	size_t initrd_size;
	const char *cmdline; /* NULL: "" */
	gpa_t acpi_rsdp;     /* the RSDP's guest-physical address; 0: none */
	/* Ranges of the VM's memory map that are not usable RAM (the
	 * legacy hole, ACPI tables, device windows): e820_build's RES. */
	const struct e820_range *reserved;
	unsigned nreserved;
	/* unsafe_dma (docs/passthrough.md): guest-physical RAM below
	 * dma_from is the VM's own copy, not at the same host-physical
	 * address, so a device's DMA there would land in the host's
	 * memory. The map reserves [LX_KERNEL_MIN, dma_from) (Linux keeps
	 * the first MiB for itself anyway), so Linux never gives a device a
	 * buffer there, and the kernel goes at or above dma_from. 0: all
	 * RAM is DMA-able (no passthrough, or VT-d). */
	gpa_t dma_from;
};

/* What the loader did: the vCPU's start and where things went. */
struct lx_result {
	struct vcpu_boot boot;
	uint16_t protocol; /* the header's version, e.g. 0x020f */
	gpa_t kernel;	   /* load address of the protected-mode kernel */
	gpa_t kernel_end;  /* load address + the memory it needs */
	gpa_t initrd;	   /* 0 when there is none */
	uint64_t initrd_size;
	unsigned e820_count;
};

/* True when IMAGE looks like a Linux kernel (the "HdrS" magic at 0x202);
 * vm.c uses this to choose between this loader and Multiboot. */
bool lx_is_bzimage(const void *image, size_t image_size);

/*
 * Check P->image's setup header, copy its protected-mode kernel to its
 * preferred address (a relocatable kernel higher, to the first RAM of
 * the map where it fits, when a reserved range is there), place the
 * initrd high in RAM, write the command
 * line, the zero page (with the E820 map), the page tables and the GDT,
 * and fill *OUT. Every offset taken from the image is checked against
 * the image, every guest address against MEM. Returns 0, or -1 with a
 * reason in ERR (the caller names the VM); guest memory may then hold
 * part of the load.
 */
int lx_load(const struct lx_params *p, struct guest_mem *mem,
	    struct lx_result *out, char *err, size_t err_size);

#endif
