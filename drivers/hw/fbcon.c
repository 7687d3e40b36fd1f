/*
 * drivers/hw/fbcon.c - a text console on the firmware's framebuffer:
 * glyphs from a PSF font drawn as 32-bit pixels, or EGA text cells.
 * fbcon_init runs once on the boot CPU; fbcon_write runs as a console
 * sink with the console drain lock held (any CPU), which serializes it.
 * The cursor, wrapping and scrolling are text_grid.c's; this file only
 * clears the screen and draws one character cell. Video memory is only
 * written, never read: it is mapped uncached, where reads are slow.
 */
#include "drivers/hw/fbcon.h"
#include "drivers/hw/psf.h"
#include "drivers/hw/text_grid.h"

/* Light grey on black, as the VGA's default attribute. */
#define FBCON_GREY	 0xaa
#define EGA_ATTR_DEFAULT 0x07 /* background 0 (black), foreground 7 */
#define EGA_MAX_CELLS	 255
#define RGB_MAX_SHIFT	 24

/* All guarded by the console drain lock once fbcon_init has returned. */
static struct fbcon_mode mode;
static struct psf_font font;
static uint32_t fg_pixel, bg_pixel;
static struct text_grid grid;
static uint8_t cells[FBCON_CELLS_MAX];
static bool ready;

static uint32_t rgb_pixel(uint8_t r, uint8_t g, uint8_t b)
{
	return (uint32_t)r << mode.red_shift | (uint32_t)g << mode.green_shift |
	       (uint32_t)b << mode.blue_shift;
}

static volatile uint32_t *rgb_row(uint32_t y)
{
	return (volatile uint32_t *)((uint8_t *)mode.base +
				     (size_t)y * mode.pitch);
}

static void rgb_clear(void)
{
	for (uint32_t y = 0; y < mode.height; y++) {
		volatile uint32_t *row = rgb_row(y);

		for (uint32_t x = 0; x < mode.width; x++)
			row[x] = bg_pixel;
	}
}

static void rgb_draw(void *dev, unsigned col, unsigned row, uint8_t ch)
{
	const uint8_t *glyph = psf_glyph(&font, ch);
	uint32_t x0 = col * font.width, y0 = row * font.height;

	for (uint32_t y = 0; y < font.height; y++) {
		volatile uint32_t *px = rgb_row(y0 + y) + x0;

		for (uint32_t x = 0; x < font.width; x++)
			px[x] = psf_pixel(&font, glyph, x, y) ? fg_pixel
							      : bg_pixel;
	}
}

static volatile uint16_t *ega_cell(unsigned col, unsigned row)
{
	return (volatile uint16_t *)((uint8_t *)mode.base +
				     (size_t)row * mode.pitch) +
	       col;
}

static void ega_draw(void *dev, unsigned col, unsigned row, uint8_t ch)
{
	*ega_cell(col, row) = (uint16_t)(ch | EGA_ATTR_DEFAULT << 8);
}

static void ega_clear(void)
{
	for (unsigned row = 0; row < mode.height; row++)
		for (unsigned col = 0; col < mode.width; col++)
			ega_draw(NULL, col, row, ' ');
}

static const char *check_rgb(const void *font_data, size_t font_size)
{
	const char *err;

	if (mode.bpp != 32)
		return "RGB framebuffer is not 32 bits per pixel";
	if (mode.pitch / 4 < mode.width)
		return "RGB framebuffer pitch shorter than a pixel row";
	if (mode.red_shift > RGB_MAX_SHIFT ||
	    mode.green_shift > RGB_MAX_SHIFT || mode.blue_shift > RGB_MAX_SHIFT)
		return "RGB framebuffer colour shift out of range";
	err = psf_parse(font_data, font_size, &font);
	if (err)
		return err;
	fg_pixel = rgb_pixel(FBCON_GREY, FBCON_GREY, FBCON_GREY);
	bg_pixel = rgb_pixel(0, 0, 0);
	return NULL;
}

static const char *check_ega(void)
{
	if (mode.width > EGA_MAX_CELLS || mode.height > EGA_MAX_CELLS)
		return "EGA text mode larger than 255 x 255 cells";
	if (mode.pitch / 2 < mode.width)
		mode.pitch = mode.width * 2;
	return NULL;
}

/* The grid's size in characters, cut to what the cell shadow holds. */
static void grid_size(unsigned *cols, unsigned *rows)
{
	if (mode.kind == FBCON_RGB32) {
		*cols = mode.width / font.width;
		*rows = mode.height / font.height;
	} else {
		*cols = mode.width;
		*rows = mode.height;
	}
	*cols = MIN(*cols, FBCON_CELLS_MAX);
	if (*cols)
		*rows = MIN(*rows, FBCON_CELLS_MAX / *cols);
}

static const char *check_mode(const void *font_data, size_t font_size)
{
	if (!mode.base)
		return "framebuffer at address 0";
	if (!mode.width || !mode.height)
		return "framebuffer has no width or height";
	if (mode.kind == FBCON_RGB32)
		return check_rgb(font_data, font_size);
	if (mode.kind == FBCON_EGA_TEXT)
		return check_ega();
	return "unknown framebuffer kind";
}

const char *fbcon_init(const struct fbcon_mode *m, const void *font_data,
		       size_t font_size)
{
	const char *err;
	unsigned cols, rows;

	ready = false;
	mode = *m;
	err = check_mode(font_data, font_size);
	if (err)
		return err;
	grid_size(&cols, &rows);
	if (!cols || !rows)
		return "framebuffer smaller than one character";
	if (mode.kind == FBCON_RGB32) {
		rgb_clear();
		text_grid_init(&grid, cells, cols, rows, rgb_draw, NULL);
	} else {
		ega_clear();
		text_grid_init(&grid, cells, cols, rows, ega_draw, NULL);
	}
	ready = true;
	return NULL;
}

void fbcon_write(const char *buf, size_t len)
{
	if (ready)
		text_grid_write(&grid, buf, len);
}

void fbcon_size(unsigned *cols, unsigned *rows)
{
	*cols = ready ? grid.cols : 0;
	*rows = ready ? grid.rows : 0;
}
