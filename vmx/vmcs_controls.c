/*
 * vmx/vmcs_controls.c - VM-execution, VM-exit and VM-entry controls of a
 * new vCPU, each settled against its capability MSR.
 * Runs once per vCPU on the CPU that creates it, VMCS current.
 * SDM Vol. 3C, "VM-Execution Control Fields", "VM-Exit Control Fields",
 * "VM-Entry Control Fields"; Appendix "VMX Capability Reporting Facility".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trap.h"
#include "lib/fmt.h"
#include "kernel/memory.h"
#include "vmx/caps.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

struct control {
	const char *name;
	uint32_t field;	   /* VMCS encoding */
	uint32_t true_msr; /* capability MSR when IA32_VMX_BASIC[55] */
	uint32_t msr;	   /* capability MSR otherwise */
	uint32_t required, optional;
};

/* What the hypervisor asks for. Everything a guest could use to take a
 * CPU away exits (external interrupts, NMIs, the preemption timer, HLT,
 * I/O and MSRs through bitmaps); what it may own goes to it (CR3, INVLPG,
 * RDTSC). */
static const struct control controls[] = {
	{"pin-based", VMCS_PIN_CONTROLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
	 MSR_IA32_VMX_PINBASED_CTLS,
	 PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING |
		 PIN_PREEMPTION_TIMER,
	 PIN_VIRTUAL_NMIS},
	{"primary processor-based", VMCS_PROC_CONTROLS,
	 MSR_IA32_VMX_TRUE_PROCBASED_CTLS, MSR_IA32_VMX_PROCBASED_CTLS,
	 PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
		 PROC_SECONDARY_CONTROLS | PROC_MWAIT_EXITING |
		 PROC_MONITOR_EXITING | PROC_RDPMC_EXITING |
		 PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING,
	 0},
	{"secondary processor-based", VMCS_PROC2_CONTROLS,
	 MSR_IA32_VMX_PROCBASED_CTLS2, MSR_IA32_VMX_PROCBASED_CTLS2,
	 PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST,
	 PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES},
	{"VM-exit", VMCS_EXIT_CONTROLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
	 MSR_IA32_VMX_EXIT_CTLS,
	 EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
		 EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_ACK_INTERRUPT_ON_EXIT |
		 EXIT_SAVE_DEBUG_CONTROLS,
	 EXIT_SAVE_PREEMPTION_TIMER},
	{"VM-entry", VMCS_ENTRY_CONTROLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
	 MSR_IA32_VMX_ENTRY_CTLS,
	 ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG_CONTROLS, 0},
};

/* Exceptions that exit: #DB and #AC, which a guest could otherwise make
 * recur forever inside their own delivery and hold the CPU (the
 * "benign exception" loops), and #MC, which belongs to the host. */
#define EXCEPTIONS_INTERCEPTED (BIT(EXC_DB) | BIT(EXC_AC) | BIT(EXC_MC))

static int setup_control(const struct control *c, bool true_ctls, char *err,
			 size_t err_size)
{
	uint64_t cap = rdmsr(true_ctls ? c->true_msr : c->msr);
	uint32_t value, missing;

	if (vmx_ctl_adjust(c->required, c->optional, cap, &value, &missing)) {
		fmt_snprintf(err, err_size,
			     "this CPU cannot set %s controls 0x%x "
			     "(capability MSR 0x%x reads 0x%lx)",
			     c->name, missing, true_ctls ? c->true_msr : c->msr,
			     (unsigned long)cap);
		return -1;
	}
	vmcs_write_checked(c->field, value, __FILE__, __LINE__);
	return 0;
}

int vmcs_setup_controls(struct vcpu *v, const struct vmcs_vm_tables *t,
			char *err, size_t err_size)
{
	bool true_ctls = rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CTLS;

	for (size_t i = 0; i < ARRAY_SIZE(controls); i++)
		if (setup_control(&controls[i], true_ctls, err, err_size))
			return -1;
	vmcs_write32(VMCS_EXCEPTION_BITMAP, EXCEPTIONS_INTERCEPTED);
	vmcs_write32(VMCS_PF_ERROR_MASK, 0);
	vmcs_write32(VMCS_PF_ERROR_MATCH, 0);
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write64(VMCS_IO_BITMAP_A, t->io_bitmap_a);
	vmcs_write64(VMCS_IO_BITMAP_B, t->io_bitmap_b);
	vmcs_write64(VMCS_MSR_BITMAP, t->msr_bitmap);
	vmcs_write64(VMCS_EPT_POINTER, t->eptp);
	vmcs_write16(VMCS_VPID, v->vpid);
	vmcs_write32(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_writen(VMCS_CR0_MASK, GUEST_CR0_OWNED);
	vmcs_writen(VMCS_CR4_MASK, GUEST_CR4_OWNED);
	vmcs_write64(VMCS_TSC_OFFSET, 0);
	if (t->apic_access)
		vmcs_setup_apicv(v, t->apic_access);
	return 0;
}

/* SDM Vol. 3C, "APIC Virtualization and Virtual Interrupts": the
 * vCPU's local APIC model's page is its virtual-APIC page; guest
 * accesses to the VM's APIC-access page (mapped by EPT at 0xFEE00000)
 * are virtualized from it. The controls themselves are turned on by
 * vcpu_apicv_switch, which also turns them off (x2APIC mode). */
void vmcs_setup_apicv(struct vcpu *v, hpa_t apic_access)
{
	vmcs_write64(VMCS_VIRTUAL_APIC_ADDR, virt_to_phys(v->lapic.regs));
	vmcs_write64(VMCS_APIC_ACCESS_ADDR, apic_access);
	vmcs_write32(VMCS_TPR_THRESHOLD, 0);
	for (unsigned i = 0; i < 4; i++) /* 64-bit fields, 2 apart */
		vmcs_write_checked(VMCS_EOI_EXIT_BITMAP0 + 2 * i, 0, __FILE__,
				   __LINE__);
	vmcs_write16(VMCS_GUEST_INTR_STATUS, 0);
	vcpu_apicv_switch(v, true);
}
