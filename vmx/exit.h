/*
 * vmx/exit.h - handling a VM exit: the dispatch table, what a handler
 * returns, and the helpers handlers share.
 * Runs on the CPU the vCPU runs on, interrupts off, VMCS current.
 * See docs/vm-exit.md for the life of an exit.
 */
#ifndef VMX_EXIT_H
#define VMX_EXIT_H

#include "vmx/vcpu.h"
#include "vmx/vm.h"
#include "vmx/vmcs.h"

/* What the run loop does after a handler. A handler that completes an
 * instruction calls vcpu_skip_insn() itself or returns EXIT_ADVANCE; an
 * exit that must not skip anything (EPT violation before emulation,
 * interrupts, faults being reflected) returns EXIT_RESUME. */
enum exit_action {
	EXIT_RESUME,	 /* enter the guest again where it was */
	EXIT_ADVANCE,	 /* skip the exiting instruction, then enter */
	EXIT_RESCHEDULE, /* let the scheduler pick the next vCPU */
	EXIT_STOP_VM,	 /* vm_stop() was called with the reason */
};

typedef enum exit_action (*exit_handler_fn)(struct vcpu *v);

/* Handle the exit that just happened: read its reason, re-inject any
 * event whose delivery the exit interrupted, run the handler for its
 * reason and, on EXIT_ADVANCE, skip the instruction. True when the
 * guest can be entered again at once (EXIT_RESUME or EXIT_ADVANCE). */
bool exit_handle(struct vcpu *v);

/* Move RIP past the exiting instruction (VM-exit instruction length),
 * or past `len` bytes for an instruction the hypervisor decoded itself
 * (an EPT violation gives no instruction length). */
void vcpu_skip_insn(struct vcpu *v);
void vcpu_skip_insn_len(struct vcpu *v, unsigned len);

/* The exit qualification of the exit being handled, read when a handler
 * needs it (most exits do not). */
#define vcpu_exit_qualification() vmcs_readn(VMCS_EXIT_QUALIFICATION)
/* Queue an exception for the next VM entry (SDM Vol. 3C, "VM-Entry
 * Controls for Event Injection"). */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error_code);
static inline void vcpu_inject_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, 13, true, 0);
}
static inline void vcpu_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, 6, false, 0);
}
/* The guest's paging registers as guest_walk needs them, and its RAM as
 * guest_walk reads it (ctx: the struct vm). vmx/inject.c. */
struct guest_paging;
void vcpu_paging_state(struct guest_paging *pg);
bool vcpu_read_gpa(void *ctx, gpa_t gpa, void *buf, size_t len);
/* The guest's current privilege level (SS.DPL). */
unsigned vcpu_cpl(void);
/* Print the vCPU's registers and VMCS guest state, for a VM being
 * stopped by something unexpected. */
void vcpu_dump(struct vcpu *v);

/* Handlers, one file per family (vmx/exit_*.c). */
enum exit_action exit_cpuid(struct vcpu *v);
enum exit_action exit_hlt(struct vcpu *v);
enum exit_action exit_vmcall(struct vcpu *v);
enum exit_action exit_io(struct vcpu *v);
enum exit_action exit_rdmsr(struct vcpu *v);
enum exit_action exit_wrmsr(struct vcpu *v);
enum exit_action exit_cr_access(struct vcpu *v);
enum exit_action exit_xsetbv(struct vcpu *v);
enum exit_action exit_cache(struct vcpu *v);
enum exit_action exit_vmx_insn(struct vcpu *v);
enum exit_action exit_triple_fault(struct vcpu *v);
enum exit_action exit_exception(struct vcpu *v);
enum exit_action exit_external_interrupt(struct vcpu *v);
enum exit_action exit_preemption_timer(struct vcpu *v);
enum exit_action exit_ept_violation(struct vcpu *v);
enum exit_action exit_ept_misconfig(struct vcpu *v);
enum exit_action exit_entry_failure(struct vcpu *v);
enum exit_action exit_interrupt_window(struct vcpu *v); /* vcpu_intr.c */
/* APIC virtualization's exits (vcpu_intr.c) */
enum exit_action exit_apic_access(struct vcpu *v);
enum exit_action exit_virtualized_eoi(struct vcpu *v);
enum exit_action exit_apic_write(struct vcpu *v);
/* An access to gpa that exited (EPT violation, APIC access): emulated
 * as the device or interrupt controller there, or as nothing
 * (exit_ept.c). */
enum exit_action exit_mmio_at(struct vcpu *v, gpa_t gpa);

#endif
