/*
 * drivers/hw/text_grid.c - the cursor and the character cells of a text
 * console: wrapping, tabs and scrolling, drawn through a callback.
 * Called by fbcon.c with the console drain lock held, any CPU. Pure
 * logic; the host unit test links this very file.
 */
#include "drivers/hw/text_grid.h"

void text_grid_init(struct text_grid *g, uint8_t *cells, unsigned cols,
		    unsigned rows, text_grid_draw_fn draw, void *dev)
{
	g->cols = cols;
	g->rows = rows;
	g->col = 0;
	g->row = 0;
	g->cells = cells;
	g->draw = draw;
	g->dev = dev;
	for (size_t i = 0; i < (size_t)cols * rows; i++)
		cells[i] = ' ';
}

static void set_cell(struct text_grid *g, unsigned col, unsigned row,
		     uint8_t ch)
{
	uint8_t *cell = &g->cells[(size_t)row * g->cols + col];

	if (*cell == ch)
		return;
	*cell = ch;
	g->draw(g->dev, col, row, ch);
}

/* Move every line up by one and blank the bottom one. Reading from the
 * cell shadow, never from the device, keeps slow (uncached) video memory
 * write-only; unchanged cells, mostly blanks, are not drawn again. */
static void scroll_up(struct text_grid *g)
{
	for (unsigned row = 0; row + 1 < g->rows; row++)
		for (unsigned col = 0; col < g->cols; col++)
			set_cell(g, col, row,
				 g->cells[(size_t)(row + 1) * g->cols + col]);
	for (unsigned col = 0; col < g->cols; col++)
		set_cell(g, col, g->rows - 1, ' ');
}

static void new_line(struct text_grid *g)
{
	g->col = 0;
	if (g->row + 1 < g->rows)
		g->row++;
	else
		scroll_up(g);
}

static void put_visible(struct text_grid *g, uint8_t ch)
{
	if (g->col == g->cols)
		new_line(g);
	set_cell(g, g->col, g->row, ch);
	g->col++;
}

static void tab(struct text_grid *g)
{
	if (g->col == g->cols)
		new_line(g);
	do
		put_visible(g, ' ');
	while (g->col % TEXT_GRID_TAB && g->col < g->cols);
}

void text_grid_putc(struct text_grid *g, char c)
{
	uint8_t ch = (uint8_t)c;

	if (!g->cols || !g->rows)
		return;
	if (ch == '\n')
		new_line(g);
	else if (ch == '\r')
		g->col = 0;
	else if (ch == '\t')
		tab(g);
	else if (ch >= 0x20 && ch <= 0x7e)
		put_visible(g, ch);
	else if (ch > 0x7f)
		put_visible(g, '?');
}

void text_grid_write(struct text_grid *g, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		text_grid_putc(g, buf[i]);
}
