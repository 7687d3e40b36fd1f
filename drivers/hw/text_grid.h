/*
 * drivers/hw/text_grid.h - the cursor and the character cells of a text
 * console, without a device: it decides which cell to draw for each byte,
 * when to wrap and when to scroll. Pure logic, tested on the host.
 * Called by fbcon.c with the console drain lock held; not thread-safe.
 */
#ifndef DRIVERS_HW_TEXT_GRID_H
#define DRIVERS_HW_TEXT_GRID_H

#include "lib/types.h"

#define TEXT_GRID_TAB 8

/* Put character ch (a printable byte or ' ') in cell (col, row). */
typedef void (*text_grid_draw_fn)(void *dev, unsigned col, unsigned row,
				  uint8_t ch);

struct text_grid {
	unsigned cols, rows;
	/* The cursor; col == cols means "wrap before the next character",
	 * so a line of exactly cols characters and '\n' gives one line. */
	unsigned col, row;
	uint8_t *cells; /* cols * rows: what each cell shows */
	text_grid_draw_fn draw;
	void *dev;
};

/* Start with every cell blank (the device is cleared by its owner) and
 * the cursor at the top left. cells holds cols * rows bytes. */
void text_grid_init(struct text_grid *g, uint8_t *cells, unsigned cols,
		    unsigned rows, text_grid_draw_fn draw, void *dev);
/* '\n' starts a new line, '\r' returns to column 0, '\t' advances to the
 * next multiple of TEXT_GRID_TAB, other control bytes are dropped and
 * bytes above 0x7e show as '?'. The bottom line scrolls up; a scroll
 * redraws only the cells whose character changes. */
void text_grid_putc(struct text_grid *g, char c);
void text_grid_write(struct text_grid *g, const char *buf, size_t len);

#endif
