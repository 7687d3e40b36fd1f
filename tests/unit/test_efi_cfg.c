/*
 * tests/unit/test_efi_cfg.c - boot/efi/cfg_modules.c, the UEFI loader's
 * reading of `module = NAME PATH` lines in hv.cfg, on the host.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "boot/efi/cfg_modules.h"

static struct cfg_module mods[4];
static char err[160];

static int parse(const char *text)
{
	memset(mods, 0, sizeof(mods));
	err[0] = '\0';
	return cfg_modules_parse(text, strlen(text), mods, 4, err, sizeof(err));
}

static void test_other_lines_are_ignored(void **state)
{
	assert_int_equal(parse("# comment\nvm = a\nmodules = x y\n\n"), 0);
	assert_int_equal(parse(""), 0);
}

static void test_module_lines(void **state)
{
	assert_int_equal(parse("vm = one\n  module = guest guests/g.elf\n"
			       "module=initrd\tinitrd.cpio # its disk\r\n"
			       "module = last last.bin"),
			 3);
	assert_string_equal(mods[0].name, "guest");
	assert_string_equal(mods[0].path, "guests/g.elf");
	assert_int_equal(mods[0].line, 2);
	assert_string_equal(mods[1].name, "initrd");
	assert_string_equal(mods[1].path, "initrd.cpio");
	assert_int_equal(mods[1].line, 3);
	assert_string_equal(mods[2].path, "last.bin");
	assert_int_equal(mods[2].line, 4);
}

static void test_text_is_bounded_by_length(void **state)
{
	const char text[] = "module = a a.bin\nmodule = b b.bin\n";

	assert_int_equal(cfg_modules_parse(text, 17, mods, 4, err, sizeof(err)),
			 1);
}

static void test_syntax_errors_name_the_line(void **state)
{
	assert_int_equal(parse("\nmodule guest g.elf\n"), -1);
	assert_string_equal(err,
			    "hv.cfg line 2: expected \"module = NAME PATH\"");
	assert_int_equal(parse("module = guest\n"), -1);
	assert_int_equal(parse("module = guest g.elf extra\n"), -1);
	assert_int_equal(parse("module =\n"), -1);
}

static void test_bad_modules(void **state)
{
	assert_int_equal(parse("module = g /abs/g.elf\n"), -1);
	assert_non_null(strstr(err, "must be relative"));
	assert_int_equal(parse("module = hv.cfg x.cfg\n"), -1);
	assert_int_equal(parse("module = g a\nmodule = g b\n"), -1);
	assert_string_equal(err, "hv.cfg line 2: module g is already named "
				 "on line 1");
	assert_int_equal(parse("module = a a\nmodule = b b\nmodule = c c\n"
			       "module = d d\nmodule = e e\n"),
			 -1);
	assert_string_equal(err, "hv.cfg line 5: more than 4 modules");
}

static void test_long_names_are_refused(void **state)
{
	char text[300];

	snprintf(text, sizeof(text), "module = %0100d g.elf\n", 0);
	assert_int_equal(parse(text), -1);
	assert_non_null(strstr(err, "too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_lines_are_ignored),
		cmocka_unit_test(test_module_lines),
		cmocka_unit_test(test_text_is_bounded_by_length),
		cmocka_unit_test(test_syntax_errors_name_the_line),
		cmocka_unit_test(test_bad_modules),
		cmocka_unit_test(test_long_names_are_refused),
	};
	return cmocka_run_group_tests_name("efi_cfg", tests, NULL, NULL);
}
