/*
 * tests/unit/test_psf.c - drivers/hw/psf.c (PSF1 and PSF2 console fonts)
 * on the host: fonts made here, broken headers that must be refused
 * without reading past the data, and the font built into hv.elf
 * (build/font/, made by drivers/hw/font.mk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/hw/psf.h"

#define BUILT_IN_FONT "build/font/Lat15-VGA16.psf"

static uint8_t buf[64 * 1024];

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v)); /* the host is little-endian, as PSF2 */
}

/* A PSF1 font: glyph g, row y is the byte g ^ y. */
static size_t make_psf1(uint8_t mode, uint8_t height)
{
	unsigned count = mode & 1 ? 512 : 256;

	buf[0] = 0x36;
	buf[1] = 0x04;
	buf[2] = mode;
	buf[3] = height;
	for (unsigned g = 0; g < count; g++)
		for (unsigned y = 0; y < height; y++)
			buf[4 + g * height + y] = (uint8_t)(g ^ y);
	return 4 + (size_t)count * height;
}

/* A PSF2 font, 32-byte header; glyph bytes are the glyph number. */
static size_t make_psf2(uint32_t count, uint32_t width, uint32_t height)
{
	uint32_t charsize = (width + 7) / 8 * height;

	memset(buf, 0, 32);
	put32(buf + 0, 0x864ab572);
	put32(buf + 4, 0);
	put32(buf + 8, 32);
	put32(buf + 12, 0);
	put32(buf + 16, count);
	put32(buf + 20, charsize);
	put32(buf + 24, height);
	put32(buf + 28, width);
	for (uint32_t g = 0; g < count; g++)
		memset(buf + 32 + g * charsize, (int)g, charsize);
	return 32 + (size_t)count * charsize;
}

static void test_psf1(void **state)
{
	struct psf_font f;
	size_t len = make_psf1(0x02, 16); /* with a (missing) unicode table */

	assert_null(psf_parse(buf, len, &f));
	assert_int_equal(f.count, 256);
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	assert_int_equal(f.row_bytes, 1);
	assert_int_equal(f.glyph_size, 16);
	assert_ptr_equal(f.glyphs, buf + 4);
	assert_ptr_equal(psf_glyph(&f, 'A'), buf + 4 + 'A' * 16);
	assert_int_equal(psf_glyph(&f, 'A')[3], 'A' ^ 3);
}

static void test_psf1_512_glyphs(void **state)
{
	struct psf_font f;
	size_t len = make_psf1(0x01, 8);

	assert_null(psf_parse(buf, len, &f));
	assert_int_equal(f.count, 512);
	assert_non_null(psf_parse(buf, len - 1, &f));
}

static void test_psf1_refused(void **state)
{
	struct psf_font f;
	size_t len = make_psf1(0, 16);

	assert_non_null(psf_parse(buf, len - 1, &f)); /* truncated */
	buf[2] = 0x08;				      /* unknown mode bit */
	assert_non_null(psf_parse(buf, len, &f));
	make_psf1(0, 0); /* zero height */
	assert_non_null(psf_parse(buf, len, &f));
	make_psf1(0, 65); /* taller than PSF_MAX_HEIGHT */
	assert_non_null(psf_parse(buf, sizeof(buf), &f));
}

static void test_psf2(void **state)
{
	struct psf_font f;
	size_t len = make_psf2(300, 12, 20);

	assert_null(psf_parse(buf, len, &f));
	assert_int_equal(f.count, 300);
	assert_int_equal(f.width, 12);
	assert_int_equal(f.height, 20);
	assert_int_equal(f.row_bytes, 2);
	assert_int_equal(f.glyph_size, 40);
	assert_ptr_equal(psf_glyph(&f, 299), buf + 32 + 299 * 40);
	/* header larger than 32 bytes: glyphs start after it */
	put32(buf + 8, 36);
	assert_null(psf_parse(buf, len + 4, &f));
	assert_ptr_equal(f.glyphs, buf + 36);
}

static void test_psf2_refused(void **state)
{
	struct psf_font f;
	size_t len = make_psf2(256, 8, 16);

	assert_non_null(psf_parse(buf, len - 1, &f)); /* truncated */
	assert_non_null(psf_parse(buf, 20, &f));      /* header cut */
	put32(buf + 4, 1);			      /* version */
	assert_non_null(psf_parse(buf, len, &f));
	make_psf2(256, 8, 16);
	put32(buf + 8, 16); /* header size below 32 */
	assert_non_null(psf_parse(buf, len, &f));
	make_psf2(256, 8, 16);
	put32(buf + 8, 0xffffffff); /* header size beyond the data */
	assert_non_null(psf_parse(buf, len, &f));
	make_psf2(256, 8, 16);
	put32(buf + 20, 15); /* charsize does not match 8x16 */
	assert_non_null(psf_parse(buf, len, &f));
	make_psf2(256, 8, 16);
	put32(buf + 16, 0xffffffff); /* a huge glyph count */
	assert_non_null(psf_parse(buf, len, &f));
	put32(buf + 16, 65536); /* more glyphs than the data holds */
	assert_non_null(psf_parse(buf, len, &f));
	make_psf2(256, 33, 16); /* wider than PSF_MAX_WIDTH */
	assert_non_null(psf_parse(buf, sizeof(buf), &f));
	make_psf2(0, 8, 16); /* no glyphs */
	assert_non_null(psf_parse(buf, sizeof(buf), &f));
}

static void test_not_a_font(void **state)
{
	struct psf_font f;
	const char text[] = "this is not a font at all, just some text";

	assert_non_null(psf_parse(text, sizeof(text), &f));
	assert_non_null(psf_parse(buf, 0, &f));
	assert_non_null(psf_parse(NULL, 100, &f));
	assert_non_null(psf_parse("\x36", 1, &f));
}

static void test_glyph_out_of_range_is_question_mark(void **state)
{
	struct psf_font f;

	assert_null(psf_parse(buf, make_psf1(0, 16), &f));
	assert_ptr_equal(psf_glyph(&f, 256), psf_glyph(&f, '?'));
	assert_null(psf_parse(buf, make_psf2(10, 8, 8), &f));
	assert_ptr_equal(psf_glyph(&f, 10), psf_glyph(&f, 0));
}

static void test_pixels(void **state)
{
	struct psf_font f;
	static const uint8_t glyph[] = {0x80, 0x10, 0x01, 0xf0}; /* 12x2 */

	assert_null(psf_parse(buf, make_psf2(1, 12, 2), &f));
	assert_true(psf_pixel(&f, glyph, 0, 0));
	assert_false(psf_pixel(&f, glyph, 1, 0));
	assert_true(psf_pixel(&f, glyph, 11, 0));
	assert_true(psf_pixel(&f, glyph, 7, 1));
	assert_true(psf_pixel(&f, glyph, 8, 1));
	assert_false(psf_pixel(&f, glyph, 6, 1));
}

static void test_built_in_font(void **state)
{
	FILE *fp = fopen(BUILT_IN_FONT, "rb");
	struct psf_font f;
	size_t len, set = 0;

	assert_non_null(fp);
	len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_int_equal(len, 4 + 256 * 16); /* no unicode table */
	assert_null(psf_parse(buf, len, &f));
	assert_int_equal(f.count, 256);
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	for (uint32_t y = 0; y < 16; y++)
		for (uint32_t x = 0; x < 8; x++) {
			assert_false(psf_pixel(&f, psf_glyph(&f, ' '), x, y));
			set += psf_pixel(&f, psf_glyph(&f, 'A'), x, y);
		}
	assert_true(set > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psf1),
		cmocka_unit_test(test_psf1_512_glyphs),
		cmocka_unit_test(test_psf1_refused),
		cmocka_unit_test(test_psf2),
		cmocka_unit_test(test_psf2_refused),
		cmocka_unit_test(test_not_a_font),
		cmocka_unit_test(test_glyph_out_of_range_is_question_mark),
		cmocka_unit_test(test_pixels),
		cmocka_unit_test(test_built_in_font),
	};
	return cmocka_run_group_tests_name("psf", tests, NULL, NULL);
}
