/*
 * lib/calendar.c - Gregorian calendar arithmetic on a 400-year cycle.
 * Any context; pure, host-tested.
 * Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms":
 * days_from_civil, civil_from_days.
 */
#include "lib/calendar.h"

#define SECONDS_PER_DAY 86400
#define DAYS_PER_ERA	146097 /* 400 years */
#define YEARS_PER_ERA	400
#define EPOCH_SHIFT	719468 /* days from 0000-03-01 to 1970-01-01 */
#define EPOCH_WEEKDAY	4      /* 1970-01-01 was a Thursday */

/* Floor division for a possibly negative dividend. */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, YEARS_PER_ERA);
	yoe = y - era * YEARS_PER_ERA;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * DAYS_PER_ERA + doe - EPOCH_SHIFT;
}

void civil_from_seconds(int64_t seconds, struct civil_time *t)
{
	int64_t days = floor_div(seconds, SECONDS_PER_DAY);
	int64_t rem = seconds - days * SECONDS_PER_DAY;
	int64_t z = days + EPOCH_SHIFT;
	int64_t era = floor_div(z, DAYS_PER_ERA);
	int64_t doe = z - era * DAYS_PER_ERA;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	t->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	t->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(yoe + era * YEARS_PER_ERA + (t->month <= 2));
	t->hour = (unsigned)(rem / 3600);
	t->minute = (unsigned)(rem / 60 % 60);
	t->second = (unsigned)(rem % 60);
	t->weekday = (unsigned)((days % 7 + 7 + EPOCH_WEEKDAY) % 7);
}

int64_t seconds_from_civil(const struct civil_time *t)
{
	unsigned month = t->month < 1 ? 1 : t->month > 12 ? 12 : t->month;
	int64_t days = days_from_civil(t->year, month, t->day);

	return days * SECONDS_PER_DAY + (int64_t)t->hour * 3600 +
	       (int64_t)t->minute * 60 + t->second;
}
