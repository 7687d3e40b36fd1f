/*
 * vmx/caps.h - can this CPU run the hypervisor, and with which VT-x
 * features? Pure logic over CPUID values and an MSR seam, so the cases no
 * emulator here shows (firmware left IA32_FEATURE_CONTROL unlocked, or
 * locked it with VMX off) are unit-tested on the host.
 * SDM Vol. 3C, "Discovering Support for VMX", "Enabling and Entering VMX
 * Operation", Appendix "VMX Capability Reporting Facility".
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include "lib/types.h"

/* SDM Vol. 3C, "Enabling and Entering VMX Operation" (IA32_FEATURE_CONTROL) */
#define FEATURE_CONTROL_LOCK		BIT(0)
#define FEATURE_CONTROL_VMX_IN_SMX	BIT(1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX BIT(2)

/* SDM Vol. 3C, "Basic VMX Information" (IA32_VMX_BASIC) */
#define VMX_BASIC_REVISION_MASK 0x7fffffffULL
#define VMX_BASIC_TRUE_CTLS	BIT(55)

/* SDM Vol. 3C, "Pin-Based VM-Execution Controls" */
#define PIN_CTL_EXTERNAL_INTERRUPT_EXITING BIT(0)
#define PIN_CTL_PREEMPTION_TIMER	   BIT(6)
#define PIN_CTL_POSTED_INTERRUPTS	   BIT(7)
/* SDM Vol. 3C, "Primary Processor-Based VM-Execution Controls" */
#define PROC_CTL_USE_TPR_SHADOW BIT(21)
#define PROC_CTL_SECONDARY	BIT(31)
/* SDM Vol. 3C, "Secondary Processor-Based VM-Execution Controls" */
#define PROC2_CTL_EPT			   BIT(1)
#define PROC2_CTL_VPID			   BIT(5)
#define PROC2_CTL_UNRESTRICTED		   BIT(7)
#define PROC2_CTL_VIRTUALIZE_APIC_ACCESSES BIT(0)
#define PROC2_CTL_APIC_REGISTER_VIRT	   BIT(8)
#define PROC2_CTL_VIRTUAL_INTR_DELIVERY	   BIT(9)
/* What the hypervisor calls APIC virtualization: all of these (SDM Vol.
 * 3C, "APIC Virtualization and Virtual Interrupts") */
#define PROC2_CTL_APICV                                                      \
	(PROC2_CTL_VIRTUALIZE_APIC_ACCESSES | PROC2_CTL_APIC_REGISTER_VIRT | \
	 PROC2_CTL_VIRTUAL_INTR_DELIVERY)
/* SDM Vol. 3C, "VPID and EPT Capabilities" (IA32_VMX_EPT_VPID_CAP) */
#define EPT_CAP_WALK4	      BIT(6)
#define EPT_CAP_WB	      BIT(14)
#define EPT_CAP_2M	      BIT(16)
#define EPT_CAP_1G	      BIT(17)
#define EPT_CAP_INVEPT	      BIT(20)
#define EPT_CAP_INVEPT_SINGLE BIT(25)
#define EPT_CAP_INVEPT_ALL    BIT(26)

/* CPUID.1:ECX.VMX[bit 5] (SDM Vol. 3C, "Discovering Support for VMX") */
#define CPUID_1_ECX_VMX BIT(5)

/* How the code reads and writes MSRs: the real instructions in the
 * hypervisor, a table in the unit tests. */
struct msr_ops {
	uint64_t (*read)(uint32_t msr);
	void (*write)(uint32_t msr, uint64_t value);
};

struct vmx_caps {
	uint32_t revision;
	uint64_t pin_allowed1, proc_allowed1, proc2_allowed1;
	uint64_t ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool ept, ept_2m, ept_1g, vpid, unrestricted, preemption_timer,
		posted_interrupts;
	/* TPR shadow, APIC-access virtualization, APIC-register
	 * virtualization and virtual-interrupt delivery, all of them */
	bool apicv;
};

/* vendor: the 12 characters of CPUID.0 (EBX, EDX, ECX); 0 or -1 + err. */
int vmx_check_cpuid(const char vendor[12], uint32_t cpuid1_ecx, char *err,
		    size_t err_size);
/* Lock IA32_FEATURE_CONTROL with VMX on if firmware left it unlocked;
 * refuse if it is locked with VMX off. 0 or -1 + err. */
int vmx_feature_control(const struct msr_ops *ops, char *err, size_t err_size);
void vmx_caps_read(const struct msr_ops *ops, struct vmx_caps *caps);
/* The hypervisor needs EPT and unrestricted guest. 0 or -1 + err. */
int vmx_caps_check(const struct vmx_caps *caps, char *err, size_t err_size);
/* One line: "VMCS revision 0x2b, EPT (2M, 1G), VPID, ..." */
void vmx_caps_summary(const struct vmx_caps *caps, char *buf, size_t size);
/*
 * Settle a 32-bit VM-execution, exit or entry control against its
 * capability MSR (allowed-0 settings in the low half must be 1, allowed-1
 * settings in the high half may be 1). `required` bits must be allowed,
 * `optional` ones are taken when allowed. 0 and *out, or -1 with the
 * missing required bits in *missing. SDM Vol. 3C, Appendix "VMX
 * Capability Reporting Facility", "Algorithms for Determining VMX
 * Capabilities".
 */
int vmx_ctl_adjust(uint32_t required, uint32_t optional, uint64_t cap,
		   uint32_t *out, uint32_t *missing);
/* A CR0 or CR4 value with the VMX fixed bits applied. */
uint64_t vmx_fixed_bits(uint64_t value, uint64_t fixed0, uint64_t fixed1);

#endif
