/*
 * kernel/tsc_calc.h - the arithmetic of TSC calibration, apart from the
 * hardware: frequency from a counted interval, choosing among samples,
 * decoding CPUID leaves 0x15 and 0x16, wrap-around of the ACPI PM timer,
 * ticks <-> nanoseconds, and the one log line that sums it all up.
 * Any context; pure, so tests/unit/test_tsc_calc.c links this very file.
 * kernel/tsc.c drives the clocks and calls these.
 * SDM Vol. 2A, "CPUID—CPU Identification" (leaves 15H and 16H);
 * SDM Vol. 3B, "Time-Stamp Counter"; Intel 8254 datasheet; ACPI
 * Specification, "Power Management Timer".
 */
#ifndef KERNEL_TSC_CALC_H
#define KERNEL_TSC_CALC_H

#include "lib/types.h"

/* Intel 8254 datasheet: the PC feeds every PIT counter 1.193182 MHz. */
#define PIT_HZ 1193182ULL
/* ACPI Specification, "Power Management Timer": 3.579545 MHz. */
#define PM_TIMER_HZ 3579545ULL

/* Two frequencies agree when they differ by at most this, in permille. */
#define TSC_AGREE_PERMILLE 10

/*
 * The TSC frequency in kHz, rounded to nearest, from tsc_delta TSC ticks
 * counted across ref_counts periods of a reference clock of ref_hz.
 * 0 when ref_counts or ref_hz is 0; saturates at UINT64_MAX.
 */
uint64_t tsc_calc_khz(uint64_t tsc_delta, uint64_t ref_counts, uint64_t ref_hz);

/*
 * Sort v[0..n) in place and return the median (the lower middle one when
 * n is even): one sample disturbed by an SMI or an emulator hiccup moves
 * it by at most one place. 0 when n is 0.
 */
uint64_t tsc_calc_median(uint64_t *v, unsigned n);

/* (max - min) of sorted v[0..n) in permille of its median; 0 if n is 0. */
uint64_t tsc_calc_spread_permille(const uint64_t *sorted, unsigned n);

/*
 * CPUID leaf 0x15 (Time Stamp Counter and Nominal Core Crystal Clock):
 * TSC = crystal Hz (ECX) * numerator (EBX) / denominator (EAX). 0 when
 * any of the three is 0 (the leaf does not enumerate the frequency).
 */
uint64_t tsc_calc_cpuid15_khz(uint32_t eax, uint32_t ebx, uint32_t ecx);

/* CPUID leaf 0x16 (Processor Frequency Information): base MHz in
 * EAX[15:0], as kHz; 0 when the field is 0. */
uint64_t tsc_calc_cpuid16_khz(uint32_t eax);

/* |other - measured| in permille of measured, rounded down; UINT64_MAX
 * when measured is 0. */
uint64_t tsc_calc_diff_permille(uint64_t measured, uint64_t other);

/* other is within TSC_AGREE_PERMILLE of measured, exactly (10.01
 * permille does not agree); false when either is 0. */
bool tsc_calc_agrees(uint64_t measured, uint64_t other);

/*
 * Counts the ACPI PM timer advanced from start to end, across at most
 * one wrap-around of a 24-bit (is32 false) or 32-bit counter. Bits above
 * the width are ignored (they read as reserved).
 */
uint32_t tsc_calc_pm_delta(uint32_t start, uint32_t end, bool is32);

/*
 * Conversions at a TSC of khz kHz, overflow-safe (128-bit product),
 * saturating at UINT64_MAX. ns_to_ticks rounds up, so a wait is never
 * shorter than asked; ticks_to_ns rounds down. Both return 0 when khz is
 * 0 (frequency unknown).
 */
uint64_t tsc_calc_ns_to_ticks(uint64_t ns, uint64_t khz);
uint64_t tsc_calc_ticks_to_ns(uint64_t ticks, uint64_t khz);

/* Where tsc_khz came from. */
enum tsc_source {
	TSC_SOURCE_UNKNOWN,
	TSC_SOURCE_MEASURED,
	TSC_SOURCE_CPUID_15,
	TSC_SOURCE_CPUID_16,
};

/* What calibration found, for tsc_calc_choose and tsc_calc_describe. */
struct tsc_report {
	const char *clock;     /* measured against: "the PIT", ... */
	uint64_t measured_khz; /* median of the samples, 0 if it failed */
	unsigned samples;      /* samples taken */
	uint64_t spread_permille;
	const char *failure;  /* why the measurement failed, or NULL */
	uint64_t cpuid15_khz; /* 0: leaf absent or not enumerated */
	uint64_t cpuid16_khz; /* 0: leaf absent or not enumerated */
	/* filled by tsc_calc_choose */
	uint64_t khz; /* 0: unknown */
	enum tsc_source source;
};

/*
 * Trust the measurement; without one, CPUID 0x15 (exact crystal ratio),
 * then 0x16 (nominal base frequency); else unknown. Returns r->khz.
 */
uint64_t tsc_calc_choose(struct tsc_report *r);

/* The summary line (without a log prefix) into buf, like snprintf. */
int tsc_calc_describe(const struct tsc_report *r, char *buf, size_t size);

#endif
