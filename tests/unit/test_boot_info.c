/*
 * tests/unit/test_boot_info.c - kernel/boot_info.c (look-ups in struct
 * boot_info), on the host.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "kernel/boot_info.h"

static struct boot_info bi;

static void add_module(const char *name, hpa_t start)
{
	struct boot_module *m = &bi.modules[bi.module_count++];

	m->start = start;
	m->size = PAGE_SIZE;
	strcpy(m->name, name);
}

static void test_module_found(void **state)
{
	memset(&bi, 0, sizeof(bi));
	add_module("hv.cfg", 0x200000);
	add_module("hello.elf", 0x201000);
	assert_ptr_equal(boot_info_module(&bi, "hello.elf"), &bi.modules[1]);
	assert_ptr_equal(boot_info_module(&bi, "hv.cfg"), &bi.modules[0]);
}

static void test_module_not_found(void **state)
{
	memset(&bi, 0, sizeof(bi));
	assert_null(boot_info_module(&bi, "hv.cfg"));
	add_module("hv.cfg", 0x200000);
	/* Whole names only: no prefixes, no case folding. */
	assert_null(boot_info_module(&bi, "hv"));
	assert_null(boot_info_module(&bi, "hv.cfg.bak"));
	assert_null(boot_info_module(&bi, "HV.CFG"));
	/* Entries past module_count are not modules. */
	strcpy(bi.modules[1].name, "stale.elf");
	assert_null(boot_info_module(&bi, "stale.elf"));
}

static void test_module_first_of_duplicates(void **state)
{
	memset(&bi, 0, sizeof(bi));
	add_module("other", 0x200000);
	add_module("guest.elf", 0x300000);
	add_module("guest.elf", 0x400000);
	assert_int_equal(boot_info_module(&bi, "guest.elf")->start, 0x300000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_found),
		cmocka_unit_test(test_module_not_found),
		cmocka_unit_test(test_module_first_of_duplicates),
	};
	return cmocka_run_group_tests_name("boot_info", tests, NULL, NULL);
}
