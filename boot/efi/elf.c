/*
 * boot/efi/elf.c - loading hv.elf: after elf_check has validated it, each
 * PT_LOAD segment is given its own pages at its physical address, filled
 * from the file and zeroed to its memory size. Runs with boot services,
 * boot CPU.
 * UEFI Specification, "EFI_BOOT_SERVICES.AllocatePages()".
 */
#include "boot/efi/elf_check.h"
#include "boot/efi/loader.h"
#include "lib/string.h"

#define ERR_SIZE 160

static EFI_STATUS load_segment(struct loader *ld, const uint8_t *file,
			       const struct elf_segment *s)
{
	EFI_PHYSICAL_ADDRESS base = ALIGN_DOWN(s->paddr, EFI_PAGE_SIZE);
	uint64_t end = ALIGN_UP(s->paddr + s->memsz, EFI_PAGE_SIZE);
	EFI_STATUS st;

	/* Executable segments as EfiLoaderCode: firmware that maps
	 * EfiLoaderData non-executable must not fault on the entry. */
	st = ld->bs->AllocatePages(AllocateAddress,
				   s->exec ? EfiLoaderCode : EfiLoaderData,
				   EFI_SIZE_TO_PAGES(end - base), &base);
	if (st == EFI_NOT_FOUND || st == EFI_OUT_OF_RESOURCES)
		return loader_fail(ld, st,
				   "hv.elf: memory 0x%lx-0x%lx is not free in "
				   "the firmware's memory map; hv.elf is "
				   "linked at 2 MiB and needs that range",
				   (unsigned long)base, (unsigned long)end - 1);
	if (EFI_ERROR(st))
		return loader_fail(ld, st,
				   "hv.elf: cannot allocate 0x%lx-0x%lx (%s)",
				   (unsigned long)base, (unsigned long)end - 1,
				   loader_status_name(st));
	memset((void *)base, 0, end - base);
	memcpy((void *)s->paddr, file + s->offset, s->filesz);
	return EFI_SUCCESS;
}

EFI_STATUS elf_load(struct loader *ld, const void *file, UINTN size,
		    hv_entry_fn *entry)
{
	struct elf_image img;
	char err[ERR_SIZE];
	EFI_STATUS st;

	if (elf_check(file, size, &img, err, sizeof(err)))
		return loader_fail(ld, EFI_LOAD_ERROR, "hv.elf: %s", err);
	for (unsigned i = 0; i < img.count; i++) {
		st = load_segment(ld, file, &img.seg[i]);
		if (EFI_ERROR(st))
			return st;
	}
	*entry = (hv_entry_fn)img.entry;
	return EFI_SUCCESS;
}
