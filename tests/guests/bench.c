/*
 * tests/guests/bench.c - the guest `make bench` runs (scripts/bench), once
 * bare in Bochs and once under the hypervisor: it times CPUID, VMCALL, an
 * OUT to an unclaimed port, an IN from the UART's line status register, a
 * read beyond its RAM (an EPT violation under the hypervisor) and a
 * CPU-bound loop, in RDTSC ticks. Under Bochs with `clock: sync=none` a
 * tick is one emulated instruction, guest or hypervisor
 * (docs/performance.md). Multiboot2 guest (docs/guests.md).
 *
 * One line per measurement, for scripts/bench to parse:
 *   bench: NAME min A median B max C ticks (N runs)
 */
#include "tests/guests/lib/guest.h"
#include "vmx/hypercall_abi.h"

const char guest_name[] = "bench";

#define RUNS		1000	 /* timed runs of each operation */
#define WARMUP		100	 /* untimed runs before them */
#define LOOP_RUNS	3	 /* runs of the CPU-bound loop */
#define LOOP_ITERATIONS 10000000 /* LCG steps per loop run */
#define UNCLAIMED_PORT	0x80	 /* POST port: no device under the hv */
#define UART_LSR_PORT	0x3fd	 /* COM1 line status */

/* Numerical Recipes' LCG constants (as tests/guests/worker.c) */
#define LCG_MUL 1664525u
#define LCG_ADD 1013904223u

/*
 * Each timed_* function runs
 *     LFENCE; RDTSC; MOV (keep the start); SETUP; OP; LFENCE; RDTSC
 * and returns the difference of the two RDTSC values. SETUP is exactly one
 * instruction (XOR or MOV) that loads OP's operand, since RDTSC overwrote
 * EAX and EDX; timed_empty has SETUP and no OP, so subtracting its time
 * leaves the cost of OP alone. LFENCE before RDTSC waits for the earlier
 * instructions to complete (SDM Vol. 2B, "RDTSC"); CPUID, the usual
 * serializing instruction, is not used since it exits to the hypervisor.
 * Only the low 32 bits are kept: a difference never comes near 2^32.
 */
#define T_START "lfence\n\trdtsc\n\tmovl %%eax, %%esi\n\t"
#define T_STOP	"\n\tlfence\n\trdtsc\n\tsubl %%esi, %%eax"

typedef uint32_t (*timed_fn)(uint32_t arg);

static uint32_t timed_empty(uint32_t arg)
{
	uint32_t t;

	__asm__ volatile(T_START "xorl %%eax, %%eax" T_STOP
			 : "=a"(t)
			 :
			 : "edx", "esi", "memory");
	return t;
}

static uint32_t timed_cpuid(uint32_t arg)
{
	uint32_t t;

	__asm__ volatile(T_START "xorl %%eax, %%eax\n\tcpuid" T_STOP
			 : "=a"(t)
			 :
			 : "ebx", "ecx", "edx", "esi", "memory");
	return t;
}

static uint32_t timed_vmcall(uint32_t arg)
{
	uint32_t t;

	__asm__ volatile(T_START "movl %1, %%eax\n\tvmcall" T_STOP
			 : "=a"(t)
			 : "i"(HC_VM_ID)
			 : "edx", "esi", "memory");
	return t;
}

static uint32_t timed_out_unclaimed(uint32_t arg)
{
	uint32_t t;

	__asm__ volatile(T_START "xorl %%eax, %%eax\n\toutb %%al, %1" T_STOP
			 : "=a"(t)
			 : "i"(UNCLAIMED_PORT)
			 : "edx", "esi", "memory");
	return t;
}

static uint32_t timed_in_uart_lsr(uint32_t arg)
{
	uint32_t t;

	__asm__ volatile(T_START "movl %1, %%edx\n\tinb %%dx, %%al" T_STOP
			 : "=a"(t)
			 : "i"(UART_LSR_PORT)
			 : "edx", "esi", "memory");
	return t;
}

/* A 32-bit load from ARG, an address with no RAM behind it. */
static uint32_t timed_mmio_read(uint32_t arg)
{
	uint32_t t;

	__asm__ volatile(T_START "movl %1, %%edx\n\tmovl (%%edx), %%eax" T_STOP
			 : "=a"(t)
			 : "D"(arg)
			 : "edx", "esi", "memory");
	return t;
}

static uint32_t samples[RUNS];

static void sort(uint32_t *a, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint32_t x = a[i];
		unsigned j = i;

		for (; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* Print min, median (the lower middle) and max of a[0..n), sorted here. */
static void report(const char *name, uint32_t *a, unsigned n)
{
	sort(a, n);
	gprintf("bench: %s min %u median %u max %u ticks (%u runs)\n", name,
		a[0], a[(n - 1) / 2], a[n - 1], n);
}

/* Under the hypervisor, end this time slice: the hypervisor's console
 * backlog (our last lines, drained by the boot CPU between slices) is
 * then paid before the timing, not during it. Bare: nothing to do. */
static void settle(bool hv)
{
	if (hv)
		hypercall(HC_YIELD, 0, 0, 0);
}

/* FN's ticks minus the timing's own (EMPTY), RUNS times after WARMUP. */
static void measure(const char *name, timed_fn fn, uint32_t arg, uint32_t empty,
		    bool hv)
{
	settle(hv);
	for (unsigned i = 0; i < WARMUP; i++)
		fn(arg);
	for (unsigned i = 0; i < RUNS; i++) {
		uint32_t t = fn(arg);

		samples[i] = t > empty ? t - empty : 0;
	}
	report(name, samples, RUNS);
}

static uint32_t lcg(uint32_t n, uint32_t state)
{
	for (uint32_t i = 0; i < n; i++) {
		state = state * LCG_MUL + LCG_ADD;
		__asm__ volatile("" : "+r"(state)); /* one step each time */
	}
	return state;
}

static void measure_loop(bool hv)
{
	uint32_t ticks[LOOP_RUNS], state = 0;

	settle(hv);
	for (unsigned i = 0; i < LOOP_RUNS; i++) {
		uint64_t t0 = rdtsc();

		state = lcg(LOOP_ITERATIONS, state);
		ticks[i] = (uint32_t)(rdtsc() - t0);
	}
	gprintf("bench: loop of %u iterations, state 0x%08x\n", LOOP_ITERATIONS,
		state);
	report("loop", ticks, LOOP_RUNS);
}

/* The timing's own cost: the same every run under Bochs; its minimum is
 * what the other measurements subtract. */
static uint32_t measure_empty(void)
{
	for (unsigned i = 0; i < RUNS; i++)
		samples[i] = timed_empty(0);
	report("empty", samples, RUNS);
	return samples[0];
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	bool hv = hv_present();
	uint32_t empty, beyond;

	gprintf("bench: starting\n");
	idt_install();
	if (mb2_view(magic, info, &v))
		return 1;
	if (hv)
		gprintf("bench: under the hypervisor, VM %u\n", vm_id());
	else
		gprintf("bench: no hypervisor (CPUID 0x40000000): running "
			"bare\n");
	beyond = (uint32_t)ALIGN_UP(v.ram_end, MIB);
	gprintf("bench: RAM ends at 0x%08x; 0x%08x reads 0x%08x\n",
		(uint32_t)v.ram_end, beyond, peek32(beyond));
	empty = measure_empty();
	measure("cpuid", timed_cpuid, 0, empty, hv);
	if (hv)
		measure("vmcall", timed_vmcall, 0, empty, hv);
	else
		gprintf("bench: vmcall skipped: #UD without a hypervisor\n");
	measure("out-unclaimed", timed_out_unclaimed, 0, empty, hv);
	measure("in-uart-lsr", timed_in_uart_lsr, 0, empty, hv);
	measure("mmio-read", timed_mmio_read, beyond, empty, hv);
	measure_loop(hv);
	gprintf("bench: done\n");
	return 0;
}
