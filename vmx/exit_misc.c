/*
 * vmx/exit_misc.c - the small exit families: HLT, INVD/WBINVD, XSETBV,
 * VMX instructions from a guest, triple fault, intercepted exceptions,
 * failed VM entries and EPT misconfigurations.
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "Instructions That Cause VM Exits Unconditionally",
 * "Instructions That Cause VM Exits Conditionally", "VM-Entry Failures
 * During or After Loading Guest State".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trap.h"
#include "lib/fmt.h"
#include "vmx/exit.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"

#define XCR0_X87    BIT(0)
#define XCR0_SSE    BIT(1)
#define XCR0_AVX    BIT(2)
#define XCR0_AVX512 (BIT(5) | BIT(6) | BIT(7))

/* HLT with interrupts off can never wake (no NMI or INIT reaches a
 * one-vCPU VM): on a PC that CPU is dead for good, so the VM is stopped
 * and says so. With interrupts on, the vCPU sleeps until an interrupt
 * (vmx/vcpu_intr.c), or is stopped when none can ever come. */
enum exit_action exit_hlt(struct vcpu *v)
{
	if (!(vmcs_readn(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		if (v->vm->vcpu_count > 1) { /* others may still send NMI */
			vcpu_skip_insn(v);
			return vcpu_intr_halt_dead(v);
		}
		vm_stop(v->vm, "vCPU %u halted with interrupts off (dead)",
			v->id);
		return EXIT_STOP_VM;
	}
	vcpu_skip_insn(v);
	return vcpu_intr_halt(v);
}

/* INVD would drop dirty cache lines, possibly the host's: do a WBINVD,
 * which is what INVD's contract allows. */
enum exit_action exit_cache(struct vcpu *v)
{
	__asm__ volatile("wbinvd" ::: "memory");
	return EXIT_ADVANCE;
}

static uint64_t host_xcr0_supported(void)
{
	struct cpuid_regs r = cpuid(0xd, 0);

	return r.eax | ((uint64_t)r.edx << 32);
}

/* SDM Vol. 2, "XSETBV—Set Extended Control Register": #GP for XCR other
 * than 0, bits the CPU lacks, x87 clear, AVX without SSE, partial
 * AVX-512 or AVX-512 without AVX. */
static bool xcr0_valid(uint64_t v)
{
	if (v & ~host_xcr0_supported())
		return false;
	if (!(v & XCR0_X87))
		return false;
	if ((v & XCR0_AVX) && !(v & XCR0_SSE))
		return false;
	if ((v & XCR0_AVX512) &&
	    ((v & XCR0_AVX512) != XCR0_AVX512 || !(v & XCR0_AVX)))
		return false;
	return true;
}

enum exit_action exit_xsetbv(struct vcpu *v)
{
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if ((uint32_t)v->regs.rcx != 0 || !xcr0_valid(value)) {
		vcpu_inject_gp(v);
		return EXIT_RESUME;
	}
	v->xcr0 = value;
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)));
	return EXIT_ADVANCE;
}

/* A VM sees no VMX (CPUID.1:ECX.VMX is 0), so its VMX instructions, and
 * the other instructions we do not offer, are invalid opcodes. */
enum exit_action exit_vmx_insn(struct vcpu *v)
{
	vcpu_inject_ud(v);
	return EXIT_RESUME;
}

/* A PC resets on a triple fault; the VM stops or restarts, as its
 * on_crash setting says. */
enum exit_action exit_triple_fault(struct vcpu *v)
{
	char why[64];

	fmt_snprintf(why, sizeof(why), "triple fault (vCPU %u at rip 0x%lx)",
		     v->id, (unsigned long)vmcs_readn(VMCS_GUEST_RIP));
	return vm_machine_reset(v, why) ? vcpu_intr_after(v, EXIT_RESUME)
					: EXIT_STOP_VM;
}

/* SDM Vol. 3C, "Exit Qualification for Debug Exceptions": the DR6 bits
 * the #DB would have set (B0-B3, BD, BS); the exit leaves DR6 alone. */
#define DR6_B0_B3 0xfULL
#define DR6_BD	  BIT(13)
#define DR6_BS	  BIT(14)

/* DR6 is not switched by VMX: the guest's value is in the register. A
 * #DB that exits has not set its bits yet; set them as the CPU would
 * have, before the #DB goes back to the guest (B0-B3 say which
 * breakpoints matched this time). */
static void db_update_dr6(void)
{
	uint64_t qual = vcpu_exit_qualification(), dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	dr6 = (dr6 & ~DR6_B0_B3) | (qual & (DR6_B0_B3 | DR6_BD | DR6_BS));
	__asm__ volatile("mov %0, %%dr6" ::"r"(dr6));
}

/* #DB and #AC are intercepted only so that a guest cannot loop in their
 * delivery with the CPU never exiting; they go back to the guest as they
 * came. Such a loop runs no guest instruction between two of these
 * exits, so the preemption timer never ends its slice: the run loop's
 * bound on a slice's host time does (vmx/run.c, run_exit). (An event whose delivery raised this one was re-injected by
 * exit_handle; the new exception replaces it, as two benign exceptions
 * are handled one after the other.) */
enum exit_action exit_exception(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_EXIT_INTR_INFO);
	unsigned vector = info & INTR_INFO_VECTOR_MASK;

	if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI) {
		__asm__ volatile("int $2"); /* the host's NMI */
		return EXIT_RESUME;
	}
	if (vector == EXC_MC) {
		vm_stop(v->vm, "machine check while the guest ran");
		return EXIT_STOP_VM;
	}
	if (vector == EXC_DB) {
		vmcs_writen(VMCS_GUEST_PENDING_DBG, 0);
		db_update_dr6();
	}
	if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_PRIV_SW_EXCEPTION) {
		/* INT1 (ICEBP): a trap; as a hardware exception it would
		 * return to the INT1 itself, so it goes back as what it was,
		 * with the instruction's length (SDM Vol. 3C, "VM-Entry
		 * Controls for Event Injection"). */
		vmcs_write32(VMCS_ENTRY_INTR_INFO,
			     INTR_INFO_VALID | INTR_TYPE_PRIV_SW_EXCEPTION |
				     vector);
		vmcs_write32(VMCS_ENTRY_INSN_LEN,
			     vmcs_read32(VMCS_EXIT_INSN_LEN));
	} else {
		vcpu_inject_exception(v, vector, info & INTR_INFO_DELIVER_ERROR,
				      vmcs_read32(VMCS_EXIT_INTR_ERROR));
	}
	return EXIT_RESUME;
}

enum exit_action exit_entry_failure(struct vcpu *v)
{
	vcpu_dump(v);
	vm_stop(v->vm,
		"VM entry failed: %s (qualification %lu); see the "
		"emulator's log for the failing check",
		v->exit_reason == EXIT_REASON_INVALID_GUEST_STATE
			? "invalid guest state"
		: v->exit_reason == EXIT_REASON_MSR_LOADING ? "MSR loading"
							    : "machine check",
		(unsigned long)vcpu_exit_qualification());
	return EXIT_STOP_VM;
}

enum exit_action exit_ept_misconfig(struct vcpu *v)
{
	vm_stop(v->vm,
		"EPT misconfiguration at guest-physical 0x%lx "
		"(a hypervisor bug: the EPT has a malformed entry)",
		(unsigned long)vmcs_read64(VMCS_GUEST_PHYS_ADDR));
	return EXIT_STOP_VM;
}
