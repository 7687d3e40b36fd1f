/*
 * kernel/percpu.c - installing a CPU's per-CPU area.
 * Runs on each CPU as it starts, interrupts off.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trap.h"
#include "kernel/percpu.h"

struct percpu *percpu_table[CPUS_MAX];
unsigned percpu_count;

void percpu_install(struct percpu *p)
{
	p->self = p;
	gdt_load(&p->tables);
	trap_load();
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)p);
	wrmsr(MSR_IA32_KERNEL_GS_BASE, 0);
}
