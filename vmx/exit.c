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

static __attribute__((noinline)) enum exit_action exit_unhandled(struct vcpu *v)
{
	vcpu_dump(v);
	vm_stop(v->vm, "unhandled VM exit: %s (reason %u, qualification 0x%lx)",
		vmx_exit_reason_string(v->exit_reason), v->exit_reason,
		(unsigned long)vcpu_exit_qualification());
	return EXIT_STOP_VM;
}

/* Every row not named below stops the VM with a register dump. The
 * range initializer comes first and the named rows override it (as
 * Linux's syscall tables do), so no row is ever NULL. */
#pragma GCC diagnostic ignored "-Woverride-init"
static const exit_handler_fn exit_handlers[EXIT_REASON_COUNT] = {
	[0 ... EXIT_REASON_COUNT - 1] = exit_unhandled,
	[EXIT_REASON_EXCEPTION_NMI] = exit_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = exit_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = exit_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW] = exit_interrupt_window,
	[EXIT_REASON_NMI_WINDOW] = exit_interrupt_window,
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
	[EXIT_REASON_APIC_ACCESS] = exit_apic_access,
	[EXIT_REASON_VIRTUALIZED_EOI] = exit_virtualized_eoi,
	[EXIT_REASON_APIC_WRITE] = exit_apic_write,
};

/* Exits that an instruction causes can never happen while an event is
 * being delivered, so for them the IDT-vectoring information need not be
 * read (SDM Vol. 3C, "Information for VM Exits During Event Delivery":
 * only faults, EPT violations and misconfigurations, task switches, APIC
 * accesses, external interrupts, NMIs and triple faults report it). */
#define INSN_EXITS                                                  \
	(BIT(EXIT_REASON_CPUID) | BIT(EXIT_REASON_HLT) |            \
	 BIT(EXIT_REASON_INVD) | BIT(EXIT_REASON_WBINVD) |          \
	 BIT(EXIT_REASON_VMCALL) | BIT(EXIT_REASON_CR_ACCESS) |     \
	 BIT(EXIT_REASON_IO_INSTRUCTION) | BIT(EXIT_REASON_RDMSR) | \
	 BIT(EXIT_REASON_WRMSR) | BIT(EXIT_REASON_XSETBV) |         \
	 BIT(EXIT_REASON_VMCLEAR) | BIT(EXIT_REASON_VMLAUNCH) |     \
	 BIT(EXIT_REASON_VMPTRLD) | BIT(EXIT_REASON_VMPTRST) |      \
	 BIT(EXIT_REASON_VMREAD) | BIT(EXIT_REASON_VMRESUME) |      \
	 BIT(EXIT_REASON_VMWRITE) | BIT(EXIT_REASON_VMXOFF) |       \
	 BIT(EXIT_REASON_VMXON) | BIT(EXIT_REASON_INVEPT) |         \
	 BIT(EXIT_REASON_INVVPID) | BIT(EXIT_REASON_VMFUNC) |       \
	 BIT(EXIT_REASON_GETSEC) | BIT(EXIT_REASON_MWAIT) |         \
	 BIT(EXIT_REASON_MONITOR) | BIT(EXIT_REASON_RDPMC))

/* An event that was being delivered when the exit happened is delivered
 * again on the next entry (SDM "Information for VM Exits During Event
 * Delivery"); the instruction length matters for software events. */
static __attribute__((noinline)) void reinject_vectoring_event(void)
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

static inline void skip_insn(unsigned len)
{
	uint32_t interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	vmcs_writen(VMCS_GUEST_RIP, vmcs_readn(VMCS_GUEST_RIP) + len);
	/* Completing an instruction ends blocking by STI or MOV SS. */
	if (interruptibility & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY,
			     interruptibility & ~(INTERRUPTIBILITY_STI |
						  INTERRUPTIBILITY_MOV_SS));
}

/* After the handler: skip the instruction on EXIT_ADVANCE; true when the
 * guest can be entered again at once. */
static inline bool exit_finish(enum exit_action act)
{
	if (act == EXIT_ADVANCE)
		skip_insn(vmcs_read32(VMCS_EXIT_INSN_LEN));
	_Static_assert(EXIT_RESUME == 0 && EXIT_ADVANCE == 1,
		       "the two actions that go on come first");
	return act <= EXIT_ADVANCE;
}

/* Exit reasons 64 and up (none has a handler yet), and entry failures:
 * the rare path, kept out of exit_handle. */
static __attribute__((noinline)) bool exit_handle_rare(struct vcpu *v,
						       uint32_t raw)
{
	uint32_t reason = raw & 0xffff;
	exit_handler_fn fn = exit_unhandled;

	v->exit_reason = reason;
	if (reason < EXIT_REASON_COUNT) {
		v->exit_counts[reason]++;
		fn = exit_handlers[reason];
	}
	if (!(raw & EXIT_REASON_ENTRY_FAILED))
		reinject_vectoring_event();
	return exit_finish(fn(v));
}

bool exit_handle(struct vcpu *v)
{
	uint32_t raw = vmcs_read32(VMCS_EXIT_REASON);

	/* A reason of 64 or more, or any flag bit (entry failure): rare. */
	if (__builtin_expect(raw >= 64, 0))
		return exit_handle_rare(v, raw);
	v->exit_reason = raw;
	v->exit_counts[raw]++;
	if (!(BIT(raw) & INSN_EXITS))
		reinject_vectoring_event();
	return exit_finish(exit_handlers[raw](v));
}

void vcpu_skip_insn(struct vcpu *v)
{
	skip_insn(vmcs_read32(VMCS_EXIT_INSN_LEN));
}

void vcpu_skip_insn_len(struct vcpu *v, unsigned len)
{
	skip_insn(len);
}
