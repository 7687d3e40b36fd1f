/*
 * kernel/config.h - finding and checking the configuration file, the
 * boot module named "hv.cfg" on both boot paths (GRUB module2 name, or
 * the file the UEFI loader read from \EFI\hv\hv.cfg).
 * Runs once on the boot CPU. The [vm NAME] sections themselves are
 * parsed by the VT-x core (docs/config.md).
 */
#ifndef KERNEL_CONFIG_H
#define KERNEL_CONFIG_H

#include "kernel/boot_info.h"

#define CONFIG_MODULE_NAME "hv.cfg"
#define CONFIG_SIZE_MAX	   (64 * 1024)

struct config_text {
	const char *text; /* not NUL-terminated */
	size_t size;
};

/*
 * Check that a configuration file is plain text of a sane size: 0, or -1
 * with the reason (which byte, which line) in err. Pure logic.
 */
int config_check_text(const char *text, size_t size, char *err,
		      size_t err_size);

/* Find hv.cfg among the boot modules and check it: 0, or -1 with what is
 * wrong and how to fix it in err. */
int config_find(const struct boot_info *bi, struct config_text *out, char *err,
		size_t err_size);

#endif
