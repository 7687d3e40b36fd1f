/*
 * tests/unit/test_hexdigit.c - lib/hexdigit.h (the value of one
 * hexadecimal digit) on the host, checked against the C library's own
 * isxdigit and strtol, which the kernel cannot link.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include "tests/unit/support.h"
#include "lib/hexdigit.h"

/* The C library's answer for one character: its value, or -1. */
static int reference(char c)
{
	char text[2] = {c, '\0'};

	if (!isxdigit((unsigned char)c))
		return -1;
	return (int)strtol(text, NULL, 16);
}

static void test_digits_and_both_cases(void **state)
{
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('9'), 9);
	assert_int_equal(hex_digit('a'), 10);
	assert_int_equal(hex_digit('A'), 10);
	assert_int_equal(hex_digit('f'), 15);
	assert_int_equal(hex_digit('F'), 15);
}

static void test_neighbours_refused(void **state)
{
	/* the characters just outside each range of the ASCII table */
	assert_int_equal(hex_digit('/'), -1);
	assert_int_equal(hex_digit(':'), -1);
	assert_int_equal(hex_digit('`'), -1);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit('@'), -1);
	assert_int_equal(hex_digit('G'), -1);
	assert_int_equal(hex_digit('\0'), -1);
	assert_int_equal(hex_digit('x'), -1);
}

static void test_every_char_matches_c_library(void **state)
{
	for (int c = CHAR_MIN; c <= CHAR_MAX; c++)
		assert_int_equal(hex_digit((char)c), reference((char)c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digits_and_both_cases),
		cmocka_unit_test(test_neighbours_refused),
		cmocka_unit_test(test_every_char_matches_c_library),
	};
	return cmocka_run_group_tests_name("hexdigit", tests, NULL, NULL);
}
