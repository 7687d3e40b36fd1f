/*
 * vmx/exit_sched.c - the exits that hand the CPU back to the hypervisor:
 * an external interrupt (the host's own) and the VMX-preemption timer
 * (the end of a time slice).
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "VMX-Preemption Timer", "Acknowledge interrupt on exit".
 */
#include "arch/x86_64/trap.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"

enum exit_action exit_external_interrupt(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_EXIT_INTR_INFO);

	if (info & INTR_INFO_VALID)
		trap_handle_vector((uint8_t)(info & INTR_INFO_VECTOR_MASK));
	return EXIT_RESCHEDULE;
}

enum exit_action exit_preemption_timer(struct vcpu *v)
{
	return EXIT_RESCHEDULE;
}
