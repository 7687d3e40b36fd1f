/*
 * vmx/run.h - running vCPUs: each physical CPU takes turns among the
 * vCPUs placed on it, each turn one time slice bounded by the
 * VMX-preemption timer. See docs/scheduling.md.
 */
#ifndef VMX_RUN_H
#define VMX_RUN_H

#include "vmx/vm.h"

/* Once, on the boot CPU, before any CPU runs: the base slice and the
 * number of CPUs that will run vCPUs. */
void run_init(uint64_t time_slice_us, unsigned cpus);
/* Place every vCPU of vm on a CPU's run queue (least loaded allowed). */
int run_add_vm(struct vm *vm, char *err, size_t err_size);
/* Run vCPUs on this CPU. On the boot CPU it returns when every VM has
 * stopped; on the others it never returns. */
void run_cpu(struct percpu *cpu);
/* The host vector of the timer that ends an idle CPU's HLT. */
#define VECTOR_IDLE_TIMER 0xf2
/* v's CPU may be asleep in HLT with nothing to run: wake it (an IPI) so
 * it looks at v again. Any CPU. */
void run_kick_idle(const struct vcpu *v);
/* vm_stop tells the run loop that one VM fewer is running. */
void run_vm_stopped(struct vm *vm);
/* The monitor's `start` tells it that one VM more is running. */
void run_vm_started(struct vm *vm);
/* The guest's APIC timer needs v at host TSC deadline (UINT64_MAX:
 * never): the preemption timer fires by then, the slice's end stays
 * where it was. On v's CPU, VMCS current. */
void run_timer_cap(struct vcpu *v, uint64_t deadline);
/* In the preemption-timer exit: true when v's slice is over; false when
 * the timer fired for the APIC timer (then re-armed for the rest). */
bool run_timer_expired(struct vcpu *v);
/* Print one line per VM: state, why it stopped, run time, exits. */
void run_print_stats(void);

#endif
