/*
 * tests/unit/test_text_grid.c - drivers/hw/text_grid.c (the text
 * console's cursor, wrapping, tabs and scrolling) on the host, drawing
 * into a character array that stands for the screen.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/hw/text_grid.h"

#define MAX_CELLS 256

struct screen {
	unsigned cols, rows;
	char text[MAX_CELLS]; /* what the device shows */
	unsigned draws;
};

static void screen_draw(void *dev, unsigned col, unsigned row, uint8_t ch)
{
	struct screen *s = dev;

	assert_true(col < s->cols && row < s->rows);
	s->text[row * s->cols + col] = (char)ch;
	s->draws++;
}

static uint8_t cells[MAX_CELLS];
static struct screen screen;
static struct text_grid grid;

static void start(unsigned cols, unsigned rows)
{
	assert_true(cols * rows <= MAX_CELLS);
	screen.cols = cols;
	screen.rows = rows;
	memset(screen.text, ' ', sizeof(screen.text));
	screen.draws = 0;
	text_grid_init(&grid, cells, cols, rows, screen_draw, &screen);
}

static void put(const char *s)
{
	text_grid_write(&grid, s, strlen(s));
}

/* Row `row` of the screen, trailing blanks cut. */
static const char *line(unsigned row)
{
	static char buf[MAX_CELLS + 1];
	unsigned n = screen.cols;

	memcpy(buf, &screen.text[row * screen.cols], n);
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

static void test_characters_fill_a_line(void **state)
{
	start(10, 3);
	put("hello");
	assert_string_equal(line(0), "hello");
	assert_string_equal(line(1), "");
	assert_int_equal(grid.col, 5);
	assert_int_equal(grid.row, 0);
	assert_int_equal(screen.draws, 5);
}

static void test_newline_and_carriage_return(void **state)
{
	start(10, 3);
	put("abc\nde");
	assert_string_equal(line(0), "abc");
	assert_string_equal(line(1), "de");
	put("\rX");
	assert_string_equal(line(1), "Xe");
	assert_int_equal(grid.col, 1);
}

static void test_full_line_then_newline_gives_one_line(void **state)
{
	start(4, 3);
	put("abcd\nef");
	assert_string_equal(line(0), "abcd");
	assert_string_equal(line(1), "ef");
	assert_string_equal(line(2), "");
}

static void test_long_line_wraps(void **state)
{
	start(4, 3);
	put("abcdefghi");
	assert_string_equal(line(0), "abcd");
	assert_string_equal(line(1), "efgh");
	assert_string_equal(line(2), "i");
	assert_int_equal(grid.col, 1);
	assert_int_equal(grid.row, 2);
}

static void test_tabs(void **state)
{
	start(20, 2);
	put("a\tb\tc");
	assert_string_equal(line(0), "a       b       c");
	start(20, 2);
	put("1234567\tx");
	assert_int_equal(strchr(line(0), 'x') - line(0), 8);
	/* A tab past the last tab stop ends at the right edge... */
	start(12, 2);
	put("123456789\t");
	assert_int_equal(grid.col, 12);
	assert_int_equal(grid.row, 0);
	/* ... and the next character starts the next line. */
	put("z");
	assert_string_equal(line(1), "z");
	/* A tab right at the edge wraps first and tabs on the new line. */
	start(12, 2);
	put("123456789012\ty");
	assert_string_equal(line(1), "        y");
}

static void test_scrolls_at_the_bottom(void **state)
{
	start(6, 3);
	put("one\ntwo\nthree\nfour");
	assert_string_equal(line(0), "two");
	assert_string_equal(line(1), "three");
	assert_string_equal(line(2), "four");
	assert_int_equal(grid.row, 2);
	put("\n");
	assert_string_equal(line(0), "three");
	assert_string_equal(line(1), "four");
	assert_string_equal(line(2), "");
	assert_int_equal(grid.col, 0);
	assert_int_equal(grid.row, 2);
}

static void test_wrap_at_the_bottom_scrolls(void **state)
{
	start(3, 2);
	put("abcdefg");
	assert_string_equal(line(0), "def");
	assert_string_equal(line(1), "g");
}

static void test_scroll_redraws_only_changed_cells(void **state)
{
	start(8, 3);
	put("aaaa\nbbbb\ncccc");
	screen.draws = 0;
	put("\n");
	/* rows 0 and 1 change 4 cells each, "cccc" on row 2 is blanked */
	assert_int_equal(screen.draws, 12);
	screen.draws = 0;
	start(8, 3);
	put("same\nsame\nsame");
	screen.draws = 0;
	put("\n");
	assert_int_equal(screen.draws, 4); /* only the bottom row blanks */
	assert_string_equal(line(1), "same");
}

static void test_control_and_high_bytes(void **state)
{
	start(10, 2);
	put("a\a\033b\x7f");
	put("\xc3\xa9");
	assert_string_equal(line(0), "ab??");
}

static void test_redrawing_the_same_character_is_skipped(void **state)
{
	start(10, 2);
	put("  x\rx");
	/* the blanks were already blank; two cells were drawn */
	assert_int_equal(screen.draws, 2);
	assert_string_equal(line(0), "x x");
}

static void test_empty_grid_does_nothing(void **state)
{
	start(0, 0);
	put("abc\n\tdef");
	assert_int_equal(screen.draws, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_characters_fill_a_line),
		cmocka_unit_test(test_newline_and_carriage_return),
		cmocka_unit_test(test_full_line_then_newline_gives_one_line),
		cmocka_unit_test(test_long_line_wraps),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_scrolls_at_the_bottom),
		cmocka_unit_test(test_wrap_at_the_bottom_scrolls),
		cmocka_unit_test(test_scroll_redraws_only_changed_cells),
		cmocka_unit_test(test_control_and_high_bytes),
		cmocka_unit_test(test_redrawing_the_same_character_is_skipped),
		cmocka_unit_test(test_empty_grid_does_nothing),
	};
	return cmocka_run_group_tests_name("text_grid", tests, NULL, NULL);
}
