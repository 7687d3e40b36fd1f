/*
 * vmx/exit_sched.c - the exits that hand the CPU back to the hypervisor:
 * an external interrupt (the host's own) and the VMX-preemption timer
 * (the end of a time slice, or the guest's APIC timer).
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "VMX-Preemption Timer", "Acknowledge interrupt on exit".
 */
#include "arch/x86_64/trap.h"
#include "vmx/exit.h"
#include "vmx/run.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"

/* The kick (another CPU gave this vCPU an interrupt) only needs the
 * check before the next entry; any other host interrupt is the host's
 * business and the scheduler's turn. */
enum exit_action exit_external_interrupt(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_EXIT_INTR_INFO);
	uint8_t vector = (uint8_t)(info & INTR_INFO_VECTOR_MASK);

	if (!(info & INTR_INFO_VALID))
		return EXIT_RESCHEDULE;
	trap_handle_vector(vector);
	if (vector != VECTOR_KICK)
		return EXIT_RESCHEDULE;
	return vcpu_intr_check(v) ? EXIT_RESUME : EXIT_RESCHEDULE;
}

/* The end of the slice, or the guest's APIC timer due before it. */
enum exit_action exit_preemption_timer(struct vcpu *v)
{
	if (run_timer_expired(v))
		return EXIT_RESCHEDULE;
	return vcpu_intr_check(v) ? EXIT_RESUME : EXIT_RESCHEDULE;
}
