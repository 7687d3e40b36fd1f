/*
 * kernel/tsc.c - measure the TSC frequency at boot against a clock of
 * known rate: the ACPI PM timer when the FADT names one, else the 8254
 * PIT; cross-check with CPUID 0x15/0x16 and trust the measurement.
 * Runs once on the boot CPU, interrupts off (polling only), before VMX.
 * The arithmetic is in tsc_calc.c (host-tested); this file only drives
 * the clocks. SDM Vol. 3B, "Time-Stamp Counter"; SDM Vol. 2A, "CPUID—CPU
 * Identification"; ACPI Specification, "Power Management Timer".
 *
 * Why measure: CPUID may be wrong about the TSC. Bochs (clock: sync=none)
 * claims ~3.5 GHz in CPUID 0x16 while its TSC counts one tick per
 * emulated instruction (100 MHz at ips=100000000), and its PIT and PM
 * timer run on that same emulated time.
 */
#define LOG_PREFIX "tsc: "
#include "arch/x86_64/cpu.h"
#include "drivers/hw/pit.h"
#include "kernel/tsc.h"
#include "lib/log.h"

#define TSC_SAMPLES	  5
#define TSC_SAMPLE_MS	  10
#define PIT_SAMPLE_COUNTS (PIT_HZ * TSC_SAMPLE_MS / 1000)
#define PM_SAMPLE_COUNTS  (PM_TIMER_HZ * TSC_SAMPLE_MS / 1000)
/* A clock that has not moved after 2^22 reads is taken as dead. One
 * port read costs ~1 us on hardware, so this gives up within seconds;
 * 10 ms of the PIT takes ~10^4 reads there, ~10^5 in Bochs. */
#define TSC_POLLS_LOG2 22
#define TSC_POLLS_MAX  (1u << TSC_POLLS_LOG2)
#define STR_(x)	       #x
#define STR(x)	       STR_(x)
#define POLLS_TEXT     "2^" STR(TSC_POLLS_LOG2) " reads"

#define CPUID_LEAF_MAX_BASIC   0x0
#define CPUID_LEAF_TSC_CRYSTAL 0x15
#define CPUID_LEAF_FREQUENCY   0x16

uint64_t tsc_khz;
enum tsc_source tsc_khz_source;

/* A reference clock and how to take one sample against it. */
struct ref_clock {
	const char *name;
	uint64_t hz;
	uint16_t port; /* PM timer: its I/O port and width */
	bool is32;
	/* TSC ticks across *counts periods of the clock; NULL, or why not */
	const char *(*sample)(const struct ref_clock *c, uint64_t *tsc_delta,
			      uint64_t *counts);
};

static const char *pit_sample(const struct ref_clock *c, uint64_t *tsc_delta,
			      uint64_t *counts)
{
	uint64_t t0, t1;
	uint32_t polls = 0;

	pit_oneshot_start((uint16_t)PIT_SAMPLE_COUNTS);
	t0 = rdtsc();
	if (pit_oneshot_done()) {
		pit_oneshot_stop();
		return "channel 2 output is high before its count ran out "
		       "(no 8254 behind port 0x61?)";
	}
	while (!pit_oneshot_done()) {
		if (++polls > TSC_POLLS_MAX) {
			pit_oneshot_stop();
			return "channel 2 never counted down (gave up "
			       "after " POLLS_TEXT " of port 0x61)";
		}
	}
	t1 = rdtsc();
	pit_oneshot_stop();
	*tsc_delta = t1 - t0;
	*counts = PIT_SAMPLE_COUNTS;
	return NULL;
}

static uint32_t pm_timer_read(const struct ref_clock *c)
{
	return inl(c->port);
}

static const char *pm_timer_sample(const struct ref_clock *c,
				   uint64_t *tsc_delta, uint64_t *counts)
{
	uint32_t start = pm_timer_read(c), now, polls = 0;
	uint64_t t0;

	/* Start on a tick of the timer: this proves it counts and removes
	 * up to one count of error at the start. */
	do {
		now = pm_timer_read(c);
		if (++polls > TSC_POLLS_MAX)
			return "it does not count (same value for " POLLS_TEXT
			       ")";
	} while (tsc_calc_pm_delta(start, now, c->is32) == 0);
	t0 = rdtsc();
	start = now;
	for (polls = 0;
	     tsc_calc_pm_delta(start, now, c->is32) < PM_SAMPLE_COUNTS;) {
		if (++polls > TSC_POLLS_MAX)
			return "it counts too slowly (10 ms not reached "
			       "after " POLLS_TEXT ")";
		now = pm_timer_read(c);
	}
	*tsc_delta = rdtsc() - t0;
	*counts = tsc_calc_pm_delta(start, now, c->is32);
	return NULL;
}

/* TSC_SAMPLES samples against c into r: their median, or a failure. */
static void measure(const struct ref_clock *c, struct tsc_report *r)
{
	uint64_t khz[TSC_SAMPLES], tsc_delta, counts;

	r->clock = c->name;
	r->measured_khz = 0;
	r->samples = 0;
	r->failure = NULL;
	for (unsigned i = 0; i < TSC_SAMPLES; i++) {
		r->failure = c->sample(c, &tsc_delta, &counts);
		if (r->failure)
			return;
		khz[i] = tsc_calc_khz(tsc_delta, counts, c->hz);
		if (khz[i] == 0) {
			r->failure = "the TSC did not advance";
			return;
		}
	}
	r->samples = TSC_SAMPLES;
	r->measured_khz = tsc_calc_median(khz, TSC_SAMPLES);
	r->spread_permille = tsc_calc_spread_permille(khz, TSC_SAMPLES);
}

static void read_cpuid(struct tsc_report *r)
{
	uint32_t max = cpuid(CPUID_LEAF_MAX_BASIC, 0).eax;
	struct cpuid_regs l;

	if (max >= CPUID_LEAF_TSC_CRYSTAL) {
		l = cpuid(CPUID_LEAF_TSC_CRYSTAL, 0);
		r->cpuid15_khz = tsc_calc_cpuid15_khz(l.eax, l.ebx, l.ecx);
	}
	if (max >= CPUID_LEAF_FREQUENCY) {
		l = cpuid(CPUID_LEAF_FREQUENCY, 0);
		r->cpuid16_khz = tsc_calc_cpuid16_khz(l.eax);
	}
}

void tsc_init(uint32_t pm_tmr_port, bool pm_tmr_32bit)
{
	const struct ref_clock pit = {
		.name = "the PIT", .hz = PIT_HZ, .sample = pit_sample};
	const struct ref_clock pm_timer = {.name = "the ACPI PM timer",
					   .hz = PM_TIMER_HZ,
					   .port = (uint16_t)pm_tmr_port,
					   .is32 = pm_tmr_32bit,
					   .sample = pm_timer_sample};
	struct tsc_report r = {0};
	char line[256];

	if (pm_tmr_port && pm_tmr_port <= UINT16_MAX) {
		measure(&pm_timer, &r);
		if (!r.measured_khz)
			pr_warn("not measured against the ACPI PM timer at "
				"port 0x%x: %s; trying the PIT",
				pm_tmr_port, r.failure);
	} else if (pm_tmr_port) {
		pr_warn("ACPI PM timer at 0x%x is not an I/O port; trying the "
			"PIT",
			pm_tmr_port);
	}
	if (!r.measured_khz)
		measure(&pit, &r);
	read_cpuid(&r);
	tsc_khz = tsc_calc_choose(&r);
	tsc_khz_source = r.source;
	tsc_calc_describe(&r, line, sizeof(line));
	if (r.source == TSC_SOURCE_MEASURED)
		pr_info("%s", line);
	else
		pr_warn("%s", line);
}
