/*
 * boot/efi/modules.c - the boot modules: \EFI\hv\hv.cfg itself (module
 * "hv.cfg", passed to the kernel untouched, as GRUB does) and each file
 * its `module = NAME PATH` lines name, read into EfiLoaderData pages and
 * recorded in boot_info. Runs with boot services, boot CPU.
 */
#include "boot/efi/cfg_modules.h"
#include "boot/efi/loader.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define CFG_NAME "hv.cfg"
#define CFG_PATH LOADER_DIR CFG_NAME
#define ERR_SIZE 160

static void add_module(struct boot_info *bi, const char *name, void *data,
		       UINTN size)
{
	struct boot_module *m = &bi->modules[bi->module_count++];

	m->start = (hpa_t)data;
	m->size = size;
	str_copy(m->name, name, sizeof(m->name));
}

static EFI_STATUS load_named(struct loader *ld, const struct cfg_module *cm)
{
	char path[sizeof(LOADER_DIR) + CFG_PATH_MAX];
	void *data;
	UINTN size;
	EFI_STATUS s;

	fmt_snprintf(path, sizeof(path), "%s%s", LOADER_DIR, cm->path);
	s = file_read(ld, path, &data, &size);
	if (s == EFI_NOT_FOUND)
		return loader_fail(ld, s,
				   "%s named by " CFG_NAME
				   " line %u: file not found",
				   path, cm->line);
	if (EFI_ERROR(s))
		return s;
	add_module(ld->bi, cm->name, data, size);
	loader_say(ld, "module %s: %s, %lu bytes", cm->name, path,
		   (unsigned long)size);
	return EFI_SUCCESS;
}

EFI_STATUS modules_load(struct loader *ld)
{
	struct cfg_module mods[BOOT_MODULES_MAX - 1]; /* one is hv.cfg */
	char err[ERR_SIZE];
	void *cfg;
	UINTN size;
	int count;
	EFI_STATUS s;

	s = file_read(ld, CFG_PATH, &cfg, &size);
	if (s == EFI_NOT_FOUND) {
		loader_say(ld, "no %s: booting with an empty configuration",
			   CFG_PATH);
		return EFI_SUCCESS;
	}
	if (EFI_ERROR(s))
		return s;
	add_module(ld->bi, CFG_NAME, cfg, size);
	count = cfg_modules_parse(cfg, size, mods, ARRAY_SIZE(mods), err,
				  sizeof(err));
	if (count < 0)
		return loader_fail(ld, EFI_LOAD_ERROR, "%s", err);
	for (int i = 0; i < count; i++) {
		s = load_named(ld, &mods[i]);
		if (EFI_ERROR(s))
			return s;
	}
	return EFI_SUCCESS;
}
