/*
 * boot/efi/elf_check.h - validation of the hypervisor's ELF64 image before
 * the loader trusts any of it. Pure logic: built into BOOTX64.EFI and into
 * the host unit tests (tests/unit/test_efi_elf.c).
 */
#ifndef BOOT_EFI_ELF_CHECK_H
#define BOOT_EFI_ELF_CHECK_H

#include "lib/types.h"

#define ELF_MAX_SEGMENTS 16

/* One PT_LOAD segment, checked: its file bytes lie inside the file, it
 * fits below 4 GiB and it shares no page with another segment. */
struct elf_segment {
	uint64_t paddr;	 /* physical load address */
	uint64_t memsz;	 /* bytes in memory, >= filesz */
	uint64_t filesz; /* bytes taken from the file */
	uint64_t offset; /* file offset of those bytes */
	bool exec;	 /* PF_X */
};

struct elf_image {
	uint64_t entry;
	unsigned count;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * Checks that FILE (SIZE bytes) is an ELF64 x86-64 executable whose
 * program headers and PT_LOAD segments are sane, and describes its
 * segments in *img. Returns 0, or -1 with a reason in ERR (which does
 * not name the file: the caller does).
 */
int elf_check(const void *file, size_t size, struct elf_image *img, char *err,
	      size_t err_size);

#endif
