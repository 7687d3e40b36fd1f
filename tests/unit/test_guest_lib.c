/*
 * tests/unit/test_guest_lib.c - the pure parts of the test guests'
 * library (tests/guests/lib/) on the host: the 64-bit division the
 * 32-bit guests use in place of libgcc's, and the Multiboot (v1)
 * information parser, over what the hypervisor's own loader
 * (vmx/load_multiboot.c) writes for the real Multiboot guests
 * build/guests/hello-mb1.elf and hello-aout.bin, then over damaged
 * information.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "tests/guests/lib/libgcc.h"
#include "tests/guests/lib/mb1info.h"
#include "vmx/load_multiboot.h"
#include "vmx/multiboot.h"

static void check(uint64_t n, uint64_t d)
{
	uint64_t rem = 0;

	assert_int_equal(__udivmoddi4(n, d, &rem), n / d);
	assert_int_equal(rem, n % d);
	assert_int_equal(__udivdi3(n, d), n / d);
	assert_int_equal(__umoddi3(n, d), n % d);
}

static void test_division_edges(void **state)
{
	check(0, 1);
	check(1, 1);
	check(12345, 10);
	check(UINT64_MAX, 1);
	check(UINT64_MAX, 10);
	check(UINT64_MAX, UINT64_MAX);
	check(UINT64_MAX - 1, UINT64_MAX);
	check(1ULL << 63, (1ULL << 63) + 1); /* divisor above 2^63 */
	check(UINT64_MAX, (1ULL << 63) + 1);
	check(0xffffffffULL, 0x100000000ULL);
	check(0x123456789abcdefULL, 0xfedcbaULL);
}

static void test_division_random(void **state)
{
	srandom(1);
	for (int i = 0; i < 100000; i++) {
		uint64_t n = (uint64_t)random() << 33 ^ (uint64_t)random();
		uint64_t d = ((uint64_t)random() << 33 ^ (uint64_t)random()) >>
			     (random() % 64);

		check(n, d ? d : 1);
	}
}

#define RAM_SIZE (8 * 1024 * 1024)

static uint8_t *load_guest(const char *path, const char *cmdline,
			   struct mb_boot_state *bs)
{
	static uint8_t image[256 * 1024];
	static const uint8_t module[5000] = {1, 2, 3};
	const struct mb_module mod = {module, sizeof(module), "the-module"};
	struct guest_mem mem = {calloc(1, RAM_SIZE), RAM_SIZE};
	FILE *f = fopen(path, "rb");
	char err[256];
	size_t n;

	assert_non_null(f);
	n = fread(image, 1, sizeof(image), f);
	assert_true(feof(f));
	fclose(f);
	if (mb_load(image, n, cmdline, &mod, 1, &mem, bs, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	return mem.base;
}

struct ram_sum {
	unsigned ranges;
	uint64_t bytes, first_base;
};

static void sum_ram(uint64_t base, uint64_t len, void *arg)
{
	struct ram_sum *s = arg;

	if (!s->ranges++)
		s->first_base = base;
	s->bytes += len;
}

/* What the hypervisor gives every VM (docs/guests.md): 640 KiB low,
 * VGA/BIOS hole reserved, the rest of RAM from 1 MiB. */
static void check_guest_view(const char *path)
{
	struct mb_boot_state bs;
	uint8_t *ram = load_guest(path, "greeting=v1 iterations=5", &bs);
	struct mb1_view v;
	struct ram_sum s = {0};

	assert_int_equal(bs.eax, MB1_BOOTLOADER_MAGIC);
	assert_null(mb1_parse((uintptr_t)ram, bs.eax, bs.ebx, &v));
	assert_int_equal(v.flags & (MB1_INFO_MEMORY | MB1_INFO_CMDLINE |
				    MB1_INFO_MODS | MB1_INFO_MMAP),
			 MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
				 MB1_INFO_MMAP);
	assert_int_equal(v.mem_lower, 640);
	assert_int_equal(v.mem_upper, (RAM_SIZE - 1024 * KIB) / KIB);
	assert_string_equal(v.cmdline, "greeting=v1 iterations=5");
	assert_string_equal(v.loader, "hv");
	assert_int_equal(v.mods_count, 1);
	assert_string_equal(v.mod0, "the-module");
	assert_true(v.mods_end > bs.ebx && v.mods_end <= RAM_SIZE);
	assert_int_equal(v.mmap_ranges, 3);
	assert_int_equal(v.usable_bytes, 640 * KIB + RAM_SIZE - 1024 * KIB);
	assert_int_equal(v.ram_end, RAM_SIZE);
	mb1_for_each_ram(&v, sum_ram, &s);
	assert_int_equal(s.ranges, 2);
	assert_int_equal(s.first_base, 0);
	assert_int_equal(s.bytes, v.usable_bytes);
	free(ram);
}

static void test_mb1_real_guests(void **state)
{
	check_guest_view("build/guests/hello-mb1.elf");
	check_guest_view("build/guests/hello-aout.bin");
}

/* Damaged information: each is refused with its reason, and a map
 * whose entries claim no size does not make the walk loop forever. */
static void test_mb1_damaged(void **state)
{
	struct mb_boot_state bs;
	uint8_t *ram = load_guest("build/guests/hello-mb1.elf", "", &bs);
	struct mb1_info *mi = (struct mb1_info *)(ram + bs.ebx);
	uint32_t *entry0 = (uint32_t *)(ram + mi->mmap_addr);
	uint32_t length = mi->mmap_length, size0 = *entry0;
	struct mb1_view v;
	struct ram_sum s = {0};

	assert_non_null(strstr(
		mb1_parse((uintptr_t)ram, MB2_BOOTLOADER_MAGIC, bs.ebx, &v),
		"not the Multiboot magic"));
	*entry0 = 0;
	assert_non_null(strstr(mb1_parse((uintptr_t)ram, bs.eax, bs.ebx, &v),
			       "shorter than 20 bytes"));
	mb1_for_each_ram(&v, sum_ram, &s); /* stops at once */
	assert_int_equal(s.ranges, 0);
	*entry0 = 0x10000;
	assert_non_null(strstr(mb1_parse((uintptr_t)ram, bs.eax, bs.ebx, &v),
			       "runs past mmap_length"));
	*entry0 = size0;
	mi->mmap_length = length + 2;
	assert_non_null(strstr(mb1_parse((uintptr_t)ram, bs.eax, bs.ebx, &v),
			       "ends inside an entry's size field"));
	mi->mmap_length = length;
	mi->flags &= ~(uint32_t)MB1_INFO_MMAP;
	assert_non_null(strstr(mb1_parse((uintptr_t)ram, bs.eax, bs.ebx, &v),
			       "no memory map"));
	mi->flags |= MB1_INFO_MMAP;
	assert_null(mb1_parse((uintptr_t)ram, bs.eax, bs.ebx, &v));
	assert_string_equal(v.cmdline, "");
	free(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_division_edges),
		cmocka_unit_test(test_division_random),
		cmocka_unit_test(test_mb1_real_guests),
		cmocka_unit_test(test_mb1_damaged),
	};
	return cmocka_run_group_tests_name("guest_lib", tests, NULL, NULL);
}
