/*
 * boot/efi/cfg_modules.h - the one thing the UEFI loader reads in hv.cfg:
 * its `module = NAME PATH` lines, which name extra boot modules (GRUB
 * gets the same list from grub.cfg). Every other line is the kernel's.
 * Pure logic: built into BOOTX64.EFI and into the host unit tests
 * (tests/unit/test_efi_cfg.c).
 */
#ifndef BOOT_EFI_CFG_MODULES_H
#define BOOT_EFI_CFG_MODULES_H

#include "kernel/boot_info.h"
#include "lib/types.h"

#define CFG_PATH_MAX 128

struct cfg_module {
	unsigned line;		  /* 1-based line in hv.cfg, for messages */
	char name[BOOT_NAME_MAX]; /* the module's name in boot_info */
	char path[CFG_PATH_MAX];  /* relative to \EFI\hv\, as written */
};

/*
 * Finds the module lines in TEXT (LEN bytes, need not be terminated):
 *   module = NAME PATH      optional blanks around '=', '#' comment after
 * NAME and PATH are words without blanks; PATH is relative (no leading
 * '/' or '\'); names are unique and not "hv.cfg". Fills at most MAX
 * entries of MODS. Returns how many, or -1 with the reason in ERR
 * (naming the line).
 */
int cfg_modules_parse(const char *text, size_t len, struct cfg_module *mods,
		      unsigned max, char *err, size_t err_size);

#endif
