/*
 * vmx/caps.c - VT-x support checks and the capability summary.
 * Pure logic over CPUID values and struct msr_ops; runs on each CPU while
 * it turns VMX on, and on the host in the unit tests.
 * SDM Vol. 3C, "Discovering Support for VMX", "Enabling and Entering VMX
 * Operation", Appendix "VMX Capability Reporting Facility".
 */
#include "arch/x86_64/regs.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "vmx/caps.h"

/* Vendors whose CPUs implement VMX: Intel, and the VIA/Centaur and
 * Zhaoxin designs that license it. */
static bool vmx_vendor(const char vendor[12])
{
	static const char *const vmx_vendors[] = {
		"GenuineIntel", "CentaurHauls", "  Shanghai  "};

	for (size_t i = 0; i < ARRAY_SIZE(vmx_vendors); i++)
		if (memcmp(vendor, vmx_vendors[i], 12) == 0)
			return true;
	return false;
}

int vmx_check_cpuid(const char vendor[12], uint32_t cpuid1_ecx, char *err,
		    size_t err_size)
{
	if (memcmp(vendor, "AuthenticAMD", 12) == 0 ||
	    memcmp(vendor, "HygonGenuine", 12) == 0) {
		fmt_snprintf(err, err_size,
			     "this is an AMD CPU (AMD-V/SVM); this hypervisor "
			     "needs Intel VT-x");
		return -1;
	}
	if (!vmx_vendor(vendor)) {
		fmt_snprintf(err, err_size,
			     "this CPU (vendor \"%.12s\") is not an Intel CPU "
			     "and has no VMX; "
			     "this hypervisor needs Intel VT-x",
			     vendor);
		return -1;
	}
	if (!(cpuid1_ecx & CPUID_1_ECX_VMX)) {
		fmt_snprintf(err, err_size,
			     "this CPU has no VT-x (CPUID.1:ECX.VMX is 0); "
			     "nested in a VM, give the VM VT-x "
			     "(QEMU: -enable-kvm -cpu host,+vmx)");
		return -1;
	}
	return 0;
}

int vmx_feature_control(const struct msr_ops *ops, char *err, size_t err_size)
{
	const uint64_t on =
		FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
	uint64_t fc = ops->read(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCK)) {
		uint64_t want = fc | on;

		ops->write(MSR_IA32_FEATURE_CONTROL, want);
		fc = ops->read(MSR_IA32_FEATURE_CONTROL);
		if ((fc & on) != on) {
			fmt_snprintf(err, err_size,
				     "IA32_FEATURE_CONTROL did not take 0x%lx "
				     "(reads 0x%lx)",
				     (unsigned long)want, (unsigned long)fc);
			return -1;
		}
	}
	if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		fmt_snprintf(err, err_size,
			     "VT-x is disabled in firmware "
			     "(IA32_FEATURE_CONTROL locked, VMX off): "
			     "enable it in the firmware setup");
		return -1;
	}
	return 0;
}

/* Allowed-1 settings are the high 32 bits of a control capability MSR. */
static uint64_t allowed1(const struct msr_ops *ops, uint32_t msr)
{
	return ops->read(msr) >> 32;
}

void vmx_caps_read(const struct msr_ops *ops, struct vmx_caps *c)
{
	uint64_t basic = ops->read(MSR_IA32_VMX_BASIC);
	bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;

	memset(c, 0, sizeof(*c));
	c->revision = (uint32_t)(basic & VMX_BASIC_REVISION_MASK);
	c->pin_allowed1 =
		allowed1(ops, true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
					: MSR_IA32_VMX_PINBASED_CTLS);
	c->proc_allowed1 =
		allowed1(ops, true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
					: MSR_IA32_VMX_PROCBASED_CTLS);
	if (c->proc_allowed1 & PROC_CTL_SECONDARY)
		c->proc2_allowed1 = allowed1(ops, MSR_IA32_VMX_PROCBASED_CTLS2);
	if (c->proc2_allowed1 & (PROC2_CTL_EPT | PROC2_CTL_VPID))
		c->ept_vpid = ops->read(MSR_IA32_VMX_EPT_VPID_CAP);
	c->cr0_fixed0 = ops->read(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = ops->read(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = ops->read(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = ops->read(MSR_IA32_VMX_CR4_FIXED1);
	c->ept = c->proc2_allowed1 & PROC2_CTL_EPT;
	c->ept_2m = c->ept && (c->ept_vpid & EPT_CAP_2M);
	c->ept_1g = c->ept && (c->ept_vpid & EPT_CAP_1G);
	c->vpid = c->proc2_allowed1 & PROC2_CTL_VPID;
	c->unrestricted = c->proc2_allowed1 & PROC2_CTL_UNRESTRICTED;
	c->preemption_timer = c->pin_allowed1 & PIN_CTL_PREEMPTION_TIMER;
	c->posted_interrupts = c->pin_allowed1 & PIN_CTL_POSTED_INTERRUPTS;
	c->apicv = (c->pin_allowed1 & PIN_CTL_EXTERNAL_INTERRUPT_EXITING) &&
		   (c->proc_allowed1 & PROC_CTL_USE_TPR_SHADOW) &&
		   (c->proc2_allowed1 & PROC2_CTL_APICV) == PROC2_CTL_APICV;
}

int vmx_caps_check(const struct vmx_caps *c, char *err, size_t err_size)
{
	const char *missing = NULL;

	if (!c->ept)
		missing = "EPT (extended page tables)";
	else if (!(c->ept_vpid & EPT_CAP_WALK4) || !(c->ept_vpid & EPT_CAP_WB))
		missing = "4-level write-back EPT";
	else if (!c->unrestricted)
		missing = "unrestricted guest";
	if (!missing)
		return 0;
	fmt_snprintf(err, err_size,
		     "VT-x on this CPU lacks %s, which the hypervisor needs "
		     "(Intel CPUs since Westmere have it)",
		     missing);
	return -1;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

void vmx_caps_summary(const struct vmx_caps *c, char *buf, size_t size)
{
	fmt_snprintf(buf, size,
		     "VMCS revision 0x%x, EPT %s (2M pages %s, 1G pages %s), "
		     "VPID %s, unrestricted guest %s, preemption timer %s, "
		     "APIC virtualization %s, posted interrupts %s",
		     c->revision, yes_no(c->ept), yes_no(c->ept_2m),
		     yes_no(c->ept_1g), yes_no(c->vpid),
		     yes_no(c->unrestricted), yes_no(c->preemption_timer),
		     yes_no(c->apicv), yes_no(c->posted_interrupts));
}

uint64_t vmx_fixed_bits(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

int vmx_ctl_adjust(uint32_t required, uint32_t optional, uint64_t cap,
		   uint32_t *out, uint32_t *missing)
{
	uint32_t must_be_1 = (uint32_t)cap;
	uint32_t may_be_1 = (uint32_t)(cap >> 32);

	*missing = required & ~may_be_1;
	if (*missing)
		return -1;
	*out = (required | (optional & may_be_1) | must_be_1) & may_be_1;
	return 0;
}
