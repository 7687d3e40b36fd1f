/*
 * tests/unit/test_load_multiboot.c - vmx/load_multiboot.c and
 * vmx/multiboot_info.c on the host: ELF32 and ELF64 kernels with
 * Multiboot and Multiboot2 headers and an a.out-kludge image, built in
 * memory and loaded into a malloc'd guest RAM; the boot information is
 * parsed back field by field. Then damaged images, and the real test
 * guests from build/guests/.
 */
#include <elf.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "vmx/load_multiboot.h"
#include "vmx/multiboot.h"

#define RAM_SIZE (4 * 1024 * 1024)
#define FILL	 0xcc /* guest RAM before the load */
#define SEG_OFF	 0x1000

static uint8_t image[256 * 1024];
static size_t image_size;
static struct guest_mem mem;
static struct mb_boot_state bs;
static char err[256];

struct seg {
	uint64_t paddr, vaddr, filesz, memsz;
	uint64_t offset; /* 0: SEG_OFF + 0x1000 * index */
};

static int setup(void **state)
{
	memset(image, 0, sizeof(image));
	image_size = 0;
	mem.size = RAM_SIZE;
	mem.base = malloc(RAM_SIZE);
	memset(mem.base, FILL, RAM_SIZE);
	memset(&bs, 0, sizeof(bs));
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	free(mem.base);
	return 0;
}

/* A fresh guest RAM and image within one test. */
static void reset(void **state)
{
	teardown(state);
	setup(state);
}

static void put(size_t off, const void *p, size_t n)
{
	memcpy(image + off, p, n);
	image_size = MAX(image_size, off + n);
}

/* A recognisable byte for file offset OFF. */
static uint8_t file_byte(size_t off)
{
	return (uint8_t)(off * 7 + 3);
}

static uint64_t seg_offset(const struct seg *s, unsigned i)
{
	return s->offset ? s->offset : SEG_OFF + 0x1000 * i;
}

static void build_elf(int cls, uint64_t entry, const struct seg *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t off = seg_offset(&s[i], i);

		for (uint64_t k = 0; k < s[i].filesz; k++)
			image[off + k] = file_byte(off + k);
		image_size = MAX(image_size, off + s[i].filesz);
	}
	if (cls == 32) {
		Elf32_Ehdr eh = {.e_ident = {0x7f, 'E', 'L', 'F', ELFCLASS32,
					     ELFDATA2LSB, EV_CURRENT},
				 .e_type = ET_EXEC,
				 .e_machine = EM_386,
				 .e_version = EV_CURRENT,
				 .e_entry = (uint32_t)entry,
				 .e_phoff = sizeof(Elf32_Ehdr),
				 .e_ehsize = sizeof(Elf32_Ehdr),
				 .e_phentsize = sizeof(Elf32_Phdr),
				 .e_phnum = (uint16_t)n};
		put(0, &eh, sizeof(eh));
		for (unsigned i = 0; i < n; i++) {
			Elf32_Phdr ph = {PT_LOAD,
					 (uint32_t)seg_offset(&s[i], i),
					 (uint32_t)s[i].vaddr,
					 (uint32_t)s[i].paddr,
					 (uint32_t)s[i].filesz,
					 (uint32_t)s[i].memsz,
					 PF_R | PF_X,
					 0x1000};
			put(sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		}
	} else {
		Elf64_Ehdr eh = {.e_ident = {0x7f, 'E', 'L', 'F', ELFCLASS64,
					     ELFDATA2LSB, EV_CURRENT},
				 .e_type = ET_EXEC,
				 .e_machine = EM_X86_64,
				 .e_version = EV_CURRENT,
				 .e_entry = entry,
				 .e_phoff = sizeof(Elf64_Ehdr),
				 .e_ehsize = sizeof(Elf64_Ehdr),
				 .e_phentsize = sizeof(Elf64_Phdr),
				 .e_phnum = (uint16_t)n};
		put(0, &eh, sizeof(eh));
		for (unsigned i = 0; i < n; i++) {
			Elf64_Phdr ph = {
				PT_LOAD,    PF_R | PF_X, seg_offset(&s[i], i),
				s[i].vaddr, s[i].paddr,	 s[i].filesz,
				s[i].memsz, 0x1000};
			put(sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		}
	}
}

/* A Multiboot v1 header at OFF; EXTRA are the a.out-kludge fields. */
static void mb1_header(size_t off, uint32_t flags, const uint32_t *extra,
		       unsigned nextra)
{
	uint32_t h[3] = {MB1_HEADER_MAGIC, flags, -(MB1_HEADER_MAGIC + flags)};

	put(off, h, sizeof(h));
	if (nextra)
		put(off + sizeof(h), extra, nextra * 4);
}

/* A Multiboot2 header at OFF with TAGS (8-aligned) and an end tag. */
static void mb2_header(size_t off, const void *tags, size_t len)
{
	uint32_t total = 16 + len + 8;
	uint32_t h[4] = {MB2_HEADER_MAGIC, 0, total,
			 -(MB2_HEADER_MAGIC + total)};
	uint32_t end[2] = {0, 8};

	put(off, h, sizeof(h));
	if (len)
		put(off + 16, tags, len);
	put(off + 16 + len, end, sizeof(end));
}

static int load(const char *cmdline, const struct mb_module *mods,
		unsigned nmods)
{
	return mb_load(image, image_size, cmdline, mods, nmods, &mem, &bs, err,
		       sizeof(err));
}

static uint32_t g32(uint64_t gpa)
{
	uint32_t v;

	assert_true(gpa + 4 <= mem.size);
	memcpy(&v, mem.base + gpa, 4);
	return v;
}

static uint64_t g64(uint64_t gpa)
{
	return g32(gpa) | (uint64_t)g32(gpa + 4) << 32;
}

static const char *gstr(uint64_t gpa)
{
	assert_true(gpa < mem.size);
	assert_non_null(memchr(mem.base + gpa, 0, mem.size - gpa));
	return (const char *)mem.base + gpa;
}

/* The segment's file bytes landed at its physical address. */
static void assert_loaded(uint64_t paddr, uint64_t off, uint64_t len)
{
	for (uint64_t k = 0; k < len; k++)
		assert_int_equal(mem.base[paddr + k], file_byte(off + k));
}

static void assert_zero(uint64_t gpa, uint64_t len)
{
	for (uint64_t k = 0; k < len; k++)
		assert_int_equal(mem.base[gpa + k], 0);
}

/* The nth (from 0) Multiboot2 information tag of TYPE; 0 if none. */
static uint64_t mb2_tag(uint32_t type, unsigned nth)
{
	uint32_t total = g32(bs.ebx);

	for (uint64_t at = bs.ebx + 8; at < bs.ebx + total;
	     at += (g32(at + 4) + 7) & ~7u) {
		assert_true(g32(at + 4) >= 8);
		if (g32(at) == type && nth-- == 0)
			return at;
		if (g32(at) == MB2_ITAG_END)
			break;
	}
	return 0;
}

static const struct seg two_segs[] = {
	{0x100000, 0x100000, 0x300, 0x300, 0},
	{0x101000, 0x101000, 0x20, 0x1800, 0}, /* bss 0x101020-0x102800 */
};

static const char mod_a[] = "module A bytes";
static uint8_t mod_b[5000];

static const struct mb_module mods[] = {
	{mod_a, sizeof(mod_a), "mod-a arg=1"},
	{mod_b, sizeof(mod_b), NULL},
};

/* Memory map every VM gets with RAM_SIZE: base, length, type. */
static const uint64_t expected_mmap[3][3] = {
	{0, 0xa0000, MB_MEMORY_AVAILABLE},
	{0xa0000, 0x60000, MB_MEMORY_RESERVED},
	{0x100000, RAM_SIZE - 0x100000, MB_MEMORY_AVAILABLE},
};

static void test_elf32_multiboot2(void **state)
{
	for (size_t i = 0; i < sizeof(mod_b); i++)
		mod_b[i] = (uint8_t)(i ^ 0x5a);
	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x200, NULL, 0);
	assert_int_equal(load("console=ttyS0 iterations=5", mods, 2), 0);
	assert_int_equal(bs.eax, MB2_BOOTLOADER_MAGIC);
	assert_int_equal(bs.entry, 0x100010);
	assert_int_equal(bs.ebx, 0x103000); /* the page above the bss */
	assert_loaded(0x100000, 0x1000, 0x300);
	assert_loaded(0x101000, 0x2000, 0x20);
	assert_zero(0x101020, 0x17e0);
	assert_int_equal(mem.base[0x102800], FILL); /* nothing past the bss */
	assert_int_equal(mem.base[0x100300], FILL); /* nor between segments */

	uint64_t t = mb2_tag(MB2_ITAG_CMDLINE, 0);
	assert_true(t);
	assert_string_equal(gstr(t + 8), "console=ttyS0 iterations=5");
	assert_string_equal(gstr(mb2_tag(MB2_ITAG_LOADER_NAME, 0) + 8), "hv");
	t = mb2_tag(MB2_ITAG_BASIC_MEMINFO, 0);
	assert_int_equal(g32(t + 4), 16);
	assert_int_equal(g32(t + 8), 640);
	assert_int_equal(g32(t + 12), (RAM_SIZE - 0x100000) / 1024);

	t = mb2_tag(MB2_ITAG_MMAP, 0);
	assert_int_equal(g32(t + 4), 16 + 3 * 24);
	assert_int_equal(g32(t + 8), 24);
	assert_int_equal(g32(t + 12), 0);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(g64(t + 16 + 24 * i), expected_mmap[i][0]);
		assert_int_equal(g64(t + 24 + 24 * i), expected_mmap[i][1]);
		assert_int_equal(g32(t + 32 + 24 * i), expected_mmap[i][2]);
	}

	uint64_t m0 = mb2_tag(MB2_ITAG_MODULE, 0);
	uint64_t m1 = mb2_tag(MB2_ITAG_MODULE, 1);
	assert_true(m0 && m1);
	assert_int_equal(mb2_tag(MB2_ITAG_MODULE, 2), 0);
	assert_string_equal(gstr(m0 + 16), "mod-a arg=1");
	assert_string_equal(gstr(m1 + 16), "");
	uint32_t s0 = g32(m0 + 8), s1 = g32(m1 + 8);
	assert_int_equal(g32(m0 + 12) - s0, sizeof(mod_a));
	assert_int_equal(g32(m1 + 12) - s1, sizeof(mod_b));
	assert_memory_equal(mem.base + s0, mod_a, sizeof(mod_a));
	assert_memory_equal(mem.base + s1, mod_b, sizeof(mod_b));
	/* modules after the information, inside RAM, apart */
	assert_true(s0 >= bs.ebx + g32(bs.ebx));
	assert_true(s1 >= s0 + sizeof(mod_a));
	assert_true(g32(m1 + 12) <= RAM_SIZE);
	assert_int_equal(s0 % 8, 0);
	assert_int_equal(s1 % 8, 0);
	assert_true(mb2_tag(MB2_ITAG_END, 0));
	assert_int_equal(bs.ebx % 8, 0);
}

static void test_elf64_multiboot1(void **state)
{
	/* Linked high, loaded low: the entry moves with its segment. */
	const struct seg s[] = {
		{0x200000, 0xffffffff80200000, 0x400, 0x2000, 0},
	};

	build_elf(64, 0xffffffff80200040, s, 1);
	mb1_header(0x400, MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO, NULL, 0);
	assert_int_equal(load(NULL, mods, 2), 0);
	assert_int_equal(bs.eax, MB1_BOOTLOADER_MAGIC);
	assert_int_equal(bs.entry, 0x200040);
	assert_loaded(0x200000, 0x1000, 0x400);
	assert_zero(0x200400, 0x1c00);
	assert_int_equal(bs.ebx, 0x202000);

	struct mb1_info info;
	memcpy(&info, mem.base + bs.ebx, sizeof(info));
	assert_int_equal(info.flags, MB1_INFO_MEMORY | MB1_INFO_CMDLINE |
					     MB1_INFO_MODS | MB1_INFO_MMAP |
					     MB1_INFO_LOADER_NAME);
	assert_int_equal(info.mem_lower, 640);
	assert_int_equal(info.mem_upper, 3072);
	assert_string_equal(gstr(info.cmdline), "");
	assert_string_equal(gstr(info.boot_loader_name), "hv");
	assert_int_equal(info.mmap_length, 3 * 24);
	for (unsigned i = 0; i < 3; i++) {
		uint64_t e = info.mmap_addr + 24 * i;

		assert_int_equal(g32(e), 20);
		assert_int_equal(g64(e + 4), expected_mmap[i][0]);
		assert_int_equal(g64(e + 12), expected_mmap[i][1]);
		assert_int_equal(g32(e + 20), expected_mmap[i][2]);
	}
	assert_int_equal(info.mods_count, 2);
	struct mb1_module m[2];
	memcpy(m, mem.base + info.mods_addr, sizeof(m));
	assert_string_equal(gstr(m[0].string), "mod-a arg=1");
	assert_string_equal(gstr(m[1].string), "");
	assert_int_equal(m[0].mod_end - m[0].mod_start, sizeof(mod_a));
	assert_memory_equal(mem.base + m[1].mod_start, mod_b, sizeof(mod_b));
	/* flag bit 0: both modules on page boundaries */
	assert_int_equal(m[0].mod_start % 4096, 0);
	assert_int_equal(m[1].mod_start % 4096, 0);
	assert_true(m[0].mod_start > bs.ebx);
}

/* Without v1 flag bit 0 (or the v2 tag) modules need not be aligned:
 * the second follows the first at the next 8-byte boundary. */
static void test_module_alignment_on_request(void **state)
{
	static const char small[5] = "1234";
	const struct mb_module two[] = {{small, 5, "a"}, {small, 5, "b"}};
	const uint32_t align_tag[2] = {MB2_HTAG_MODULE_ALIGN, 8};

	build_elf(32, 0x100010, two_segs, 2);
	mb1_header(0x400, 0, NULL, 0);
	assert_int_equal(load("", two, 2), 0);
	struct mb1_info info;
	memcpy(&info, mem.base + bs.ebx, sizeof(info));
	struct mb1_module m[2];
	memcpy(m, mem.base + info.mods_addr, sizeof(m));
	assert_int_equal(m[1].mod_start, m[0].mod_start + 8);

	reset(state);
	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x400, align_tag, sizeof(align_tag));
	assert_int_equal(load("", two, 2), 0);
	uint64_t t0 = mb2_tag(MB2_ITAG_MODULE, 0);
	uint64_t t1 = mb2_tag(MB2_ITAG_MODULE, 1);
	assert_int_equal(g32(t0 + 8) % 4096, 0);
	assert_int_equal(g32(t1 + 8), g32(t0 + 8) + 4096);
}

static void test_prefers_multiboot2(void **state)
{
	build_elf(32, 0x100010, two_segs, 2);
	mb1_header(0x100, 0, NULL, 0);
	mb2_header(0x400, NULL, 0);
	assert_int_equal(load("", NULL, 0), 0);
	assert_int_equal(bs.eax, MB2_BOOTLOADER_MAGIC);
}

static void test_mb2_entry_tag(void **state)
{
	const uint32_t entry_tag[4] = {MB2_HTAG_ENTRY, 12, 0x100200, 0};

	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x400, entry_tag, sizeof(entry_tag));
	assert_int_equal(load("", NULL, 0), 0);
	assert_int_equal(bs.entry, 0x100200);
}

/* header at file offset 0x40, loaded at 0x100040; 0x800 bytes of text
 * and data, bss to 0x102800, entry at 0x100080. */
static void build_kludge(uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	uint32_t f[5] = {0x100040, 0x100000, load_end, bss_end, entry};

	for (size_t k = 0; k < 0x900; k++)
		image[k] = file_byte(k);
	image_size = 0x900;
	mb1_header(0x40, MB1_HF_AOUT_KLUDGE, f, 5);
}

static void test_aout_kludge(void **state)
{
	build_kludge(0x100800, 0x102800, 0x100080);
	assert_int_equal(load("k", NULL, 0), 0);
	assert_int_equal(bs.eax, MB1_BOOTLOADER_MAGIC);
	assert_int_equal(bs.entry, 0x100080);
	assert_int_equal(g32(0x100040), MB1_HEADER_MAGIC);
	assert_loaded(0x100060, 0x60, 0x800 - 0x60); /* after the header */
	assert_zero(0x100800, 0x2000);
	assert_int_equal(mem.base[0x102800], FILL);
	assert_int_equal(bs.ebx, 0x103000);
	struct mb1_info info;
	memcpy(&info, mem.base + bs.ebx, sizeof(info));
	assert_string_equal(gstr(info.cmdline), "k");
}

static void test_aout_kludge_load_to_file_end(void **state)
{
	build_kludge(0, 0, 0x100080);
	assert_int_equal(load("", NULL, 0), 0);
	assert_loaded(0x100000 + 0x60, 0x60, 0x900 - 0x60);
	assert_int_equal(mem.base[0x100900], FILL);
	assert_int_equal(bs.ebx, 0x101000);
}

static void test_aout_kludge_errors(void **state)
{
	build_kludge(0x0ff000, 0, 0x100080);
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "a.out kludge: load_end_addr 0xff000 is "
				 "below load_addr 0x100000");
	build_kludge(0x100800, 0x100400, 0x100080);
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "bss_end_addr 0x100400 is below"));
	build_kludge(0x100800, 0, 0x100900);
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "entry_addr 0x100900 is not inside"));
	build_kludge(0x101000, 0, 0x100080); /* more than the file holds */
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "truncated?"));
	build_kludge(0x100800, 0, 0x100080);
	uint32_t before_file = 0x100000 - 0x100; /* load_addr too low */
	put(0x40 + 16, &before_file, 4);
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "outside the image"));
}

static void test_no_header(void **state)
{
	build_elf(32, 0x100010, two_segs, 2);
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(
		strstr(err, "no Multiboot2 header in the first 32 KiB"));
}

static void test_bad_checksums(void **state)
{
	uint32_t bad = 1;

	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x400, NULL, 0);
	put(0x400 + 12, &bad, 4);
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "Multiboot2 header at offset 0x400 has a bad "
				 "checksum");
	reset(state);
	build_elf(32, 0x100010, two_segs, 2);
	mb1_header(0x204, 0, NULL, 0);
	put(0x204 + 8, &bad, 4);
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "Multiboot header at offset 0x204 has a bad "
				 "checksum");
}

static void test_header_too_far(void **state)
{
	const struct seg far[] = {{0x100000, 0x100000, 0x100, 0x100, 0x9000}};

	build_elf(32, 0x100010, far, 1);
	mb1_header(0x2000, 0, NULL, 0); /* 8 KiB: one word too far */
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "Multiboot header at offset 0x2000 lies "
				    "beyond the first 8 KiB"));
	mb1_header(0x1ff4, 0, NULL, 0); /* the last place it fits */
	assert_int_equal(load("", NULL, 0), 0);

	reset(state);
	build_elf(32, 0x100010, far, 1);
	mb2_header(0x8000, NULL, 0);
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "Multiboot2 header at offset 0x8000 lies "
				    "beyond the first 32 KiB"));
}

static void test_segment_outside_ram(void **state)
{
	const struct seg s[] = {{0x3ff000, 0x3ff000, 0x100, 0x2000, 0}};
	const struct seg hole[] = {{0xb8000, 0xb8000, 0x100, 0x100, 0}};

	build_elf(32, 0x3ff010, s, 1);
	mb2_header(0x400, NULL, 0);
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "ELF segment 0 at 0x3ff000-0x401000 lies "
				 "outside the VM's RAM (4096 KiB: "
				 "0x0-0x400000)");
	reset(state);
	build_elf(32, 0xb8010, hole, 1);
	mb2_header(0x400, NULL, 0);
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "overlaps the reserved range"));
}

static void test_truncated_elf(void **state)
{
	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x400, NULL, 0);
	image_size = 0x2010; /* segment 1 wants 0x2000+0x20 */
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "ELF segment 1: bytes 0x2000+0x20 lie beyond "
				 "the end of the image (8208 bytes); "
				 "truncated?");
	image_size = 0x500; /* no segment bytes at all */
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "ELF segment 0"));
	uint16_t phnum = 40; /* the table runs past the end */
	put(44, &phnum, 2);
	image_size = 0x500;
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "program header table at 0x34"));
}

static void test_filesz_above_memsz(void **state)
{
	const struct seg s[] = {{0x100000, 0x100000, 0x300, 0x200, 0}};

	build_elf(64, 0x100010, s, 1);
	mb2_header(0x400, NULL, 0);
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "ELF segment 0: file size 0x300 exceeds its "
				 "memory size 0x200");
}

static void test_entry_outside_segments(void **state)
{
	build_elf(32, 0x180000, two_segs, 2);
	mb2_header(0x400, NULL, 0);
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "entry point 0x180000 is not inside a loaded "
				 "segment");
}

static void test_no_room_for_boot_info(void **state)
{
	const struct mb_module big = {mod_b, sizeof(mod_b), "big"};

	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x400, NULL, 0);
	mem.size = 0x104000; /* kernel to 0x102800, one page for info */
	assert_int_equal(load("", &big, 1), -1);
	assert_non_null(strstr(err, "boot information and 1 modules need "
				    "0x103000-0x"));
	assert_non_null(strstr(err, "beyond the end of the VM's RAM (1040 "
				    "KiB)"));
	assert_int_equal(load("", NULL, 0), 0); /* without it, it fits */
}

static void test_v2_info_requests(void **state)
{
	uint32_t req[4] = {MB2_HTAG_INFO_REQUEST, 16, MB2_ITAG_MMAP, 8};

	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x400, req, sizeof(req));
	assert_int_equal(load("", NULL, 0), -1);
	assert_string_equal(err, "the kernel requires boot information tag "
				 "type 8 (framebuffer info), which VMs are "
				 "not given");
	req[0] |= MB2_HTAG_OPTIONAL << 16; /* the same, optional */
	mb2_header(0x400, req, sizeof(req));
	assert_int_equal(load("", NULL, 0), 0);
	req[0] = MB2_HTAG_INFO_REQUEST;
	req[3] = MB2_ITAG_CMDLINE; /* mmap and cmdline: both given */
	mb2_header(0x400, req, sizeof(req));
	assert_int_equal(load("", NULL, 0), 0);
}

static void test_unknown_requirements(void **state)
{
	uint32_t tag[2] = {42, 8};

	build_elf(32, 0x100010, two_segs, 2);
	mb2_header(0x400, tag, sizeof(tag));
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "header tag type 42 (unknown)"));
	tag[0] |= MB2_HTAG_OPTIONAL << 16;
	mb2_header(0x400, tag, sizeof(tag));
	assert_int_equal(load("", NULL, 0), 0);

	reset(state);
	build_elf(32, 0x100010, two_segs, 2);
	mb1_header(0x400, BIT(5) | MB1_HF_VIDEO_MODE, NULL, 0);
	assert_int_equal(load("", NULL, 0), -1);
	assert_non_null(strstr(err, "requires features 0x20"));
	mb1_header(0x400, MB1_HF_VIDEO_MODE | BIT(20), NULL, 0);
	assert_int_equal(load("", NULL, 0), 0); /* a request; bit 20 optional */
}

/* The real guests: each loads, starts at its ELF entry, and finds its
 * command line (hello-mb1.elf in Multiboot information, the others in
 * Multiboot2 information). */
static void load_guest_file(const char *path)
{
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	image_size = fread(image, 1, sizeof(image), f);
	assert_true(feof(f)); /* the whole file fits the buffer */
	fclose(f);
}

static void test_real_guests(void **state)
{
	glob_t g;
	bool hello = false;

	assert_int_equal(glob("build/guests/*.elf", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 10);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		Elf32_Ehdr eh;
		Elf32_Phdr ph;

		reset(state);
		load_guest_file(g.gl_pathv[i]);
		hello |= strstr(g.gl_pathv[i], "/hello.elf") != NULL;
		memcpy(&eh, image, sizeof(eh));
		memcpy(&ph, image + eh.e_phoff, sizeof(ph));
		if (load("iterations=5", NULL, 0) != 0)
			fail_msg("%s: %s", g.gl_pathv[i], err);
		assert_int_equal(bs.entry, eh.e_entry);
		assert_int_equal(ph.p_paddr, 0x100000);
		assert_memory_equal(mem.base + ph.p_paddr, image + ph.p_offset,
				    ph.p_filesz);
		if (strstr(g.gl_pathv[i], "-mb1.elf")) { /* Multiboot (v1) */
			struct mb1_info info;

			assert_int_equal(bs.eax, MB1_BOOTLOADER_MAGIC);
			memcpy(&info, mem.base + bs.ebx, sizeof(info));
			assert_string_equal(gstr(info.cmdline), "iterations=5");
			continue;
		}
		assert_int_equal(bs.eax, MB2_BOOTLOADER_MAGIC);
		assert_string_equal(gstr(mb2_tag(MB2_ITAG_CMDLINE, 0) + 8),
				    "iterations=5");
	}
	globfree(&g);
	assert_true(hello);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_elf32_multiboot2),
		T(test_elf64_multiboot1),
		T(test_module_alignment_on_request),
		T(test_prefers_multiboot2),
		T(test_mb2_entry_tag),
		T(test_aout_kludge),
		T(test_aout_kludge_load_to_file_end),
		T(test_aout_kludge_errors),
		T(test_no_header),
		T(test_bad_checksums),
		T(test_header_too_far),
		T(test_segment_outside_ram),
		T(test_truncated_elf),
		T(test_filesz_above_memsz),
		T(test_entry_outside_segments),
		T(test_no_room_for_boot_info),
		T(test_v2_info_requests),
		T(test_unknown_requirements),
		T(test_real_guests),
	};
	return cmocka_run_group_tests_name("load_multiboot", tests, NULL, NULL);
}
