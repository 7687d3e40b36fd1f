/*
 * tests/unit/test_fmt.c - lib/fmt.c (printf-style formatting), lib/log.c
 * (levels, prefixes, whole lines) and lib/str_copy.c, on the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#define LOG_PREFIX "unit: "
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

/* Compare fmt_snprintf with the C library's snprintf. */
#define SAME_AS_LIBC(...)                                              \
	do {                                                           \
		char ours[128], libc[128];                             \
		int a = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__); \
		int b = snprintf(libc, sizeof(libc), __VA_ARGS__);     \
		assert_string_equal(ours, libc);                       \
		assert_int_equal(a, b);                                \
	} while (0)

static void test_integers(void **state)
{
	SAME_AS_LIBC("%d %d %d", 0, -1, 2147483647);
	SAME_AS_LIBC("%i", -2147483647 - 1);
	SAME_AS_LIBC("%u %x %X", 4000000000u, 0xdeadbeefu, 0xabcu);
	SAME_AS_LIBC("%ld %lu %lx", -5L, 18446744073709551615UL, 0x1234UL);
	SAME_AS_LIBC("%lld %llx", -9223372036854775807LL - 1, 0xffULL);
	SAME_AS_LIBC("%zu", (size_t)12345);
	SAME_AS_LIBC("%hhu %hd", 300, 70000);
}

static void test_width_and_flags(void **state)
{
	SAME_AS_LIBC("[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
	SAME_AS_LIBC("[%016lx]", 0x2bUL);
	SAME_AS_LIBC("[%*d] [%-*d]", 6, 7, 6, 7);
	SAME_AS_LIBC("[%8s] [%-8s] [%.3s] [%.*s]", "ab", "ab", "abcdef", 2,
		     "xyz");
	SAME_AS_LIBC("[%c] [%3c] [%-3c] [%%]", 'a', 'b', 'c');
}

static void test_pointer_and_null(void **state)
{
	char buf[64];

	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1000);
	assert_string_equal(buf, "0x1000");
	const char *volatile null_string = NULL;

	fmt_snprintf(buf, sizeof(buf), "%s", null_string);
	assert_string_equal(buf, "(null)");
}

/* "%.Ns" of an unterminated array, at the end of a heap block: ASan
 * reports a read of the byte after it (CPUID vendor strings are 12
 * unterminated bytes). */
static void test_precision_reads_no_further(void **state)
{
	char *vendor = malloc(12);
	char buf[32];

	memcpy(vendor, "GenuineIntel", 12);
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "[%.12s]", vendor), 14);
	assert_string_equal(buf, "[GenuineIntel]");
	fmt_snprintf(buf, sizeof(buf), "[%.*s]", 7, vendor);
	assert_string_equal(buf, "[Genuine]");
	free(vendor);
}

static void test_truncation(void **state)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "0123456789"),
			 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(fmt_snprintf(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 12345), 5);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void test_unknown_conversion_is_printed(void **state)
{
	char buf[32];

	fmt_snprintf(buf, sizeof(buf), "a%qb");
	assert_string_equal(buf, "a%qb");
	fmt_snprintf(buf, sizeof(buf), "end%");
	assert_string_equal(buf, "end%");
}
#pragma GCC diagnostic pop

static char captured[1024];
static size_t captured_lines;

static void capture(const char *line, size_t len)
{
	assert_int_equal(strlen(line), len);
	strncat(captured, line, sizeof(captured) - strlen(captured) - 1);
	captured_lines++;
}

static void test_log_levels_prefix_and_lines(void **state)
{
	captured[0] = '\0';
	captured_lines = 0;
	log_set_sink(capture);
	log_set_level(LOG_INFO);
	pr_info("hello %d", 1);
	pr_debug("hidden");
	pr_err("bad %s", "thing");
	pr_warn("careful\n");
	assert_string_equal(captured, "unit: hello 1\n"
				      "error: unit: bad thing\n"
				      "warning: unit: careful\n");
	assert_int_equal(captured_lines, 3);
	log_set_level(LOG_DEBUG);
	pr_debug("shown");
	assert_non_null(strstr(captured, "debug: unit: shown\n"));
	log_set_level(LOG_INFO);
}

static void test_log_long_line_is_cut_with_newline(void **state)
{
	char big[600];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	captured[0] = '\0';
	log_set_sink(capture);
	pr_info("%s", big);
	assert_true(strlen(captured) < 300);
	assert_int_equal(captured[strlen(captured) - 1], '\n');
}

static void test_str_copy(void **state)
{
	char buf[4];

	assert_int_equal(str_copy(buf, "abcdef", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(str_copy(buf, "x", sizeof(buf)), 1);
	assert_string_equal(buf, "x");
	assert_int_equal(str_copy(buf, "zz", 0), 0);
}

/* The reason in the buffer, cut to its size, and -1 to return. */
static void test_fail_writes_reason(void **state)
{
	char why[16];

	assert_int_equal(fmt_fail(why, sizeof(why), "block %u bad", 7), -1);
	assert_string_equal(why, "block 7 bad");
	assert_int_equal(fmt_fail(why, sizeof(why), "%s",
				  "a reason that is "
				  "too long"),
			 -1);
	assert_string_equal(why, "a reason that i");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_pointer_and_null),
		cmocka_unit_test(test_precision_reads_no_further),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversion_is_printed),
		cmocka_unit_test(test_log_levels_prefix_and_lines),
		cmocka_unit_test(test_log_long_line_is_cut_with_newline),
		cmocka_unit_test(test_str_copy),
		cmocka_unit_test(test_fail_writes_reason),
	};
	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
