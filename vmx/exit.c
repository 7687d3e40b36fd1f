/*
 * vmx/exit.c - the VM-exit dispatch table.
 * Runs on the vCPU's CPU after every VM exit, interrupts off.
 * SDM Vol. 3C, "VM Exits", "Information for VM Exits During Event
 * Delivery", Appendix "VMX Basic Exit Reasons".
 *
 * Every basic exit reason has a row; a reason without a handler stops
 * that VM with a register dump and leaves every other VM running.
 */
#define LOG_PREFIX "exit: "
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_error.h"

static const exit_handler_fn exit_handlers[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI] = exit_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = exit_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = exit_triple_fault,
	[EXIT_REASON_CPUID] = exit_cpuid,
	[EXIT_REASON_HLT] = exit_hlt,
	[EXIT_REASON_INVD] = exit_cache,
	[EXIT_REASON_WBINVD] = exit_cache,
	[EXIT_REASON_VMCALL] = exit_vmcall,
	[EXIT_REASON_VMCLEAR] = exit_vmx_insn,
	[EXIT_REASON_VMLAUNCH] = exit_vmx_insn,
	[EXIT_REASON_VMPTRLD] = exit_vmx_insn,
	[EXIT_REASON_VMPTRST] = exit_vmx_insn,
	[EXIT_REASON_VMREAD] = exit_vmx_insn,
	[EXIT_REASON_VMRESUME] = exit_vmx_insn,
	[EXIT_REASON_VMWRITE] = exit_vmx_insn,
	[EXIT_REASON_VMXOFF] = exit_vmx_insn,
	[EXIT_REASON_VMXON] = exit_vmx_insn,
	[EXIT_REASON_INVEPT] = exit_vmx_insn,
	[EXIT_REASON_INVVPID] = exit_vmx_insn,
	[EXIT_REASON_VMFUNC] = exit_vmx_insn,
	[EXIT_REASON_GETSEC] = exit_vmx_insn,
	[EXIT_REASON_MWAIT] = exit_vmx_insn,
	[EXIT_REASON_MONITOR] = exit_vmx_insn,
	[EXIT_REASON_RDPMC] = exit_vmx_insn,
	[EXIT_REASON_CR_ACCESS] = exit_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = exit_io,
	[EXIT_REASON_RDMSR] = exit_rdmsr,
	[EXIT_REASON_WRMSR] = exit_wrmsr,
	[EXIT_REASON_XSETBV] = exit_xsetbv,
	[EXIT_REASON_INVALID_GUEST_STATE] = exit_entry_failure,
	[EXIT_REASON_MSR_LOADING] = exit_entry_failure,
	[EXIT_REASON_MACHINE_CHECK] = exit_entry_failure,
	[EXIT_REASON_EPT_VIOLATION] = exit_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = exit_ept_misconfig,
	[EXIT_REASON_PREEMPTION_TIMER] = exit_preemption_timer,
};

/* An event that was being delivered when the exit happened is delivered
 * again on the next entry (SDM "Information for VM Exits During Event
 * Delivery"); the instruction length matters for software events. */
static void reinject_vectoring_event(void)
{
	uint32_t info = vmcs_read32(VMCS_IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info & ~BIT(12));
	if (info & INTR_INFO_DELIVER_ERROR)
		vmcs_write32(VMCS_ENTRY_EXC_ERROR,
			     vmcs_read32(VMCS_IDT_VECTORING_ERROR));
	vmcs_write32(VMCS_ENTRY_INSN_LEN, vmcs_read32(VMCS_EXIT_INSN_LEN));
}

static enum exit_action exit_unhandled(struct vcpu *v)
{
	vcpu_dump(v);
	vm_stop(v->vm, "unhandled VM exit: %s (reason %u, qualification 0x%lx)",
		vmx_exit_reason_string(v->exit_reason), v->exit_reason,
		(unsigned long)v->exit_qualification);
	return EXIT_STOP_VM;
}

enum exit_action exit_dispatch(struct vcpu *v)
{
	uint32_t raw = vmcs_read32(VMCS_EXIT_REASON);
	exit_handler_fn fn = NULL;

	v->exit_reason = raw & 0xffff;
	v->exit_qualification = vmcs_readn(VMCS_EXIT_QUALIFICATION);
	v->exit_insn_len = vmcs_read32(VMCS_EXIT_INSN_LEN);
	if (v->exit_reason < EXIT_REASON_COUNT) {
		v->exit_counts[v->exit_reason]++;
		fn = exit_handlers[v->exit_reason];
	}
	if (!(raw & EXIT_REASON_ENTRY_FAILED))
		reinject_vectoring_event();
	return fn ? fn(v) : exit_unhandled(v);
}

void vcpu_skip_insn(struct vcpu *v)
{
	uint32_t interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	vmcs_writen(VMCS_GUEST_RIP,
		    vmcs_readn(VMCS_GUEST_RIP) + v->exit_insn_len);
	/* Completing an instruction ends blocking by STI or MOV SS. */
	if (interruptibility & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY,
			     interruptibility & ~(INTERRUPTIBILITY_STI |
						  INTERRUPTIBILITY_MOV_SS));
}
