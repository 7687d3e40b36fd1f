/*
 * kernel/tsc.h - the TSC's frequency, measured once at boot, and
 * conversions between TSC ticks and nanoseconds.
 * tsc_init runs once on the boot CPU, interrupts off, before VMX; after
 * it, tsc_khz is read-only and the helpers work in any context.
 * SDM Vol. 3B, "Time-Stamp Counter".
 */
#ifndef KERNEL_TSC_H
#define KERNEL_TSC_H

#include "kernel/tsc_calc.h"

/* TSC ticks per millisecond; 0 when the frequency is unknown. */
extern uint64_t tsc_khz;
/* Where tsc_khz came from. */
extern enum tsc_source tsc_khz_source;

/*
 * Measure the TSC against the ACPI PM timer at I/O port pm_tmr_port
 * (24 or 32 bits wide, per the FADT's TMR_VAL_EXT), or against the PIT
 * when pm_tmr_port is 0 or the PM timer does not count; cross-check with
 * CPUID 0x15/0x16; set tsc_khz and log one line. Polls only, never
 * hangs: a clock that does not count times out.
 */
void tsc_init(uint32_t pm_tmr_port, bool pm_tmr_32bit);

/* Nanoseconds to TSC ticks (rounded up) and back (rounded down), at
 * tsc_khz; saturate at UINT64_MAX; 0 when the frequency is unknown. */
static inline uint64_t tsc_ns_to_ticks(uint64_t ns)
{
	return tsc_calc_ns_to_ticks(ns, tsc_khz);
}

static inline uint64_t tsc_ticks_to_ns(uint64_t ticks)
{
	return tsc_calc_ticks_to_ns(ticks, tsc_khz);
}

#endif
