/*
 * kernel/smp.h - starting the other CPUs and stopping them.
 * smp_start runs once on the boot CPU; smp_stop_others on any CPU.
 * SDM Vol. 3A, "Multiple-Processor (MP) Initialization", "MP
 * Initialization Protocol Algorithm" (INIT-SIPI-SIPI).
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "kernel/boot_info.h"
#include "kernel/percpu.h"

/* Per-CPU work after the CPU's tables are installed: runs on the boot
 * CPU and on every AP (it turns VMX on and reports). */
typedef void (*smp_cpu_fn)(struct percpu *cpu);

/* Start every CPU the MADT lists, each running fn; wait until each has
 * run fn or timed out. Returns the number of CPUs online. */
unsigned smp_start(const struct boot_info *bi, smp_cpu_fn fn);

/* Give every started AP its work (it was waiting since smp_start); the
 * APs run fn and never come back. */
void smp_release_aps(smp_cpu_fn fn);

/* Stop every other online CPU (NMI); for panic and power-off. */
void smp_stop_others(void);

#endif
