/*
 * tests/guests/worker.c - a CPU-bound guest: runs a fixed loop (one
 * linear-congruential step per iteration) and reports its progress.
 * Command line: iterations=N (default 10000000) to end after N
 * iterations, or the word forever to run until stopped, printing its
 * count every report=N iterations (default 10000000). Runs as a
 * Multiboot2 guest (docs/guests.md); bare in Bochs it is the baseline
 * for `make bench` (it prints the RDTSC ticks it took).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "worker";

/* Numerical Recipes' LCG constants */
#define LCG_MUL 1664525u
#define LCG_ADD 1013904223u

static uint32_t run(uint32_t n, uint32_t state)
{
	for (uint32_t i = 0; i < n; i++) {
		state = state * LCG_MUL + LCG_ADD;
		__asm__ volatile("" : "+r"(state)); /* one step each time */
	}
	return state;
}

static void forever(uint32_t report)
{
	uint64_t count = 0;
	uint32_t state = 0;

	gprintf("worker: forever, a line every %u iterations\n", report);
	for (;;) {
		state = run(report, state);
		count += report;
		gprintf("worker: count %llu\n", (unsigned long long)count);
	}
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	uint32_t n, step, state = 0, done = 0;
	uint64_t t0;

	gprintf("worker: starting\n");
	if (mb2_view(magic, info, &v))
		return 1;
	if (cmdline_has(v.cmdline, "forever"))
		forever(MAX(cmdline_number(v.cmdline, "report", 10000000), 1));
	n = cmdline_number(v.cmdline, "iterations", 10000000);
	step = MAX(n / 10, 1);
	gprintf("worker: %u iterations\n", n);
	t0 = rdtsc();
	for (unsigned tenth = 1; done < n; tenth++) {
		uint32_t chunk = tenth == 10 ? n - done : MIN(step, n - done);

		state = run(chunk, state);
		done += chunk;
		gprintf("worker: progress %u%%\n",
			(uint32_t)((uint64_t)done * 100 / n));
	}
	gprintf("worker: done %u in %llu ticks, state 0x%08x\n", done,
		(unsigned long long)(rdtsc() - t0), state);
	return 0;
}
