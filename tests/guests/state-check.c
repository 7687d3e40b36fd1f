/*
 * tests/guests/state-check.c - fills the registers VMX does not switch
 * with values of its own (x87 stack and control word, MXCSR, XMM/YMM/ZMM
 * 0-7 and opmasks, XCR0, KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK,
 * TSC_AUX), each derived from its VM id, then runs a long loop and checks
 * them again and again. Two of these on one pCPU prove that the
 * hypervisor gives each vCPU its own state back after every switch.
 * Before filling anything it checks the state a CPU has after reset
 * (MXCSR 0x1f80, XMM zero, XCR0 1): a VM must not start with another's.
 * Command line: iterations=N (default 20000000), check=N (iterations
 * between checks, default 2000), legacy: SSE only, CR4.OSXSAVE left
 * clear (XCR0 stays 1), as an OS that knows FXSAVE but not XSAVE.
 * Runs as a Multiboot2 guest (docs/guests.md). The library is built with
 * -mgeneral-regs-only, so nothing but the asm here touches these
 * registers.
 */
#include "tests/guests/lib/guest.h"
#include "lib/fmt.h"
#include "lib/string.h"

const char guest_name[] = "state-check";

/* SDM Vol. 3A, "Control Registers"; Vol. 1, "XSAVE-Supported Features" */
#define CR0_MP		   BIT(1)
#define CR0_EM		   BIT(2)
#define CR0_TS		   BIT(3)
#define CR4_OSFXSR	   BIT(9)
#define CR4_OSXMMEXCPT	   BIT(10)
#define CR4_OSXSAVE	   BIT(18)
#define CPUID1_ECX_XSAVE   BIT(26)
#define CPUID1_ECX_AVX	   BIT(28)
#define CPUID7_EBX_AVX512F BIT(16)
#define CPUIDX1_EDX_RDTSCP BIT(27)
#define XCR0_X87_SSE_AVX   0x7ull
#define XCR0_AVX512	   0xe0ull /* opmask, ZMM_Hi256, Hi16_ZMM */
#define MXCSR_RESET	   0x1f80u

/* FXSAVE layout: SDM Vol. 1, "FXSAVE Area" (Vol. 2A, "FXSAVE") */
#define FX_FCW	 0
#define FX_FSW	 2
#define FX_FTW	 4
#define FX_MXCSR 24
#define FX_ST0	 32
#define FX_XMM0	 160

#define NREGS 8 /* x87 stack, XMM/YMM/ZMM 0-7 in 32-bit mode */

static const struct {
	const char *name;
	uint32_t index;
	uint64_t base;
} msrs[] = {
	{"KERNEL_GS_BASE", 0xc0000102, 0xffff800012340000ull},
	{"STAR", 0xc0000081, 0x0023001000000000ull},
	{"LSTAR", 0xc0000082, 0xffffffff81000000ull},
	{"CSTAR", 0xc0000083, 0xffffffff82000000ull},
	{"SFMASK", 0xc0000084, 0x00047700ull},	/* bits 63:32 reserved */
	{"TSC_AUX", 0xc0000103, 0x7a000000ull}, /* bits 63:32 reserved */
};

enum mode { MODE_LEGACY, MODE_AVX, MODE_AVX512 };

struct state {
	enum mode mode;
	uint32_t id;
	uint16_t fcw;
	uint32_t mxcsr;
	uint64_t xcr0;
	uint64_t st[NREGS];	 /* pushed in this order: ST(i) = st[7-i] */
	uint32_t vec[NREGS][16]; /* XMM/YMM/ZMM i, as 32-bit words */
	uint16_t kmask[NREGS];	 /* opmasks k0-k7 */
	uint64_t msr[ARRAY_SIZE(msrs)];
};

static uint8_t fx[512] __attribute__((aligned(64)));

static uint32_t mix(uint32_t x)
{
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	x *= 0x297a2d39u;
	return x ^ (x >> 15);
}

/* ---- the CPU */
static uint32_t read_cr(int n)
{
	uint32_t v;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" ::"r"(v));
}

static void write_cr4(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v));
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static uint32_t rdtscp_aux(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

static void fxsave(void)
{
	__asm__ volatile("fxsave %0" : "=m"(fx));
}

/* The vector registers 0-7, whole (16, 32 or 64 bytes each), to or
 * from vecs[i] (64 bytes apart). */
#define ONE(insn, dir, reg, i, off) insn " " dir(reg, i, off) "\n\t"
/* clang-format off: one register a line */
#define EIGHT(insn, reg, dir)       \
	ONE(insn, dir, reg, 0, 0)   \
	ONE(insn, dir, reg, 1, 64)  \
	ONE(insn, dir, reg, 2, 128) \
	ONE(insn, dir, reg, 3, 192) \
	ONE(insn, dir, reg, 4, 256) \
	ONE(insn, dir, reg, 5, 320) \
	ONE(insn, dir, reg, 6, 384) \
	ONE(insn, dir, reg, 7, 448)
/* clang-format on */
#define TO_MEM(reg, i, off)   "%%" #reg #i ", " #off "(%0)"
#define FROM_MEM(reg, i, off) #off "(%0), %%" #reg #i

static uint32_t vecs[NREGS][16] __attribute__((aligned(64)));

static void store_vecs(enum mode mode)
{
	if (mode == MODE_LEGACY)
		__asm__ volatile(EIGHT("movdqu", xmm, TO_MEM)::"r"(vecs)
				 : "memory");
	else if (mode == MODE_AVX)
		__asm__ volatile(EIGHT("vmovdqu", ymm, TO_MEM)::"r"(vecs)
				 : "memory");
	else
		__asm__ volatile(EIGHT("vmovdqu32", zmm, TO_MEM)::"r"(vecs)
				 : "memory");
}

static void load_vecs(enum mode mode)
{
	if (mode == MODE_LEGACY)
		__asm__ volatile(EIGHT("movdqu", xmm, FROM_MEM)::"r"(vecs)
				 : "memory");
	else if (mode == MODE_AVX)
		__asm__ volatile(EIGHT("vmovdqu", ymm, FROM_MEM)::"r"(vecs)
				 : "memory");
	else
		__asm__ volatile(EIGHT("vmovdqu32", zmm, FROM_MEM)::"r"(vecs)
				 : "memory");
}

static unsigned vec_words(enum mode mode)
{
	return mode == MODE_LEGACY ? 4 : mode == MODE_AVX ? 8 : 16;
}

/* Opmask registers k0-k7 (state component 5; k0 means "no mask" in
 * EVEX encodings but holds a value like the others). */
static void store_kmasks(uint16_t k[NREGS])
{
	uint32_t v[NREGS];

	__asm__ volatile("kmovw %%k0, %0\n\tkmovw %%k1, %1\n\t"
			 "kmovw %%k2, %2\n\tkmovw %%k3, %3"
			 : "=r"(v[0]), "=r"(v[1]), "=r"(v[2]), "=r"(v[3]));
	__asm__ volatile("kmovw %%k4, %0\n\tkmovw %%k5, %1\n\t"
			 "kmovw %%k6, %2\n\tkmovw %%k7, %3"
			 : "=r"(v[4]), "=r"(v[5]), "=r"(v[6]), "=r"(v[7]));
	for (unsigned i = 0; i < NREGS; i++)
		k[i] = (uint16_t)v[i];
}

static void load_kmasks(const uint16_t k[NREGS])
{
	__asm__ volatile(
		"kmovw %0, %%k0\n\tkmovw %1, %%k1\n\t"
		"kmovw %2, %%k2\n\tkmovw %3, %%k3" ::"r"((uint32_t)k[0]),
		"r"((uint32_t)k[1]), "r"((uint32_t)k[2]), "r"((uint32_t)k[3]));
	__asm__ volatile(
		"kmovw %0, %%k4\n\tkmovw %1, %%k5\n\t"
		"kmovw %2, %%k6\n\tkmovw %3, %%k7" ::"r"((uint32_t)k[4]),
		"r"((uint32_t)k[5]), "r"((uint32_t)k[6]), "r"((uint32_t)k[7]));
}

/* FNINIT, the control word, then eight FILDs: ST(7-i) = st[i]. */
static void load_x87(uint16_t fcw, const uint64_t st[NREGS])
{
	__asm__ volatile("fninit\n\tfldcw %1\n\t"
			 "fildll 0(%0)\n\tfildll 8(%0)\n\t"
			 "fildll 16(%0)\n\tfildll 24(%0)\n\t"
			 "fildll 32(%0)\n\tfildll 40(%0)\n\t"
			 "fildll 48(%0)\n\tfildll 56(%0)" ::"r"(st),
			 "m"(fcw)
			 : "memory");
}

static void load_mxcsr(uint32_t v)
{
	__asm__ volatile("ldmxcsr %0" ::"m"(v));
}

/* The 80-bit extended-precision bytes of a positive integer, as FILD
 * makes them: 64-bit significand with its top bit set, exponent biased
 * by 16383 (SDM Vol. 1, "Floating-Point Data Types"). */
static void int_to_ext80(uint64_t v, uint8_t out[10])
{
	unsigned shift = (unsigned)__builtin_clzll(v);
	uint64_t mant = v << shift;
	uint16_t exp = (uint16_t)(16383 + 63 - shift);

	for (unsigned b = 0; b < 8; b++)
		out[b] = (uint8_t)(mant >> (8 * b));
	out[8] = (uint8_t)exp;
	out[9] = (uint8_t)(exp >> 8);
}

/* ---- what each register should hold */
static void make_state(struct state *s, uint32_t id, enum mode mode)
{
	s->mode = mode;
	s->id = id;
	/* exceptions masked as after FNINIT and reset; rounding control
	 * (and MXCSR's flush-to-zero) from the id */
	s->fcw = (uint16_t)(0x037f | (((id + 1) & 3) << 10));
	s->mxcsr =
		MXCSR_RESET | (((id + 1) & 3) << 13) | ((id & 4) ? BIT(15) : 0);
	s->xcr0 = mode == MODE_LEGACY ? 1
		  : mode == MODE_AVX  ? XCR0_X87_SSE_AVX
				      : XCR0_X87_SSE_AVX | XCR0_AVX512;
	for (unsigned i = 0; i < NREGS; i++) {
		uint32_t h = mix(id * 0x9e3779b1u + i);

		/* positive, below 2^62: FILD loads it exactly */
		s->st[i] = ((uint64_t)(h & 0x3fffffffu) << 32 | mix(h)) + 1;
		for (unsigned w = 0; w < 16; w++)
			s->vec[i][w] =
				mix((id + 1) * 0x85ebca6bu ^ (i << 8 | w));
		s->kmask[i] = (uint16_t)mix(id ^ 0xabcd0000u ^ i);
	}
	for (unsigned m = 0; m < ARRAY_SIZE(msrs); m++)
		s->msr[m] =
			msrs[m].base ^ ((uint64_t)(id + 1) << 12) ^ (m << 4);
}

/* ---- checking */
static uint32_t checks;

static int fail(const char *what, uint64_t expected, uint64_t got)
{
	gprintf("state-check: FAILED: %s expected 0x%llx got 0x%llx (after "
		"%u checks)\n",
		what, (unsigned long long)expected, (unsigned long long)got,
		checks);
	return -1;
}

static int check_vecs(const struct state *s, bool initial)
{
	char what[48];

	store_vecs(s->mode);
	for (unsigned i = 0; i < NREGS; i++) {
		for (unsigned w = 0; w < vec_words(s->mode); w++) {
			uint32_t want = initial ? 0 : s->vec[i][w];

			if (vecs[i][w] == want)
				continue;
			fmt_snprintf(what, sizeof(what), "%s%s%u word %u",
				     initial ? "initial " : "",
				     s->mode == MODE_LEGACY ? "xmm"
				     : s->mode == MODE_AVX  ? "ymm"
							    : "zmm",
				     i, w);
			return fail(what, want, vecs[i][w]);
		}
	}
	return 0;
}

/* x87 control, status and tag words, the stack, MXCSR, XMM0-7: FXSAVE */
static int check_fxsave(const struct state *s)
{
	char what[32];

	fxsave();
	if (*(uint16_t *)&fx[FX_FCW] != s->fcw)
		return fail("x87 FCW", s->fcw, *(uint16_t *)&fx[FX_FCW]);
	if (*(uint16_t *)&fx[FX_FSW] != 0) /* TOP 0 after 8 pushes */
		return fail("x87 FSW", 0, *(uint16_t *)&fx[FX_FSW]);
	if (fx[FX_FTW] != 0xff) /* abridged: all eight valid */
		return fail("x87 FTW", 0xff, fx[FX_FTW]);
	if (*(uint32_t *)&fx[FX_MXCSR] != s->mxcsr)
		return fail("MXCSR", s->mxcsr, *(uint32_t *)&fx[FX_MXCSR]);
	for (unsigned i = 0; i < NREGS; i++) {
		uint8_t want[10];

		int_to_ext80(s->st[NREGS - 1 - i], want);
		if (memcmp(&fx[FX_ST0 + 16 * i], want, 10) == 0)
			continue;
		fmt_snprintf(what, sizeof(what), "x87 ST(%u) significand", i);
		return fail(what, *(uint64_t *)want,
			    *(uint64_t *)&fx[FX_ST0 + 16 * i]);
	}
	for (unsigned i = 0; i < NREGS; i++) {
		for (unsigned w = 0; w < 4; w++) {
			uint32_t got =
				*(uint32_t *)&fx[FX_XMM0 + 16 * i + 4 * w];

			if (got == s->vec[i][w])
				continue;
			fmt_snprintf(what, sizeof(what), "FXSAVE xmm%u word %u",
				     i, w);
			return fail(what, s->vec[i][w], got);
		}
	}
	return 0;
}

static int check_msrs(const struct state *s)
{
	for (unsigned m = 0; m < ARRAY_SIZE(msrs); m++) {
		uint64_t got = rdmsr(msrs[m].index);

		if (got != s->msr[m])
			return fail(msrs[m].name, s->msr[m], got);
	}
	if (rdtscp_aux() != (uint32_t)s->msr[ARRAY_SIZE(msrs) - 1])
		return fail("TSC_AUX by RDTSCP", s->msr[ARRAY_SIZE(msrs) - 1],
			    rdtscp_aux());
	return 0;
}

static int check(const struct state *s)
{
	if (check_fxsave(s) || check_vecs(s, false) || check_msrs(s))
		return -1;
	if (s->mode != MODE_LEGACY && xgetbv0() != s->xcr0)
		return fail("XCR0", s->xcr0, xgetbv0());
	if (s->mode == MODE_AVX512) {
		uint16_t k[NREGS];

		store_kmasks(k);
		for (unsigned i = 0; i < NREGS; i++) {
			if (k[i] == s->kmask[i])
				continue;
			char what[8] = {'k', (char)('0' + i), 0};

			return fail(what, s->kmask[i], k[i]);
		}
	}
	checks++;
	return 0;
}

/* ---- setting up */
static enum mode pick_mode(const char *cmdline)
{
	uint32_t a, b, c, d, c1, d7, b7;

	cpuid(1, &a, &b, &c1, &d);
	if (cmdline_has(cmdline, "legacy") || !(c1 & CPUID1_ECX_XSAVE))
		return MODE_LEGACY;
	cpuid(0, &a, &b, &c, &d);
	b7 = 0;
	if (a >= 7)
		cpuid(7, &a, &b7, &c, &d7);
	cpuid(0xd, &a, &b, &c, &d); /* a: XCR0 bits the CPU supports */
	if ((b7 & CPUID7_EBX_AVX512F) && (a & XCR0_AVX512) == XCR0_AVX512 &&
	    !cmdline_has(cmdline, "avx"))
		return MODE_AVX512;
	if ((c1 & CPUID1_ECX_AVX) && (a & 4))
		return MODE_AVX;
	return MODE_LEGACY;
}

static bool have_rdtscp(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000001)
		return false;
	cpuid(0x80000001, &a, &b, &c, &d);
	return d & CPUIDX1_EDX_RDTSCP;
}

/* The state a VM starts with, as after power-on: MXCSR 0x1f80, vector
 * registers zero, XCR0 1. Anything else came from another vCPU. */
static int check_initial(enum mode mode)
{
	struct state zero = {.mode = mode};

	fxsave();
	if (*(uint32_t *)&fx[FX_MXCSR] != MXCSR_RESET)
		return fail("initial MXCSR", MXCSR_RESET,
			    *(uint32_t *)&fx[FX_MXCSR]);
	if (mode != MODE_LEGACY) {
		write_cr4(read_cr(4) | CR4_OSXSAVE);
		if (xgetbv0() != 1)
			return fail("initial XCR0", 1, xgetbv0());
		xsetbv0(XCR0_X87_SSE_AVX |
			(mode == MODE_AVX512 ? XCR0_AVX512 : 0));
	}
	if (check_vecs(&zero, true))
		return -1;
	if (mode == MODE_AVX512) {
		uint16_t k[NREGS];

		store_kmasks(k);
		for (unsigned i = 0; i < NREGS; i++)
			if (k[i])
				return fail("initial opmask", 0, k[i]);
	}
	return 0;
}

static void load_state(const struct state *s)
{
	load_x87(s->fcw, s->st);
	load_mxcsr(s->mxcsr);
	memcpy(vecs, s->vec, sizeof(vecs));
	load_vecs(s->mode);
	if (s->mode == MODE_AVX512)
		load_kmasks(s->kmask);
	for (unsigned m = 0; m < ARRAY_SIZE(msrs); m++)
		wrmsr(msrs[m].index, s->msr[m]);
}

/* Numerical Recipes' LCG, as the worker guest: general registers only */
static uint32_t spin(uint32_t n, uint32_t x)
{
	for (uint32_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static const char *const mode_names[] = {
	[MODE_LEGACY] = "SSE (legacy, no XSAVE)",
	[MODE_AVX] = "AVX",
	[MODE_AVX512] = "AVX-512",
};

int main(uint32_t magic, uint32_t info)
{
	static struct state s;
	struct mb2_view v;
	uint32_t n, every, x = 0, gaps = 0;
	uint64_t fastest = ~0ull;
	enum mode mode;

	gprintf("state-check: starting\n");
	if (mb2_view(magic, info, &v))
		return 1;
	idt_install();
	if (!have_rdtscp()) {
		gprintf("state-check: FAILED: no RDTSCP (CPUID 0x80000001)\n");
		return 1;
	}
	n = cmdline_number(v.cmdline, "iterations", 20000000);
	every = MAX(cmdline_number(v.cmdline, "check", 2000), 1);
	mode = pick_mode(v.cmdline);
	write_cr0((read_cr(0) | CR0_MP) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr(4) | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (check_initial(mode))
		return 1;
	make_state(&s, vm_id(), mode);
	load_state(&s);
	gprintf("state-check: VM %u, %s, XCR0 0x%llx, MXCSR 0x%x, %u "
		"iterations, a check every %u\n",
		s.id, mode_names[mode], (unsigned long long)s.xcr0, s.mxcsr, n,
		every);
	if (check(&s))
		return 1;
	for (uint32_t done = 0; done < n; done += every) {
		uint64_t t0 = rdtsc(), t;

		x = spin(MIN(every, n - done), x);
		if (check(&s))
			return 1;
		/* a round much slower than the fastest: another vCPU ran
		 * (RDTSC counts on while we are switched out) */
		t = rdtsc() - t0;
		fastest = MIN(fastest, t);
		gaps += t > fastest + fastest / 2;
	}
	gprintf("state-check: %u checks passed over %u iterations; %u rounds "
		"took 1.5 times the fastest or more (switched out), state "
		"0x%08x\n",
		checks, n, gaps, x);
	return 0;
}
