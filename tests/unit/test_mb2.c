/*
 * tests/unit/test_mb2.c - boot/multiboot2/mb2.c (Multiboot2 boot
 * information to struct boot_info), on the host. Tag lists are built by
 * hand, the way GRUB lays them out, then parsed from a malloc'd copy of
 * exactly their size so that AddressSanitizer catches any read past the
 * end. Multiboot2 Specification, "Boot information format".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "boot/multiboot2/mb2.h"

/* A tag list under construction: the 8-byte header, then the tags. */
struct mb2_list {
	uint8_t data[16384];
	uint32_t len;
};

static struct mb2_list list;
static struct boot_info bi;
static char err[160];

static void put32(uint32_t off, uint32_t v)
{
	memcpy(&list.data[off], &v, sizeof(v));
}

static void put64(uint32_t off, uint64_t v)
{
	memcpy(&list.data[off], &v, sizeof(v));
}

static void list_begin(void)
{
	memset(&list, 0, sizeof(list));
	list.len = 8;
}

/* Append a tag of the given payload; returns the tag's offset. Tags start
 * 8-byte aligned ("Boot information format"); the size field does not
 * count the padding. */
static uint32_t tag_add(uint32_t type, const void *payload, uint32_t n)
{
	uint32_t off = list.len;

	put32(off, type);
	put32(off + 4, 8 + n);
	if (n)
		memcpy(&list.data[off + 8], payload, n);
	list.len = (off + 8 + n + 7) & ~7u;
	return off;
}

static uint32_t tag_string(uint32_t type, const char *s)
{
	return tag_add(type, s, (uint32_t)strlen(s) + 1);
}

static uint32_t tag_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t payload[256];
	uint32_t n = (uint32_t)strlen(name) + 1;

	memcpy(payload, &start, 4);
	memcpy(payload + 4, &end, 4);
	memcpy(payload + 8, name, n);
	return tag_add(MB2_TAG_MODULE, payload, 8 + n);
}

/* A memory map tag (entry_size 24, entry_version 0) of `count` entries,
 * filled in with mmap_entry. */
static uint32_t tag_mmap(uint32_t count)
{
	uint32_t off = list.len;

	put32(off, MB2_TAG_MMAP);
	put32(off + 4, 16 + 24 * count);
	put32(off + 8, 24);
	put32(off + 12, 0);
	list.len = off + 16 + 24 * count;
	return off;
}

static void mmap_entry(uint32_t tag, uint32_t i, uint64_t base, uint64_t length,
		       uint32_t type)
{
	uint32_t e = tag + 16 + 24 * i;

	put64(e, base);
	put64(e + 8, length);
	put32(e + 16, type);
}

/* Framebuffer tag in GRUB's layout: the common part is 32 bytes (with a
 * 16-bit reserved field), then the RGB colour info (6 bytes). */
static uint32_t tag_framebuffer(uint8_t fb_type, uint64_t addr, uint32_t pitch,
				uint32_t width, uint32_t height, uint8_t bpp,
				uint32_t size)
{
	uint32_t off = list.len;

	put32(off, MB2_TAG_FRAMEBUFFER);
	put32(off + 4, size);
	put64(off + 8, addr);
	put32(off + 16, pitch);
	put32(off + 20, width);
	put32(off + 24, height);
	list.data[off + 28] = bpp;
	list.data[off + 29] = fb_type;
	list.len = (off + size + 7) & ~7u;
	return off;
}

static void list_end(void)
{
	tag_add(MB2_TAG_END, NULL, 0);
	put32(0, list.len);
}

/* Parse an exact-size heap copy of the list, with max_size its length. */
static int parse(void)
{
	uint8_t *copy = malloc(list.len);
	int ret;

	memcpy(copy, list.data, list.len);
	memset(err, 0, sizeof(err));
	ret = mb2_parse(copy, list.len, &bi, err, sizeof(err));
	free(copy);
	return ret;
}

static void assert_parse_fails(const char *words1, const char *words2)
{
	assert_int_equal(parse(), -1);
	if (!strstr(err, words1) || (words2 && !strstr(err, words2)))
		fail_msg("error \"%s\" does not say \"%s\"%s%s", err, words1,
			 words2 ? " and " : "", words2 ? words2 : "");
}

/* Two RSDPs told apart by their bytes: 20 long for ACPI 1.0, 36 for 2.0+
 * (ACPI, "Root System Description Pointer (RSDP) Structure"). */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
static const char rsdp_v1[RSDP_V1_LEN + 1] = "RSD PTR 111111111111";
static const char rsdp_v2[RSDP_V2_LEN + 1] =
	"RSD PTR 2222222222222222222222222222";

static void test_realistic_list(void **state)
{
	uint32_t mm, fb;

	list_begin();
	tag_string(MB2_TAG_CMDLINE, "hv.elf loglevel=debug");
	tag_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	tag_module(0x200000, 0x200123, "hv.cfg");
	tag_module(0x201000, 0x209000, "hello.elf");
	mm = tag_mmap(6);
	mmap_entry(mm, 0, 0x0, 0x9f000, 1);
	mmap_entry(mm, 1, 0x9f000, 0x61000, 2);
	mmap_entry(mm, 2, 0x100000, 0xfef0000, 1);
	mmap_entry(mm, 3, 0xfff0000, 0x10000, 3);
	mmap_entry(mm, 4, 0xfec00000, 0x1000, 4);
	mmap_entry(mm, 5, 0xfffc0000, 0x40000, 7);
	tag_framebuffer(MB2_FB_TYPE_EGA_TEXT, 0xb8000, 160, 80, 25, 16, 32);
	tag_add(MB2_TAG_ACPI_OLD, rsdp_v1, RSDP_V1_LEN);
	list_end();

	assert_int_equal(parse(), 0);
	assert_int_equal(bi.magic, BOOT_INFO_MAGIC);
	assert_int_equal(bi.firmware, BOOT_FW_MULTIBOOT2);
	assert_string_equal(bi.cmdline, "hv.elf loglevel=debug");
	assert_string_equal(bi.loader_name, "GRUB 2.06");

	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].size, 0x123);
	assert_string_equal(bi.modules[0].name, "hv.cfg");
	assert_int_equal(bi.modules[1].start, 0x201000);
	assert_int_equal(bi.modules[1].size, 0x8000);
	assert_string_equal(bi.modules[1].name, "hello.elf");

	assert_int_equal(bi.mmap_count, 6);
	assert_int_equal(bi.mmap[0].base, 0);
	assert_int_equal(bi.mmap[0].length, 0x9f000);
	assert_int_equal(bi.mmap[0].type, BOOT_MEM_USABLE);
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.mmap[2].base, 0x100000);
	assert_int_equal(bi.mmap[2].length, 0xfef0000);
	assert_int_equal(bi.mmap[2].type, BOOT_MEM_USABLE);
	assert_int_equal(bi.mmap[3].type, BOOT_MEM_ACPI_RECLAIM);
	assert_int_equal(bi.mmap[4].type, BOOT_MEM_ACPI_NVS);
	/* "other values: reserved area" */
	assert_int_equal(bi.mmap[5].base, 0xfffc0000);
	assert_int_equal(bi.mmap[5].length, 0x40000);
	assert_int_equal(bi.mmap[5].type, BOOT_MEM_RESERVED);

	assert_int_equal(bi.fb.type, BOOT_FB_EGA_TEXT);
	assert_int_equal(bi.fb.base, 0xb8000);
	assert_int_equal(bi.fb.width, 80);
	assert_int_equal(bi.fb.height, 25);
	assert_int_equal(bi.fb.pitch, 160);
	assert_int_equal(bi.fb.bpp, 16);

	assert_int_equal(bi.acpi_rsdp_len, 20);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v1, 20);

	/* The same with an RGB framebuffer and a bad-memory entry. */
	list_begin();
	mm = tag_mmap(1);
	mmap_entry(mm, 0, 0x100000, 0x1000, 5);
	fb = tag_framebuffer(MB2_FB_TYPE_RGB, 0xfd000000, 4096, 1024, 768, 32,
			     38);
	list.data[fb + 32] = 16; /* red position, mask size 8 */
	list.data[fb + 33] = 8;
	list.data[fb + 34] = 8; /* green */
	list.data[fb + 35] = 8;
	list.data[fb + 36] = 0; /* blue */
	list.data[fb + 37] = 8;
	list_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.mmap[0].type, BOOT_MEM_BAD);
	assert_int_equal(bi.fb.type, BOOT_FB_RGB);
	assert_int_equal(bi.fb.base, 0xfd000000);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.pitch, 4096);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.red_shift, 16);
	assert_int_equal(bi.fb.green_shift, 8);
	assert_int_equal(bi.fb.blue_shift, 0);
	/* Nothing given, nothing filled in. */
	assert_int_equal(bi.module_count, 0);
	assert_int_equal(bi.acpi_rsdp_len, 0);
	assert_string_equal(bi.cmdline, "");
}

static void test_acpi_new_rsdp_preferred_in_either_order(void **state)
{
	list_begin();
	tag_add(MB2_TAG_ACPI_OLD, rsdp_v1, RSDP_V1_LEN);
	tag_add(MB2_TAG_ACPI_NEW, rsdp_v2, RSDP_V2_LEN);
	list_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.acpi_rsdp_len, 36);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v2, 36);

	list_begin();
	tag_add(MB2_TAG_ACPI_NEW, rsdp_v2, RSDP_V2_LEN);
	tag_add(MB2_TAG_ACPI_OLD, rsdp_v1, RSDP_V1_LEN);
	list_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.acpi_rsdp_len, 36);
	assert_memory_equal(bi.acpi_rsdp, rsdp_v2, 36);
}

static void test_unknown_tags_are_skipped(void **state)
{
	static const uint8_t odd[13] = "thirteen byte";
	uint32_t fb;

	list_begin();
	tag_add(4, odd, 8);	  /* basic meminfo */
	tag_add(21, odd, 4);	  /* image load base address */
	tag_add(0x1234, odd, 13); /* unknown, size not a multiple of 8 */
	tag_add(MB2_TAG_END + 99, NULL, 0);
	fb = tag_framebuffer(0, 0xa0000, 320, 320, 200, 8, 32 + 2);
	list.data[fb + 32] = 0; /* indexed colour: palette of 0 entries */
	tag_string(MB2_TAG_CMDLINE, "after the unknown ones");
	list_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "after the unknown ones");
	/* An indexed-colour framebuffer is of no use to the console. */
	assert_int_equal(bi.fb.type, BOOT_FB_NONE);
}

static void test_total_size_too_small(void **state)
{
	list_begin();
	list_end();
	put32(0, 8); /* only the header: not even room for the end tag */
	assert_parse_fails("size 8", "invalid");

	/* Less than 16 readable bytes at all. */
	memset(err, 0, sizeof(err));
	assert_int_equal(mb2_parse(list.data, 12, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too small"));
}

static void test_total_size_beyond_max(void **state)
{
	list_begin();
	tag_string(MB2_TAG_CMDLINE, "x");
	list_end();
	put32(0, list.len + 8);
	assert_parse_fails("size", "invalid");
}

static void test_no_end_tag(void **state)
{
	list_begin();
	tag_string(MB2_TAG_CMDLINE, "no end");
	put32(0, list.len);
	assert_parse_fails("no end tag", NULL);
}

static void test_tag_size_past_the_end(void **state)
{
	uint32_t t;

	list_begin();
	t = tag_string(MB2_TAG_CMDLINE, "hv");
	list_end();
	put32(t + 4, list.len - t + 1);
	assert_parse_fails("bad size", NULL);
}

static void test_tag_size_below_header(void **state)
{
	uint32_t t;

	list_begin();
	t = tag_add(0x77, NULL, 0);
	list_end();
	put32(t + 4, 4);
	assert_parse_fails("bad size 4", NULL);
	/* A zero size would otherwise loop on the same tag forever. */
	put32(t + 4, 0);
	assert_parse_fails("bad size 0", NULL);
}

static void test_module_end_before_start(void **state)
{
	list_begin();
	tag_module(0x300000, 0x2ff000, "backwards");
	list_end();
	assert_parse_fails("module ends (0x2ff000) before it starts (0x300000)",
			   NULL);
}

static void test_module_tag_too_short(void **state)
{
	static const uint32_t start_only[1] = {0x200000};

	list_begin();
	tag_add(MB2_TAG_MODULE, start_only, sizeof(start_only));
	list_end();
	assert_parse_fails("module tag too short", NULL);
}

static void test_module_name_truncated(void **state)
{
	char name[200];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	list_begin();
	tag_module(0x200000, 0x201000, name);
	list_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(strlen(bi.modules[0].name), BOOT_NAME_MAX - 1);
	assert_memory_equal(bi.modules[0].name, name, BOOT_NAME_MAX - 1);
}

static void test_mmap_bad_entry_size(void **state)
{
	static const uint32_t bad[] = {0, 12, 28};
	uint32_t mm;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char words[40];

		list_begin();
		mm = tag_mmap(2);
		put32(mm + 8, bad[i]);
		list_end();
		snprintf(words, sizeof(words), "entry size %u is invalid",
			 bad[i]);
		assert_parse_fails(words, NULL);
	}

	/* A larger entry (a later version of the format) is stepped over
	 * whole: 2 entries of 32 bytes. */
	list_begin();
	mm = tag_mmap(0);
	put32(mm + 4, 16 + 2 * 32);
	put32(mm + 8, 32);
	put64(mm + 16, 0x100000);
	put64(mm + 24, 0x1000);
	put32(mm + 32, 1);
	put64(mm + 48, 0x200000);
	put64(mm + 56, 0x2000);
	put32(mm + 64, 2);
	list.len = mm + 16 + 2 * 32;
	list_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.mmap_count, 2);
	assert_int_equal(bi.mmap[1].base, 0x200000);
	assert_int_equal(bi.mmap[1].length, 0x2000);
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_RESERVED);
}

static void test_too_many_modules(void **state)
{
	list_begin();
	for (int i = 0; i < BOOT_MODULES_MAX; i++)
		tag_module(0x200000 + i * 0x1000, 0x201000 + i * 0x1000, "m");
	list_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.module_count, BOOT_MODULES_MAX);

	list_begin();
	for (int i = 0; i < BOOT_MODULES_MAX + 1; i++)
		tag_module(0x200000 + i * 0x1000, 0x201000 + i * 0x1000, "m");
	list_end();
	assert_parse_fails("more than 16 boot modules", NULL);
}

static void test_too_many_mmap_entries(void **state)
{
	uint32_t mm;

	list_begin();
	mm = tag_mmap(BOOT_MMAP_MAX);
	for (uint32_t i = 0; i < BOOT_MMAP_MAX; i++)
		mmap_entry(mm, i, i * 0x1000ULL, 0x1000, 1);
	list_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.mmap_count, BOOT_MMAP_MAX);
	assert_int_equal(bi.mmap[BOOT_MMAP_MAX - 1].base,
			 (BOOT_MMAP_MAX - 1) * 0x1000ULL);

	list_begin();
	mm = tag_mmap(BOOT_MMAP_MAX + 1);
	for (uint32_t i = 0; i < BOOT_MMAP_MAX + 1; i++)
		mmap_entry(mm, i, i * 0x1000ULL, 0x1000, 1);
	list_end();
	assert_parse_fails("more than 256 memory map entries", NULL);
}

static void test_framebuffer_too_short(void **state)
{
	list_begin();
	tag_framebuffer(MB2_FB_TYPE_RGB, 0xfd000000, 4096, 1024, 768, 32, 34);
	list_end();
	assert_parse_fails("RGB framebuffer tag too short (34 bytes)", NULL);

	list_begin();
	tag_framebuffer(MB2_FB_TYPE_EGA_TEXT, 0xb8000, 160, 80, 25, 16, 24);
	list_end();
	assert_parse_fails("framebuffer tag too short (24 bytes)", NULL);
}

/* A command line that fills its tag without a terminator, in the last
 * bytes of the buffer: the parser must stop at the tag's end (ASan
 * reports a read past the malloc'd copy). No end tag can follow it. */
static void test_cmdline_unterminated_at_buffer_end(void **state)
{
	uint32_t t;

	list_begin();
	t = tag_add(MB2_TAG_CMDLINE, "abcde", 5);
	list.len = t + 8 + 5;
	put32(0, list.len);
	assert_parse_fails("no end tag", NULL);
	assert_string_equal(bi.cmdline, "abcde");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_realistic_list),
		cmocka_unit_test(test_acpi_new_rsdp_preferred_in_either_order),
		cmocka_unit_test(test_unknown_tags_are_skipped),
		cmocka_unit_test(test_total_size_too_small),
		cmocka_unit_test(test_total_size_beyond_max),
		cmocka_unit_test(test_no_end_tag),
		cmocka_unit_test(test_tag_size_past_the_end),
		cmocka_unit_test(test_tag_size_below_header),
		cmocka_unit_test(test_module_end_before_start),
		cmocka_unit_test(test_module_tag_too_short),
		cmocka_unit_test(test_module_name_truncated),
		cmocka_unit_test(test_mmap_bad_entry_size),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_too_many_mmap_entries),
		cmocka_unit_test(test_framebuffer_too_short),
		cmocka_unit_test(test_cmdline_unterminated_at_buffer_end),
	};
	return cmocka_run_group_tests_name("mb2", tests, NULL, NULL);
}
