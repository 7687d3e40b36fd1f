/*
 * kernel/boot_info.c - look-ups in struct boot_info.
 * Pure logic; any context after boot.
 */
#include "kernel/boot_info.h"
#include "lib/string.h"

const struct boot_module *boot_info_module(const struct boot_info *bi,
					   const char *name)
{
	for (uint32_t i = 0; i < bi->module_count; i++)
		if (strcmp(bi->modules[i].name, name) == 0)
			return &bi->modules[i];
	return NULL;
}
