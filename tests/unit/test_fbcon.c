/*
 * tests/unit/test_fbcon.c - drivers/hw/fbcon.c on the host: a malloc'd
 * 32-bit RGB framebuffer (exact pixels of known glyphs, colour shifts,
 * pitch padding left alone, scrolling) and an EGA text buffer (cells and
 * attributes); modes and fonts it must refuse.
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/hw/fbcon.h"

#define SENTINEL32 0xdeadbeefu
#define SENTINEL16 0xdeadu
#define GREY	   0xaau /* fbcon's foreground, each of r, g and b */
#define EGA_BLANK  0x0720u

/* A PSF1 8x16 font: glyph g, row y is the byte g ^ (y * 17); the space
 * is blank, as in real fonts (a cleared screen shows blank cells). */
static uint8_t font[4 + 256 * 16];

static uint8_t glyph_row(uint8_t ch, unsigned y)
{
	return ch == ' ' ? 0 : (uint8_t)(ch ^ (y * 17));
}

static void make_font(void)
{
	font[0] = 0x36;
	font[1] = 0x04;
	font[2] = 0;
	font[3] = 16;
	for (unsigned g = 0; g < 256; g++)
		for (unsigned y = 0; y < 16; y++)
			font[4 + g * 16 + y] = glyph_row((uint8_t)g, y);
}

struct rgb_fb {
	uint32_t *mem;
	struct fbcon_mode mode;
};

static struct rgb_fb rgb_fb(uint32_t width, uint32_t height, uint32_t pad)
{
	struct rgb_fb fb;
	uint32_t pitch = width * 4 + pad;

	fb.mem = malloc((size_t)pitch * height);
	assert_non_null(fb.mem);
	for (size_t i = 0; i < (size_t)pitch * height / 4; i++)
		fb.mem[i] = SENTINEL32;
	fb.mode = (struct fbcon_mode){
		.base = fb.mem,
		.kind = FBCON_RGB32,
		.width = width,
		.height = height,
		.pitch = pitch,
		.bpp = 32,
		.red_shift = 16,
		.green_shift = 8,
		.blue_shift = 0,
	};
	return fb;
}

static uint32_t pixel(const struct rgb_fb *fb, uint32_t x, uint32_t y)
{
	return fb->mem[(size_t)y * fb->mode.pitch / 4 + x];
}

/* Cell (col, row) shows glyph ch in colour fg on black, exactly. */
static void assert_glyph(const struct rgb_fb *fb, unsigned col, unsigned row,
			 uint8_t ch, uint32_t fg)
{
	for (unsigned y = 0; y < 16; y++)
		for (unsigned x = 0; x < 8; x++) {
			bool on = glyph_row(ch, y) & (0x80 >> x);

			assert_int_equal(pixel(fb, col * 8 + x, row * 16 + y),
					 on ? fg : 0);
		}
}

static void write_str(const char *s)
{
	fbcon_write(s, strlen(s));
}

static void test_rgb_clears_and_draws_glyphs(void **state)
{
	struct rgb_fb fb = rgb_fb(40, 32, 12); /* 5 x 2 cells, 3 pad pixels */
	unsigned cols, rows;

	make_font();
	assert_null(fbcon_init(&fb.mode, font, sizeof(font)));
	fbcon_size(&cols, &rows);
	assert_int_equal(cols, 5);
	assert_int_equal(rows, 2);
	for (uint32_t y = 0; y < 32; y++) {
		for (uint32_t x = 0; x < 40; x++)
			assert_int_equal(pixel(&fb, x, y), 0);
		for (uint32_t x = 40; x < 43; x++) /* pitch padding */
			assert_int_equal(pixel(&fb, x, y), SENTINEL32);
	}
	write_str("A\nxy");
	assert_glyph(&fb, 0, 0, 'A', GREY << 16 | GREY << 8 | GREY);
	assert_glyph(&fb, 0, 1, 'x', 0x00aaaaaa);
	assert_glyph(&fb, 1, 1, 'y', 0x00aaaaaa);
	assert_glyph(&fb, 1, 0, ' ', 0x00aaaaaa);
	free(fb.mem);
}

static void test_rgb_colour_shifts(void **state)
{
	struct rgb_fb fb = rgb_fb(16, 16, 0);

	make_font();
	fb.mode.red_shift = 24; /* R, G, B in the top three bytes */
	fb.mode.green_shift = 16;
	fb.mode.blue_shift = 8;
	assert_null(fbcon_init(&fb.mode, font, sizeof(font)));
	write_str("Q");
	assert_glyph(&fb, 0, 0, 'Q', 0xaaaaaa00);
	free(fb.mem);
}

static void test_rgb_scrolls(void **state)
{
	struct rgb_fb fb = rgb_fb(16, 32, 0); /* 2 x 2 cells */

	make_font();
	assert_null(fbcon_init(&fb.mode, font, sizeof(font)));
	write_str("ab\ncd\nef");
	assert_glyph(&fb, 0, 0, 'c', 0x00aaaaaa);
	assert_glyph(&fb, 1, 0, 'd', 0x00aaaaaa);
	assert_glyph(&fb, 0, 1, 'e', 0x00aaaaaa);
	assert_glyph(&fb, 1, 1, 'f', 0x00aaaaaa);
	write_str("\n");
	assert_glyph(&fb, 0, 0, 'e', 0x00aaaaaa);
	assert_glyph(&fb, 0, 1, ' ', 0x00aaaaaa);
	assert_glyph(&fb, 1, 1, ' ', 0x00aaaaaa);
	free(fb.mem);
}

static void test_rgb_margin_is_cleared_but_not_drawn(void **state)
{
	struct rgb_fb fb = rgb_fb(20, 20, 0); /* 2 x 1 cells, 4 + 4 left */

	make_font();
	assert_null(fbcon_init(&fb.mode, font, sizeof(font)));
	write_str("abcdef");
	for (uint32_t y = 0; y < 20; y++)
		for (uint32_t x = 16; x < 20; x++)
			assert_int_equal(pixel(&fb, x, y), 0);
	for (uint32_t y = 16; y < 20; y++)
		for (uint32_t x = 0; x < 20; x++)
			assert_int_equal(pixel(&fb, x, y), 0);
	assert_glyph(&fb, 0, 0, 'e', 0x00aaaaaa);
	free(fb.mem);
}

static void test_rgb_huge_screen_is_cut_to_the_cell_shadow(void **state)
{
	struct rgb_fb fb = rgb_fb(300, 300, 0);
	/* a PSF2 font of 1x1-pixel glyphs: 300 x 300 cells */
	uint8_t tiny[32 + 256] = {0x72, 0xb5, 0x4a, 0x86};
	unsigned cols, rows;

	tiny[8] = 32; /* header size */
	tiny[17] = 1; /* 256 glyphs */
	tiny[20] = 1; /* 1 byte each */
	tiny[24] = 1; /* height */
	tiny[28] = 1; /* width */
	tiny[32 + 'X'] = 0x80;
	assert_null(fbcon_init(&fb.mode, tiny, sizeof(tiny)));
	fbcon_size(&cols, &rows);
	assert_int_equal(cols, 300);
	assert_int_equal(rows, FBCON_CELLS_MAX / 300);
	write_str("X X");
	assert_int_equal(pixel(&fb, 0, 0), 0x00aaaaaa);
	assert_int_equal(pixel(&fb, 1, 0), 0);
	assert_int_equal(pixel(&fb, 2, 0), 0x00aaaaaa);
	free(fb.mem);
}

static void test_ega_text_cells(void **state)
{
	static uint16_t cells[80 * 25];
	struct fbcon_mode mode = {
		.base = cells,
		.kind = FBCON_EGA_TEXT,
		.width = 80,
		.height = 25,
		.pitch = 160,
		.bpp = 16,
	};
	unsigned cols, rows;

	for (size_t i = 0; i < 80 * 25; i++)
		cells[i] = SENTINEL16;
	assert_null(fbcon_init(&mode, NULL, 0)); /* no font needed */
	fbcon_size(&cols, &rows);
	assert_int_equal(cols, 80);
	assert_int_equal(rows, 25);
	for (size_t i = 0; i < 80 * 25; i++)
		assert_int_equal(cells[i], EGA_BLANK);
	write_str("Hi\n\tx");
	assert_int_equal(cells[0], 0x0700 | 'H');
	assert_int_equal(cells[1], 0x0700 | 'i');
	assert_int_equal(cells[2], EGA_BLANK);
	assert_int_equal(cells[80 + 8], 0x0700 | 'x');
	/* 24 more lines: "Hi" scrolls off, the tabbed x moves to row 0 */
	for (int i = 0; i < 24; i++)
		write_str("\n");
	assert_int_equal(cells[0], EGA_BLANK);
	assert_int_equal(cells[8], 0x0700 | 'x');
	assert_int_equal(cells[80 + 8], EGA_BLANK);
}

static void test_ega_pitch_defaults_to_two_bytes_a_cell(void **state)
{
	static uint16_t cells[40 * 2];
	struct fbcon_mode mode = {
		.base = cells,
		.kind = FBCON_EGA_TEXT,
		.width = 40,
		.height = 2,
	};

	assert_null(fbcon_init(&mode, NULL, 0));
	write_str("\nz");
	assert_int_equal(cells[40], 0x0700 | 'z');
}

static void test_bad_font_or_mode_is_refused(void **state)
{
	struct rgb_fb fb = rgb_fb(16, 16, 0);
	struct fbcon_mode m;
	unsigned cols, rows;

	make_font();
	font[0] = 0; /* no magic */
	assert_non_null(fbcon_init(&fb.mode, font, sizeof(font)));
	make_font();
	assert_non_null(fbcon_init(&fb.mode, font, 100)); /* truncated */
	assert_non_null(fbcon_init(&fb.mode, NULL, 0));
	m = fb.mode;
	m.bpp = 24;
	assert_non_null(fbcon_init(&m, font, sizeof(font)));
	m = fb.mode;
	m.pitch = 60; /* shorter than 16 pixels */
	assert_non_null(fbcon_init(&m, font, sizeof(font)));
	m = fb.mode;
	m.blue_shift = 25;
	assert_non_null(fbcon_init(&m, font, sizeof(font)));
	m = fb.mode;
	m.width = 7; /* narrower than one glyph */
	assert_non_null(fbcon_init(&m, font, sizeof(font)));
	m = fb.mode;
	m.base = NULL;
	assert_non_null(fbcon_init(&m, font, sizeof(font)));
	m = fb.mode;
	m.kind = 3;
	assert_non_null(fbcon_init(&m, font, sizeof(font)));
	m = fb.mode;
	m.kind = FBCON_EGA_TEXT;
	m.width = 256;
	assert_non_null(fbcon_init(&m, font, sizeof(font)));
	/* refused: nothing is drawn, the buffer is untouched */
	fbcon_size(&cols, &rows);
	assert_int_equal(cols, 0);
	assert_int_equal(rows, 0);
	write_str("still nothing");
	for (uint32_t i = 0; i < 16 * 16; i++)
		assert_int_equal(fb.mem[i], SENTINEL32);
	free(fb.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rgb_clears_and_draws_glyphs),
		cmocka_unit_test(test_rgb_colour_shifts),
		cmocka_unit_test(test_rgb_scrolls),
		cmocka_unit_test(test_rgb_margin_is_cleared_but_not_drawn),
		cmocka_unit_test(
			test_rgb_huge_screen_is_cut_to_the_cell_shadow),
		cmocka_unit_test(test_ega_text_cells),
		cmocka_unit_test(test_ega_pitch_defaults_to_two_bytes_a_cell),
		cmocka_unit_test(test_bad_font_or_mode_is_refused),
	};
	return cmocka_run_group_tests_name("fbcon", tests, NULL, NULL);
}
