/*
 * tests/unit/test_efi_elf.c - boot/efi/elf_check.c, the UEFI loader's
 * validation of hv.elf, on the host, with a hand-built image and damaged
 * copies of it.
 */
#include <elf.h>
#include <string.h>
#include "tests/unit/support.h"
#include "boot/efi/elf_check.h"

/* A header, two program headers, then a text and a data segment. */
static struct {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t text[64];
	uint8_t data[16];
} image;

static struct elf_image img;
static char err[160];

static int setup(void **state)
{
	memset(&image, 0, sizeof(image));
	memcpy(image.eh.e_ident, ELFMAG, SELFMAG);
	image.eh.e_ident[EI_CLASS] = ELFCLASS64;
	image.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	image.eh.e_ident[EI_VERSION] = EV_CURRENT;
	image.eh.e_type = ET_EXEC;
	image.eh.e_machine = EM_X86_64;
	image.eh.e_entry = 0x200010;
	image.eh.e_phoff = offsetof(__typeof__(image), ph);
	image.eh.e_phentsize = sizeof(Elf64_Phdr);
	image.eh.e_phnum = 2;
	image.ph[0] = (Elf64_Phdr){
		PT_LOAD,  PF_R | PF_X, offsetof(__typeof__(image), text),
		0x200000, 0x200000,    64,
		64,	  4096};
	image.ph[1] = (Elf64_Phdr){
		PT_LOAD,  PF_R | PF_W, offsetof(__typeof__(image), data),
		0x201000, 0x201000,    16,
		0x3000,	  4096};
	return 0;
}

static int check(size_t size)
{
	err[0] = '\0';
	return elf_check(&image, size, &img, err, sizeof(err));
}

static void test_valid_image(void **state)
{
	assert_int_equal(check(sizeof(image)), 0);
	assert_int_equal(img.entry, 0x200010);
	assert_int_equal(img.count, 2);
	assert_true(img.seg[0].exec);
	assert_int_equal(img.seg[1].paddr, 0x201000);
	assert_int_equal(img.seg[1].memsz, 0x3000);
	assert_int_equal(img.seg[1].filesz, 16);
	assert_false(img.seg[1].exec);
}

static void test_not_elf(void **state)
{
	memcpy(&image, "This text file stands in for hv.elf", 36);
	assert_int_equal(check(sizeof(image)), -1);
	assert_string_equal(err, "not an ELF64 x86-64 executable");
	assert_int_equal(check(10), -1);
	assert_non_null(strstr(err, "only 10 bytes"));
}

static void test_wrong_class_machine_or_type(void **state)
{
	image.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(check(sizeof(image)), -1);
	setup(state);
	image.eh.e_machine = EM_AARCH64;
	assert_int_equal(check(sizeof(image)), -1);
	setup(state);
	image.eh.e_type = ET_DYN;
	assert_int_equal(check(sizeof(image)), -1);
	assert_string_equal(err, "not an ELF64 x86-64 executable");
}

static void test_truncated_file(void **state)
{
	assert_int_equal(check(offsetof(__typeof__(image), data) + 8), -1);
	assert_non_null(strstr(err, "segment 1"));
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal(check(sizeof(Elf64_Ehdr) + 8), -1);
	assert_non_null(strstr(err, "program header table"));
}

static void test_phdr_table_offset_overflow(void **state)
{
	image.eh.e_phoff = ~0ULL - 8;
	assert_int_equal(check(sizeof(image)), -1);
	setup(state);
	image.ph[1].p_offset = ~0ULL - 4;
	assert_int_equal(check(sizeof(image)), -1);
	setup(state);
	image.eh.e_phentsize = 32;
	assert_int_equal(check(sizeof(image)), -1);
}

static void test_bad_segments(void **state)
{
	image.ph[1].p_filesz = 0x4000; /* more than memsz */
	assert_int_equal(check(sizeof(image)), -1);
	assert_non_null(strstr(err, "exceeds"));
	setup(state);
	image.ph[1].p_paddr = 0xfffff000; /* runs past 4 GiB */
	assert_int_equal(check(sizeof(image)), -1);
	assert_non_null(strstr(err, "4 GiB"));
	setup(state);
	image.ph[1].p_paddr = 0x200800; /* shares the text page */
	assert_int_equal(check(sizeof(image)), -1);
	assert_non_null(strstr(err, "shares a page"));
}

static void test_entry_must_be_in_code(void **state)
{
	image.eh.e_entry = 0x201000; /* in data */
	assert_int_equal(check(sizeof(image)), -1);
	assert_non_null(strstr(err, "entry point"));
	setup(state);
	image.ph[0].p_type = PT_NOTE;
	image.ph[1].p_type = PT_NOTE;
	assert_int_equal(check(sizeof(image)), -1);
	assert_string_equal(err, "no loadable segment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_valid_image, setup),
		cmocka_unit_test_setup(test_not_elf, setup),
		cmocka_unit_test_setup(test_wrong_class_machine_or_type, setup),
		cmocka_unit_test_setup(test_truncated_file, setup),
		cmocka_unit_test_setup(test_phdr_table_offset_overflow, setup),
		cmocka_unit_test_setup(test_bad_segments, setup),
		cmocka_unit_test_setup(test_entry_must_be_in_code, setup),
	};
	return cmocka_run_group_tests_name("efi_elf", tests, NULL, NULL);
}
