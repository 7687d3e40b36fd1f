/*
 * drivers/hw/fbcon.h - the hypervisor console mirrored on the firmware's
 * framebuffer: 32-bit RGB pixels drawn with a PSF font (UEFI GOP, VBE) or
 * EGA text cells (GRUB on a BIOS machine). Output only.
 * fbcon_init runs once on the boot CPU; fbcon_write is a console sink,
 * called with the console drain lock held, any CPU.
 */
#ifndef DRIVERS_HW_FBCON_H
#define DRIVERS_HW_FBCON_H

#include "lib/types.h"

enum fbcon_kind {
	FBCON_RGB32 = 1,    /* linear 32-bit pixels, 8 bits per colour */
	FBCON_EGA_TEXT = 2, /* 16-bit cells: character, then attribute */
};

struct fbcon_mode {
	void *base;		/* the framebuffer, mapped (uncached is fine) */
	uint32_t kind;		/* enum fbcon_kind */
	uint32_t width, height; /* pixels, or cells for EGA text */
	uint32_t pitch;		/* bytes per pixel row or cell row */
	uint8_t bpp;		/* 32 for FBCON_RGB32 */
	uint8_t red_shift, green_shift, blue_shift;
};

/* The text grid is at most this many cells (a 4K screen with 8x16
 * characters is 480 x 135); a larger screen uses its top-left part. */
#define FBCON_CELLS_MAX (64 * 1024)

/* Check the mode and the PSF font (RGB32 only), clear the screen and
 * start writing at its top left. NULL on success, else why the console
 * is not mirrored; fbcon_write does nothing then. */
const char *fbcon_init(const struct fbcon_mode *mode, const void *font,
		       size_t font_size);
/* Console sink: draw bytes ('\n' ends a line) on the framebuffer. Never
 * logs (it runs inside the console). */
void fbcon_write(const char *buf, size_t len);
/* The text grid's size in characters (0 x 0 before a successful init). */
void fbcon_size(unsigned *cols, unsigned *rows);

#endif
