/*
 * lib/calendar.h - civil (Gregorian, UTC) date and time to and from
 * seconds since 1970-01-01, for the RTC the host reads and the one a VM
 * sees. Any context; pure, host-tested.
 * Algorithm: days from civil and back, after Howard Hinnant's
 * "chrono-Compatible Low-Level Date Algorithms".
 */
#ifndef LIB_CALENDAR_H
#define LIB_CALENDAR_H

#include "lib/types.h"

struct civil_time {
	int year;	  /* e.g. 2026 */
	unsigned month;	  /* 1-12 */
	unsigned day;	  /* 1-31 */
	unsigned hour;	  /* 0-23 */
	unsigned minute;  /* 0-59 */
	unsigned second;  /* 0-59 */
	unsigned weekday; /* 0 = Sunday */
};

void civil_from_seconds(int64_t seconds, struct civil_time *t);
/* Fields out of range are taken as they are (a day 32 is the first of
 * the next month) except month, which is clamped to 1-12. */
int64_t seconds_from_civil(const struct civil_time *t);

#endif
