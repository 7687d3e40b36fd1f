/*
 * kernel/wallclock.c - wall-clock time from the RTC at boot plus the TSC.
 * wallclock_init runs once on the boot CPU after tsc_init; the readers
 * on any CPU (the TSCs of all CPUs are taken to be in step).
 */
#define LOG_PREFIX "clock: "
#include "arch/x86_64/cpu.h"
#include "drivers/hw/rtc.h"
#include "kernel/tsc.h"
#include "kernel/wallclock.h"
#include "lib/calendar.h"
#include "lib/log.h"

#define NS_PER_S   1000000000ULL
#define FALLBACK_S 946684800 /* 2000-01-01 00:00:00 UTC */

static uint64_t boot_seconds = FALLBACK_S;
static uint64_t boot_tsc;

void wallclock_init(void)
{
	struct civil_time t;
	int64_t s;

	boot_tsc = rdtsc();
	if (rtc_read_seconds(&s) || s < 0) {
		pr_warn("the RTC gives no valid date: VMs see 2000-01-01");
		return;
	}
	boot_seconds = (uint64_t)s;
	civil_from_seconds(s, &t);
	pr_info("RTC: %04d-%02u-%02u %02u:%02u:%02u", t.year, t.month, t.day,
		t.hour, t.minute, t.second);
}

uint64_t wallclock_uptime_ns(void)
{
	return tsc_ticks_to_ns(rdtsc() - boot_tsc);
}

uint64_t wallclock_now_s(void)
{
	return boot_seconds + wallclock_uptime_ns() / NS_PER_S;
}
