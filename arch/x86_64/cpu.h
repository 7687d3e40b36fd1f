/*
 * arch/x86_64/cpu.h - thin inline wrappers for x86 instructions:
 * CPUID, MSRs, control registers, port I/O, TSC, interrupts flag.
 * Any context, host only (never built for the unit tests).
 */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include "lib/types.h"

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)));
}

#define CPU_DEFINE_CR(n)                                                 \
	static inline uint64_t read_cr##n(void)                          \
	{                                                                \
		uint64_t v;                                              \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));        \
		return v;                                                \
	}                                                                \
	static inline void write_cr##n(uint64_t v)                       \
	{                                                                \
		__asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); \
	}
CPU_DEFINE_CR(0)
CPU_DEFINE_CR(2)
CPU_DEFINE_CR(3)
CPU_DEFINE_CR(4)
#undef CPU_DEFINE_CR

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* count 16-bit reads of one port into buf, or writes from it. */
static inline void insw(uint16_t port, uint16_t *buf, unsigned long count)
{
	__asm__ volatile("rep insw"
			 : "+D"(buf), "+c"(count)
			 : "d"(port)
			 : "memory");
}

static inline void outsw(uint16_t port, const uint16_t *buf,
			 unsigned long count)
{
	__asm__ volatile("rep outsw"
			 : "+S"(buf), "+c"(count)
			 : "d"(port)
			 : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* Write the cache line holding p back to memory (for a device that
 * does not snoop the caches, e.g. a VT-d unit without ECAP.C). */
static inline void clflush(const volatile void *p)
{
	__asm__ volatile("clflush %0" : "+m"(*(volatile char *)p));
}

/* Every earlier load and store is globally visible before any later. */
static inline void mfence(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void cpu_halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/* Stop this CPU for good: interrupts off, halt forever. */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

#endif
