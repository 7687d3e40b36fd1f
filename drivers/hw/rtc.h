/*
 * drivers/hw/rtc.h - reading the date and time from the host's CMOS
 * real-time clock (ports 0x70/0x71).
 * Boot CPU, once, interrupts off (kernel/wallclock.c).
 * Motorola MC146818A data sheet, "Update Cycle", "Registers".
 */
#ifndef DRIVERS_HW_RTC_H
#define DRIVERS_HW_RTC_H

#include "lib/types.h"

/* 0 and seconds since 1970-01-01 (taking the RTC as UTC, as Linux does
 * by default on a PC), or -1 when the RTC never finishes an update or
 * gives a date that cannot be (no RTC). */
int rtc_read_seconds(int64_t *seconds);

#endif
