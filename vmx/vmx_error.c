/*
 * vmx/vmx_error.c - VM-instruction error numbers and exit reasons as
 * text, for every message about a failed VMX instruction or an exit.
 * Pure logic; any context; unit-tested on the host.
 * SDM Vol. 3C, "VM Instruction Error Numbers"; Appendix "VMX Basic Exit
 * Reasons".
 */
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_error.h"

static const char *const vmx_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in "
	       "executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

static const char *const exit_reasons[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI] = "exception or NMI",
	[EXIT_REASON_EXTERNAL_INTERRUPT] = "external interrupt",
	[EXIT_REASON_TRIPLE_FAULT] = "triple fault",
	[EXIT_REASON_INIT] = "INIT signal",
	[EXIT_REASON_SIPI] = "start-up IPI",
	[EXIT_REASON_IO_SMI] = "I/O SMI",
	[EXIT_REASON_OTHER_SMI] = "other SMI",
	[EXIT_REASON_INTERRUPT_WINDOW] = "interrupt window",
	[EXIT_REASON_NMI_WINDOW] = "NMI window",
	[EXIT_REASON_TASK_SWITCH] = "task switch",
	[EXIT_REASON_CPUID] = "CPUID",
	[EXIT_REASON_GETSEC] = "GETSEC",
	[EXIT_REASON_HLT] = "HLT",
	[EXIT_REASON_INVD] = "INVD",
	[EXIT_REASON_INVLPG] = "INVLPG",
	[EXIT_REASON_RDPMC] = "RDPMC",
	[EXIT_REASON_RDTSC] = "RDTSC",
	[EXIT_REASON_RSM] = "RSM",
	[EXIT_REASON_VMCALL] = "VMCALL",
	[EXIT_REASON_VMCLEAR] = "VMCLEAR",
	[EXIT_REASON_VMLAUNCH] = "VMLAUNCH",
	[EXIT_REASON_VMPTRLD] = "VMPTRLD",
	[EXIT_REASON_VMPTRST] = "VMPTRST",
	[EXIT_REASON_VMREAD] = "VMREAD",
	[EXIT_REASON_VMRESUME] = "VMRESUME",
	[EXIT_REASON_VMWRITE] = "VMWRITE",
	[EXIT_REASON_VMXOFF] = "VMXOFF",
	[EXIT_REASON_VMXON] = "VMXON",
	[EXIT_REASON_CR_ACCESS] = "control-register access",
	[EXIT_REASON_DR_ACCESS] = "debug-register access",
	[EXIT_REASON_IO_INSTRUCTION] = "I/O instruction",
	[EXIT_REASON_RDMSR] = "RDMSR",
	[EXIT_REASON_WRMSR] = "WRMSR",
	[EXIT_REASON_INVALID_GUEST_STATE] =
		"VM entry failure: invalid guest state",
	[EXIT_REASON_MSR_LOADING] = "VM entry failure: MSR loading",
	[EXIT_REASON_MWAIT] = "MWAIT",
	[EXIT_REASON_MONITOR_TRAP_FLAG] = "monitor trap flag",
	[EXIT_REASON_MONITOR] = "MONITOR",
	[EXIT_REASON_PAUSE] = "PAUSE",
	[EXIT_REASON_MACHINE_CHECK] = "VM entry failure: machine check",
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = "TPR below threshold",
	[EXIT_REASON_APIC_ACCESS] = "APIC access",
	[EXIT_REASON_VIRTUALIZED_EOI] = "virtualized EOI",
	[EXIT_REASON_GDTR_IDTR] = "GDTR or IDTR access",
	[EXIT_REASON_LDTR_TR] = "LDTR or TR access",
	[EXIT_REASON_EPT_VIOLATION] = "EPT violation",
	[EXIT_REASON_EPT_MISCONFIG] = "EPT misconfiguration",
	[EXIT_REASON_INVEPT] = "INVEPT",
	[EXIT_REASON_RDTSCP] = "RDTSCP",
	[EXIT_REASON_PREEMPTION_TIMER] = "VMX-preemption timer",
	[EXIT_REASON_INVVPID] = "INVVPID",
	[EXIT_REASON_WBINVD] = "WBINVD",
	[EXIT_REASON_XSETBV] = "XSETBV",
	[EXIT_REASON_APIC_WRITE] = "APIC write",
	[EXIT_REASON_RDRAND] = "RDRAND",
	[EXIT_REASON_INVPCID] = "INVPCID",
	[EXIT_REASON_VMFUNC] = "VMFUNC",
	[EXIT_REASON_ENCLS] = "ENCLS",
	[EXIT_REASON_RDSEED] = "RDSEED",
	[EXIT_REASON_PML_FULL] = "page-modification log full",
	[EXIT_REASON_XSAVES] = "XSAVES",
	[EXIT_REASON_XRSTORS] = "XRSTORS",
};

const char *vmx_error_string(uint32_t error)
{
	if (error < ARRAY_SIZE(vmx_errors) && vmx_errors[error])
		return vmx_errors[error];
	return "unknown VM-instruction error";
}

const char *vmx_exit_reason_string(uint32_t reason)
{
	if (reason < EXIT_REASON_COUNT && exit_reasons[reason])
		return exit_reasons[reason];
	return "unknown exit reason";
}
