/*
 * tests/guests/lib/guest.h - the small library every test guest links:
 * serial console, printf, hypercalls (or Bochs power-off when there is no
 * hypervisor), Multiboot2 and Multiboot information, CPUID/MSR/port helpers and an IDT
 * whose handlers either recover from an expected fault or report it.
 * Runs in the guest: 32-bit protected mode, paging off, CPL 0, one CPU.
 */
#ifndef TESTS_GUESTS_LIB_GUEST_H
#define TESTS_GUESTS_LIB_GUEST_H

#include "lib/types.h"
#include "tests/guests/lib/mb1info.h"

/* Each guest defines its name; library messages start with it. */
extern const char guest_name[];

/* The guest's main, called by crt0.S with the Multiboot2 (or, for a
 * Multiboot guest, Multiboot) magic and the information's address. Its return value is the exit code. */
int main(uint32_t magic, uint32_t info);

/* ---- console (serial.c, print.c) */
void serial_init(void);
void serial_putc(char c);
void serial_flush(void); /* until the last byte has left the UART */
/* A received byte, or -1 when none waits (LSR.DR); *overrun (may be
 * NULL) tells whether LSR.OE said bytes were lost. */
int serial_getc(bool *overrun);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- hypervisor or bare machine (hypercall.c) */
bool hv_present(void); /* CPUID 0x40000000 says HV_CPUID_SIGNATURE */
long hypercall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3);
uint32_t vm_id(void); /* HC_VM_ID, or 0 without a hypervisor */
/* HC_SHUTDOWN with CODE; without a hypervisor, Bochs's shutdown port. */
__attribute__((noreturn)) void guest_exit(int code);

/* ---- Multiboot2 information (mb2info.c) */
struct mb2_view {
	uint32_t info, info_end; /* guest-physical extent of the info */
	const char *cmdline;	 /* "" when absent */
	uint32_t mods_end;	 /* first byte above every module, or 0 */
	uint64_t usable_bytes;	 /* sum of available mmap ranges */
	uint64_t ram_end;	 /* end of the highest available range */
	const void *mmap;	 /* the mmap tag, or NULL */
};
/* Parse the information; prints why and returns -1 if it is unusable. */
int mb2_view(uint32_t magic, uint32_t info, struct mb2_view *v);
/* Call FN for each available range [base, base+len) of the mmap. */
void mb2_for_each_ram(const struct mb2_view *v,
		      void (*fn)(uint64_t base, uint64_t len, void *arg),
		      void *arg);
/* The value of KEY=VALUE (or the word KEY alone: 1) in the command
 * line, as a decimal number; DEFAULT when absent. */
uint32_t cmdline_number(const char *cmdline, const char *key, uint32_t dflt);
bool cmdline_has(const char *cmdline, const char *word);

/* ---- exceptions (idt.c, idt_stubs.S) */
struct trap_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax; /* pusha */
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};
void idt_install(void);
/* Point gate VECTOR (below 32) at SELECTOR:OFFSET; TYPE is the access
 * byte, e.g. 0x8e (present, DPL 0, 32-bit interrupt gate). */
void idt_set_gate(unsigned vector, uint16_t selector, uint32_t offset,
		  uint8_t type);
/* The linear address of gate VECTOR in the IDT. */
uint32_t idt_gate_address(unsigned vector);
/* The vector of the last fault an EX_TABLE entry recovered from, or -1. */
extern volatile int last_fault;

/*
 * After an instruction at label FROM, a fault resumes at label TO and
 * sets last_fault; any other fault is reported and ends the guest. Use
 * inside an asm statement: "1: rdmsr\n2:\n" EX_TABLE(1b, 2b).
 */
#define EX_TABLE(from, to)                  \
	".pushsection .ex_table, \"a\"\n\t" \
	".long " #from ", " #to "\n\t"      \
	".popsection\n\t"

/* ---- the CPU (inline: one instruction each) */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* MMIO-style access that the compiler may neither drop nor merge. */
static inline uint32_t peek32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void poke32(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

#endif
