/*
 * kernel/config.c - find the hv.cfg boot module and check it is text.
 * Pure logic over struct boot_info (modules are identity-mapped memory);
 * runs once on the boot CPU and in the host unit tests.
 */
#include "kernel/config.h"
#include "lib/fmt.h"

static bool config_byte_ok(unsigned char c)
{
	return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7f);
}

int config_check_text(const char *text, size_t size, char *err, size_t err_size)
{
	unsigned line = 1;

	if (size > CONFIG_SIZE_MAX) {
		fmt_snprintf(err, err_size,
			     "is %zu bytes; a configuration file is at most "
			     "%u bytes",
			     size, (unsigned)CONFIG_SIZE_MAX);
		return -1;
	}
	for (size_t i = 0; i < size; i++) {
		unsigned char c = (unsigned char)text[i];

		if (!config_byte_ok(c)) {
			fmt_snprintf(
				err, err_size,
				"is damaged or not a text file: the byte at "
				"offset %zu (line %u) is 0x%02x",
				i, line, c);
			return -1;
		}
		line += c == '\n';
	}
	return 0;
}

int config_find(const struct boot_info *bi, struct config_text *out, char *err,
		size_t err_size)
{
	const struct boot_module *m = boot_info_module(bi, CONFIG_MODULE_NAME);
	char why[128];

	if (!m) {
		fmt_snprintf(err, err_size,
			     "no boot module named " CONFIG_MODULE_NAME
			     ": under GRUB add \"module2 /boot/hv.cfg hv.cfg\" "
			     "to the menu entry; under UEFI put the file at "
			     "\\EFI\\hv\\hv.cfg");
		return -1;
	}
	out->text = (const char *)(uintptr_t)m->start;
	out->size = m->size;
	if (config_check_text(out->text, out->size, why, sizeof(why))) {
		fmt_snprintf(err, err_size, CONFIG_MODULE_NAME " %s", why);
		return -1;
	}
	return 0;
}
