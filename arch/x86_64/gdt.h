/*
 * arch/x86_64/gdt.h - per-CPU GDT and TSS (64-bit flat segments).
 * Called once on each CPU while it starts, interrupts off.
 * SDM Vol. 3A, "Segment Descriptors", "Task-State Segment (TSS)" (64-bit).
 */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#include "lib/types.h"

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS	      0x18

/* Interrupt-stack-table slots for faults that must not use a bad stack. */
#define IST_DOUBLE_FAULT  1
#define IST_NMI		  2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE	  4096

/* SDM Vol. 3A, "64-Bit Task State Segment" */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct cpu_tables {
	uint64_t gdt[5]; /* null, code64, data, tss (two slots) */
	struct tss64 tss;
	uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
};

/* Build this CPU's GDT and TSS in *t and load them (LGDT, segments, LTR). */
void gdt_load(struct cpu_tables *t);

#endif
