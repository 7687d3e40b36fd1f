/*
 * boot/efi/loader.h - what the UEFI loader's files share: the loader's
 * state, messages, files, the ELF loader, modules, firmware tables and
 * the memory map. Runs as a UEFI application with boot services, on the
 * boot CPU, until loader_exit_boot_services succeeds.
 * UEFI Specification, "Boot Services", "EFI Loaded Image Protocol",
 * "Simple File System Protocol".
 */
#ifndef BOOT_EFI_LOADER_H
#define BOOT_EFI_LOADER_H

#include <efi.h>
#include "kernel/boot_info.h"

#define LOADER_NAME "hv UEFI loader"
#define LOADER_DIR  "\\EFI\\hv\\"

/* The kernel's ELF entry hv_entry64 uses the SysV ABI; gnu-efi code may
 * be built for ms_abi, so the pointer type says which one. */
typedef void __attribute__((sysv_abi,
			    noreturn)) (*hv_entry_fn)(struct boot_info *bi);

struct loader {
	EFI_HANDLE image;
	EFI_SYSTEM_TABLE *st;
	EFI_BOOT_SERVICES *bs;
	EFI_LOADED_IMAGE *loaded_image;
	EFI_FILE_HANDLE root; /* the volume BOOTX64.EFI was loaded from */
	struct boot_info *bi; /* in EfiLoaderData pages below 4 GiB */
};

/* report.c: a line on the UEFI console (ConOut). */
void loader_say(struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* report.c: an error line on ConOut and on COM1; returns status so that
 * callers can write `return loader_fail(ld, EFI_NOT_FOUND, ...)`. */
EFI_STATUS loader_fail(struct loader *ld, EFI_STATUS status, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));
/* report.c: a short name for a status ("EFI_NOT_FOUND"). */
const char *loader_status_name(EFI_STATUS status);

/* file.c: the root of the volume the loader was loaded from. */
EFI_STATUS file_open_root(struct loader *ld);
/* file.c: reads PATH (an ASCII path, '/' or '\' separated) whole into
 * EfiLoaderData pages below 4 GiB. Returns EFI_NOT_FOUND when absent,
 * without a message; other errors are reported. */
EFI_STATUS file_read(struct loader *ld, const char *path, void **data,
		     UINTN *size);
/* file.c: frees what file_read returned. */
void file_free(struct loader *ld, void *data, UINTN size);

/* elf.c: validates and loads hv.elf at its physical addresses. */
EFI_STATUS elf_load(struct loader *ld, const void *file, UINTN size,
		    hv_entry_fn *entry);

/* modules.c: reads hv.cfg and the modules it names into boot_info. */
EFI_STATUS modules_load(struct loader *ld);

/* tables.c: ACPI RSDP and GOP framebuffer into boot_info. */
void tables_find_acpi(struct loader *ld);
void tables_find_framebuffer(struct loader *ld);

/* mmap.c: the final memory map into boot_info, then ExitBootServices.
 * On success boot services are gone: no more messages after it. */
EFI_STATUS mmap_exit_boot_services(struct loader *ld);

#endif
