/*
 * drivers/hw/psf.h - PC Screen Font (PSF1 and PSF2) bitmap fonts, as the
 * Linux console and the kbd/console-setup packages ship them.
 * Pure logic, any context; tested on the host.
 */
#ifndef DRIVERS_HW_PSF_H
#define DRIVERS_HW_PSF_H

#include "lib/types.h"

#define PSF_MAX_WIDTH  32
#define PSF_MAX_HEIGHT 64

struct psf_font {
	const uint8_t *glyphs; /* count glyphs of glyph_size bytes */
	uint32_t count;
	uint32_t width, height; /* pixels */
	uint32_t row_bytes;	/* (width + 7) / 8; bit 7 of byte 0 is x = 0 */
	uint32_t glyph_size;	/* row_bytes * height */
};

/* Check the header (magic, sizes, that the glyphs fit in len bytes) and
 * describe the font; a Unicode table after the glyphs is ignored. NULL on
 * success, else what is wrong. font->glyphs points into data. */
const char *psf_parse(const void *data, size_t len, struct psf_font *font);
/* The bitmap of glyph ch, or of '?' (or glyph 0) when the font has none. */
const uint8_t *psf_glyph(const struct psf_font *font, uint32_t ch);
/* Whether pixel (x, y) of a glyph bitmap is set. */
bool psf_pixel(const struct psf_font *font, const uint8_t *glyph, uint32_t x,
	       uint32_t y);

#endif
