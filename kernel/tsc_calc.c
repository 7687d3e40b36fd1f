/*
 * kernel/tsc_calc.c - the arithmetic of TSC calibration (see tsc_calc.h).
 * Any context; pure, unit-tested on the host (tests/unit/test_tsc_calc.c).
 * SDM Vol. 2A, "CPUID—CPU Identification" (leaves 15H and 16H); ACPI
 * Specification, "Power Management Timer".
 */
#include <stdarg.h>
#include "kernel/tsc_calc.h"
#include "lib/fmt.h"
#include "lib/math64.h"

#define PM_TIMER_MASK_24 0xffffffu
/* CPUID.16H:EAX[15:0], processor base frequency in MHz */
#define CPUID16_EAX_BASE_MHZ 0xffffu

uint64_t tsc_calc_khz(uint64_t tsc_delta, uint64_t ref_counts, uint64_t ref_hz)
{
	uint64_t hz;

	if (ref_counts == 0 || ref_hz == 0)
		return 0;
	hz = mul_div_u64(tsc_delta, ref_hz, ref_counts);
	if (hz == UINT64_MAX)
		return UINT64_MAX;
	/* rounding the floor of the Hz gives the same as rounding the Hz */
	return hz / 1000 + (hz % 1000 >= 500);
}

uint64_t tsc_calc_median(uint64_t *v, unsigned n)
{
	if (n == 0)
		return 0;
	/* insertion sort: a handful of samples */
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return v[(n - 1) / 2];
}

uint64_t tsc_calc_spread_permille(const uint64_t *sorted, unsigned n)
{
	uint64_t median;

	if (n == 0)
		return 0;
	median = sorted[(n - 1) / 2];
	if (median == 0)
		return sorted[n - 1] ? UINT64_MAX : 0;
	return mul_div_u64(sorted[n - 1] - sorted[0], 1000, median);
}

uint64_t tsc_calc_cpuid15_khz(uint32_t eax, uint32_t ebx, uint32_t ecx)
{
	if (eax == 0 || ebx == 0 || ecx == 0)
		return 0;
	return mul_div_u64(ecx, ebx, (uint64_t)eax * 1000);
}

uint64_t tsc_calc_cpuid16_khz(uint32_t eax)
{
	return (uint64_t)(eax & CPUID16_EAX_BASE_MHZ) * 1000;
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

uint64_t tsc_calc_diff_permille(uint64_t measured, uint64_t other)
{
	if (measured == 0)
		return UINT64_MAX;
	return mul_div_u64(distance(measured, other), 1000, measured);
}

bool tsc_calc_agrees(uint64_t measured, uint64_t other)
{
	if (measured == 0 || other == 0)
		return false;
	/* exact: a difference of 10.01 permille does not agree */
	return mul_div_u64_ceil(distance(measured, other), 1000, measured) <=
	       TSC_AGREE_PERMILLE;
}

uint32_t tsc_calc_pm_delta(uint32_t start, uint32_t end, bool is32)
{
	uint32_t mask = is32 ? UINT32_MAX : PM_TIMER_MASK_24;

	return (end - start) & mask;
}

uint64_t tsc_calc_ns_to_ticks(uint64_t ns, uint64_t khz)
{
	if (khz == 0)
		return 0;
	return mul_div_u64_ceil(ns, khz, 1000000);
}

uint64_t tsc_calc_ticks_to_ns(uint64_t ticks, uint64_t khz)
{
	if (khz == 0)
		return 0;
	return mul_div_u64(ticks, 1000000, khz);
}

uint64_t tsc_calc_choose(struct tsc_report *r)
{
	if (r->measured_khz) {
		r->khz = r->measured_khz;
		r->source = TSC_SOURCE_MEASURED;
	} else if (r->cpuid15_khz) {
		r->khz = r->cpuid15_khz;
		r->source = TSC_SOURCE_CPUID_15;
	} else if (r->cpuid16_khz) {
		r->khz = r->cpuid16_khz;
		r->source = TSC_SOURCE_CPUID_16;
	} else {
		r->khz = 0;
		r->source = TSC_SOURCE_UNKNOWN;
	}
	return r->khz;
}

/* An snprintf that appends, keeping the length the whole text would have. */
struct line {
	char *buf;
	size_t size;
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void add(struct line *l,
						      const char *fmt, ...)
{
	va_list ap;
	size_t at = l->len < l->size ? l->len : l->size;

	va_start(ap, fmt);
	l->len += (size_t)fmt_vsnprintf(l->size ? l->buf + at : l->buf,
					l->size - at, fmt, ap);
	va_end(ap);
}

static void add_percent(struct line *l, uint64_t permille)
{
	add(l, "%lu.%lu%%", (unsigned long)(permille / 10),
	    (unsigned long)(permille % 10));
}

/* "; CPUID 0x15 says N kHz (agrees)" for each leaf that says anything. */
static void add_cpuid(struct line *l, const struct tsc_report *r)
{
	const uint64_t khz[] = {r->cpuid15_khz, r->cpuid16_khz};
	const char *const leaf[] = {"0x15", "0x16"};

	for (unsigned i = 0; i < ARRAY_SIZE(khz); i++) {
		if (!khz[i])
			continue;
		add(l, "; CPUID %s says %lu kHz", leaf[i],
		    (unsigned long)khz[i]);
		if (!r->measured_khz)
			continue;
		if (tsc_calc_agrees(r->measured_khz, khz[i])) {
			add(l, " (agrees)");
		} else {
			add(l, " (differs by ");
			add_percent(l, tsc_calc_diff_permille(r->measured_khz,
							      khz[i]));
			add(l, ")");
		}
	}
	if (!r->cpuid15_khz && !r->cpuid16_khz)
		add(l, "; CPUID leaves 0x15/0x16 give no frequency");
}

int tsc_calc_describe(const struct tsc_report *r, char *buf, size_t size)
{
	struct line l = {.buf = buf, .size = size};
	static const char *const verdict[] = {
		[TSC_SOURCE_UNKNOWN] = "the TSC frequency is unknown",
		[TSC_SOURCE_MEASURED] = "using the measurement",
		[TSC_SOURCE_CPUID_15] = "using CPUID 0x15",
		[TSC_SOURCE_CPUID_16] = "using CPUID 0x16",
	};

	if (size)
		buf[0] = '\0';
	if (r->measured_khz) {
		add(&l, "%lu kHz measured against %s (median of %u, spread ",
		    (unsigned long)r->measured_khz, r->clock, r->samples);
		add_percent(&l, r->spread_permille);
		add(&l, ")");
	} else {
		add(&l, "not measured against %s: %s", r->clock,
		    r->failure ? r->failure : "no sample");
	}
	add_cpuid(&l, r);
	add(&l, "; %s", verdict[r->source]);
	return (int)l.len;
}
