/*
 * boot/efi/cfg_modules.c - finds the `module = NAME PATH` lines of hv.cfg
 * for the UEFI loader; all other lines are left to the kernel. Pure
 * logic: runs in the loader and in host unit tests.
 */
#include <stdarg.h>
#include "boot/efi/cfg_modules.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define MODULE_KEY "module"

/* A cursor over one line of the file. */
struct cursor {
	const char *p, *end;
};

__attribute__((format(printf, 3, 4))) static int
cfg_fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
}

static bool at_end(struct cursor *c)
{
	skip_blanks(c);
	return c->p == c->end || *c->p == '#';
}

/* Copies the next word (up to a blank, '#' or '=') into out; returns its
 * length, or -1 when it does not fit. */
static int take_word(struct cursor *c, char *out, size_t size)
{
	size_t n = 0;

	skip_blanks(c);
	while (c->p < c->end && !is_blank(*c->p) && *c->p != '#' &&
	       *c->p != '=') {
		if (n + 1 >= size)
			return -1;
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	return (int)n;
}

/* True when the line's first word is exactly MODULE_KEY. */
static bool is_module_line(struct cursor c)
{
	size_t n = strlen(MODULE_KEY);

	skip_blanks(&c);
	if ((size_t)(c.end - c.p) < n || memcmp(c.p, MODULE_KEY, n) != 0)
		return false;
	c.p += n;
	return c.p == c.end || is_blank(*c.p) || *c.p == '=';
}

static int check_module(const struct cfg_module *mods, unsigned count,
			const struct cfg_module *m, char *err, size_t err_size)
{
	if (m->path[0] == '/' || m->path[0] == '\\')
		return cfg_fail(err, err_size,
				"hv.cfg line %u: module path %s must be "
				"relative to \\EFI\\hv\\",
				m->line, m->path);
	if (strcmp(m->name, "hv.cfg") == 0)
		return cfg_fail(err, err_size,
				"hv.cfg line %u: the name hv.cfg is taken by "
				"the configuration itself",
				m->line);
	for (unsigned i = 0; i < count; i++)
		if (strcmp(mods[i].name, m->name) == 0)
			return cfg_fail(err, err_size,
					"hv.cfg line %u: module %s is already "
					"named on line %u",
					m->line, m->name, mods[i].line);
	return 0;
}

static int parse_module_line(struct cursor c, unsigned line,
			     struct cfg_module *m, char *err, size_t err_size)
{
	char key[sizeof(MODULE_KEY)];
	int name_len, path_len;

	m->line = line;
	take_word(&c, key, sizeof(key));
	skip_blanks(&c);
	if (c.p == c.end || *c.p != '=')
		goto syntax;
	c.p++;
	name_len = take_word(&c, m->name, sizeof(m->name));
	path_len = take_word(&c, m->path, sizeof(m->path));
	if (name_len < 0 || path_len < 0)
		return cfg_fail(err, err_size,
				"hv.cfg line %u: module name (at most %d "
				"characters) or path (at most %d) too long",
				line, BOOT_NAME_MAX - 1, CFG_PATH_MAX - 1);
	if (name_len > 0 && path_len > 0 && at_end(&c))
		return 0;
syntax:
	return cfg_fail(err, err_size,
			"hv.cfg line %u: expected \"module = NAME PATH\"",
			line);
}

static const char *line_end(const char *p, const char *end)
{
	while (p < end && *p != '\n')
		p++;
	return p;
}

int cfg_modules_parse(const char *text, size_t len, struct cfg_module *mods,
		      unsigned max, char *err, size_t err_size)
{
	const char *end = text + len;
	unsigned count = 0, line = 0;

	for (const char *p = text; p < end; line++) {
		struct cursor c = {p, line_end(p, end)};

		p = c.end < end ? c.end + 1 : end;
		if (!is_module_line(c))
			continue;
		if (count == max)
			return cfg_fail(err, err_size,
					"hv.cfg line %u: more than %u modules",
					line + 1, max);
		if (parse_module_line(c, line + 1, &mods[count], err,
				      err_size) ||
		    check_module(mods, count, &mods[count], err, err_size))
			return -1;
		count++;
	}
	return (int)count;
}
