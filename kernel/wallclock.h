/*
 * kernel/wallclock.h - the date and time: the host's RTC read once at
 * boot, then advanced by the TSC. What a VM's RTC shows.
 * wallclock_init on the boot CPU after tsc_init; wallclock_now_s on any.
 */
#ifndef KERNEL_WALLCLOCK_H
#define KERNEL_WALLCLOCK_H

#include "lib/types.h"

void wallclock_init(void);
/* Seconds since 1970-01-01 UTC (since 2000-01-01 if the host has no
 * readable RTC: a guest still sees a clock that runs). */
uint64_t wallclock_now_s(void);
/* Nanoseconds since wallclock_init, from the TSC. */
uint64_t wallclock_uptime_ns(void);

#endif
