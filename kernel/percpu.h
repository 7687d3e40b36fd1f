/*
 * kernel/percpu.h - per-CPU data: one struct percpu for each CPU that
 * started, reached through GS base (the struct's first field points to
 * itself). Fields are written by their own CPU, except where noted.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include "arch/x86_64/gdt.h"
#include "lib/types.h"

#define CPUS_MAX       64
#define CPU_STACK_SIZE (16 * 1024)

struct percpu {
	struct percpu *self; /* at GS:0 */
	uint32_t index;	     /* 0 = boot CPU; order of the MADT */
	uint32_t apic_id;
	volatile bool online; /* set by this CPU when it reached C */
	volatile bool vmx_on; /* set by this CPU after VMXON succeeded */
	hpa_t vmxon_region;
	char vmx_error[160]; /* why VMX could not be turned on, if not */
	struct cpu_tables tables;
};

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/* Make p this CPU's per-CPU area: GDT, TSS, IDT and GS base. */
void percpu_install(struct percpu *p);

extern struct percpu *percpu_table[CPUS_MAX]; /* by index; boot CPU fills */
extern unsigned percpu_count;

#endif
