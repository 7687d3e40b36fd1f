/*
 * drivers/hw/psf.c - PC Screen Font (PSF1 and PSF2) header checks and
 * glyph lookup. Pure logic, any context; the host unit test links this
 * very file. Formats: kbd's "font-formats" document (PSF1: 4-byte header,
 * 256 or 512 glyphs 8 pixels wide; PSF2: 32-byte header, any size).
 */
#include "drivers/hw/psf.h"
#include "lib/string.h"

/* PSF1 header: magic (2 bytes), mode, charsize (= height) */
#define PSF1_MAGIC0	  0x36
#define PSF1_MAGIC1	  0x04
#define PSF1_HEADER_SIZE  4
#define PSF1_MODE_512	  0x01
#define PSF1_MODE_KNOWN	  0x07 /* 512, HASTAB, SEQ */
#define PSF1_OFF_MODE	  2
#define PSF1_OFF_CHARSIZE 3

/* PSF2 header: eight little-endian 32-bit fields */
#define PSF2_MAGIC	    0x864ab572u
#define PSF2_HEADER_MIN	    32
#define PSF2_OFF_MAGIC	    0
#define PSF2_OFF_VERSION    4
#define PSF2_OFF_HEADERSIZE 8
#define PSF2_OFF_LENGTH	    16
#define PSF2_OFF_CHARSIZE   20
#define PSF2_OFF_HEIGHT	    24
#define PSF2_OFF_WIDTH	    28
#define PSF2_MAX_GLYPHS	    65536

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static const char *check_glyphs(size_t len, size_t offset,
				struct psf_font *font)
{
	if (!font->width || font->width > PSF_MAX_WIDTH || !font->height ||
	    font->height > PSF_MAX_HEIGHT)
		return "glyph size out of range";
	if (font->glyph_size != font->row_bytes * font->height)
		return "glyph byte size does not match width and height";
	if (font->count < 1 || font->count > PSF2_MAX_GLYPHS)
		return "glyph count out of range";
	if (offset > len ||
	    (uint64_t)font->count * font->glyph_size > len - offset)
		return "file shorter than its glyphs";
	return NULL;
}

static const char *parse_psf1(const uint8_t *p, size_t len,
			      struct psf_font *font)
{
	uint8_t mode = p[PSF1_OFF_MODE];

	if (mode & ~PSF1_MODE_KNOWN)
		return "PSF1 mode has unknown bits";
	font->count = mode & PSF1_MODE_512 ? 512 : 256;
	font->width = 8;
	font->height = p[PSF1_OFF_CHARSIZE];
	font->row_bytes = 1;
	font->glyph_size = font->height;
	font->glyphs = p + PSF1_HEADER_SIZE;
	return check_glyphs(len, PSF1_HEADER_SIZE, font);
}

static const char *parse_psf2(const uint8_t *p, size_t len,
			      struct psf_font *font)
{
	uint32_t header_size;

	if (len < PSF2_HEADER_MIN)
		return "file shorter than the PSF2 header";
	if (le32(p + PSF2_OFF_VERSION) != 0)
		return "unknown PSF2 version";
	header_size = le32(p + PSF2_OFF_HEADERSIZE);
	if (header_size < PSF2_HEADER_MIN)
		return "PSF2 header size too small";
	font->count = le32(p + PSF2_OFF_LENGTH);
	font->glyph_size = le32(p + PSF2_OFF_CHARSIZE);
	font->height = le32(p + PSF2_OFF_HEIGHT);
	font->width = le32(p + PSF2_OFF_WIDTH);
	font->row_bytes = (font->width + 7) / 8;
	font->glyphs = p + MIN(header_size, len);
	return check_glyphs(len, header_size, font);
}

const char *psf_parse(const void *data, size_t len, struct psf_font *font)
{
	const uint8_t *p = data;

	memset(font, 0, sizeof(*font));
	if (!p || len < PSF1_HEADER_SIZE)
		return "file too short for a font";
	if (p[0] == PSF1_MAGIC0 && p[1] == PSF1_MAGIC1)
		return parse_psf1(p, len, font);
	if (le32(p + PSF2_OFF_MAGIC) == PSF2_MAGIC)
		return parse_psf2(p, len, font);
	return "no PSF1 or PSF2 magic";
}

const uint8_t *psf_glyph(const struct psf_font *font, uint32_t ch)
{
	if (ch >= font->count)
		ch = '?' < font->count ? '?' : 0;
	return font->glyphs + (size_t)ch * font->glyph_size;
}

bool psf_pixel(const struct psf_font *font, const uint8_t *glyph, uint32_t x,
	       uint32_t y)
{
	uint8_t byte = glyph[y * font->row_bytes + x / 8];

	return byte & (0x80 >> (x % 8));
}
