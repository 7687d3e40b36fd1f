/*
 * tests/guests/lib/ring3.h - what a test guest needs to run code at
 * CPL 3 and come back: a GDT with flat ring-0 and ring-3 segments, a TSS
 * (the ring-0 stack for the way back) and a call gate into ring 0.
 * Header only, so that only the guests that include it change (the
 * others' images, hence hello's memory checksums, stay as they are).
 * 32-bit protected mode, paging off, the guest's own code.
 * SDM Vol. 3A, "Segment Descriptors", "Call Gates", "Task-State Segment
 * (TSS)".
 */
#ifndef TESTS_GUESTS_LIB_RING3_H
#define TESTS_GUESTS_LIB_RING3_H

#include "tests/guests/lib/guest.h"

/* The GDT ring3_tables_install builds (index 0 is the null entry). */
#define SEL_CODE0     0x08
#define SEL_DATA0     0x10
#define SEL_CODE3     (0x18 | 3)
#define SEL_DATA3     (0x20 | 3)
#define SEL_TSS	      0x28
#define SEL_GATE      (0x30 | 3)
#define RING3_GDT_LEN 7

struct tss32 {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
} __attribute__((packed));

/* A segment descriptor. */
static inline uint64_t gdt_segment(uint32_t base, uint32_t limit,
				   uint8_t access, uint8_t flags)
{
	return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)access << 40) |
	       ((uint64_t)(limit >> 16 & 0xf) << 48) | ((uint64_t)flags << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

/* A 32-bit call gate to SEL_CODE0:target, callable from ring 3. */
static inline uint64_t gdt_call_gate(void (*target)(void))
{
	uint32_t off = (uint32_t)target;

	return (off & 0xffff) | ((uint64_t)SEL_CODE0 << 16) |
	       ((uint64_t)0xec << 40) | ((uint64_t)(off >> 16) << 48);
}

/* Load a GDT with the selectors above into gdt, a TSS whose ring-0
 * stack ends at esp0, and a call gate from ring 3 to back. The TSS has
 * no I/O bitmap: ring 3 reaches the UART through IOPL 3. */
static inline void ring3_tables_install(uint64_t gdt[RING3_GDT_LEN],
					struct tss32 *tss, uint32_t esp0,
					void (*back)(void))
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = {RING3_GDT_LEN * 8 - 1, (uint32_t)gdt};

	gdt[1] = gdt_segment(0, 0xfffff, 0x9a, 0xc); /* ring-0 code */
	gdt[2] = gdt_segment(0, 0xfffff, 0x92, 0xc); /* ring-0 data */
	gdt[3] = gdt_segment(0, 0xfffff, 0xfa, 0xc); /* ring-3 code */
	gdt[4] = gdt_segment(0, 0xfffff, 0xf2, 0xc); /* ring-3 data */
	gdt[5] = gdt_segment((uint32_t)tss, sizeof(*tss) - 1, 0x89, 0);
	gdt[6] = gdt_call_gate(back);
	tss->ss0 = SEL_DATA0;
	tss->esp0 = esp0;
	tss->iomap = sizeof(*tss);
	__asm__ volatile("lgdt %0\n\t"
			 "ltr %w1"
			 :
			 : "m"(desc), "r"(SEL_TSS)
			 : "memory");
}

#endif
