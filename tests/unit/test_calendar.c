/*
 * tests/unit/test_calendar.c - lib/calendar.c against the host C
 * library's gmtime/timegm over many dates, and known dates.
 */
#define _GNU_SOURCE
#include <time.h>
#include "tests/unit/support.h"
#include "lib/calendar.h"

static void test_known_dates(void **state)
{
	struct civil_time t;

	civil_from_seconds(0, &t);
	assert_int_equal(t.year, 1970);
	assert_int_equal(t.month, 1);
	assert_int_equal(t.day, 1);
	assert_int_equal(t.weekday, 4);	   /* Thursday */
	civil_from_seconds(951782400, &t); /* 2000-02-29, a Tuesday */
	assert_int_equal(t.year, 2000);
	assert_int_equal(t.month, 2);
	assert_int_equal(t.day, 29);
	assert_int_equal(t.weekday, 2);
	t = (struct civil_time){2026, 11, 29, 18, 30, 5, 0};
	assert_int_equal(seconds_from_civil(&t), 1795977005);
	/* day 32 rolls into the next month; month 13 is clamped */
	t = (struct civil_time){2026, 1, 32, 0, 0, 0, 0};
	assert_int_equal(seconds_from_civil(&t),
			 seconds_from_civil(
				 &(struct civil_time){2026, 2, 1, 0, 0, 0, 0}));
	t = (struct civil_time){2026, 13, 1, 0, 0, 0, 0};
	assert_int_equal(seconds_from_civil(&t),
			 seconds_from_civil(&(struct civil_time){2026, 12, 1, 0,
								 0, 0, 0}));
}

/* Every 7919 s... over 1900-2200, against the C library. */
static void test_against_libc(void **state)
{
	for (int64_t s = -2208988800LL; s < 7258118400LL;
	     s += 86400 * 7 + 7919) {
		struct civil_time t;
		struct tm tm;
		time_t tt = (time_t)s;

		gmtime_r(&tt, &tm);
		civil_from_seconds(s, &t);
		assert_int_equal(t.year, tm.tm_year + 1900);
		assert_int_equal(t.month, (unsigned)tm.tm_mon + 1);
		assert_int_equal(t.day, (unsigned)tm.tm_mday);
		assert_int_equal(t.hour, (unsigned)tm.tm_hour);
		assert_int_equal(t.minute, (unsigned)tm.tm_min);
		assert_int_equal(t.second, (unsigned)tm.tm_sec);
		assert_int_equal(t.weekday, (unsigned)tm.tm_wday);
		assert_int_equal(seconds_from_civil(&t), s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_against_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
