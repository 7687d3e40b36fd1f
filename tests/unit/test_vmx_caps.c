/*
 * tests/unit/test_vmx_caps.c - vmx/caps.c (can this CPU run us, which
 * VT-x features, controls settled against their capability MSRs), on
 * the host, through its struct msr_ops seam: a table
 * of fake MSRs that logs every read and write. Reading an MSR the table
 * does not have fails the test, as it would #GP on a real CPU.
 * SDM Vol. 3C, "Discovering Support for VMX", "Enabling and Entering VMX
 * Operation", Appendix "VMX Capability Reporting Facility".
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "arch/x86_64/regs.h"
#include "vmx/caps.h"
#include "vmx/vmcs_fields.h"

struct fake_msr {
	uint32_t msr;
	uint64_t value;
};

static struct fake_msr msrs[16];
static unsigned msr_count;
static bool writes_ignored;
static uint32_t reads[32];
static unsigned read_count;
static struct fake_msr writes[4];
static unsigned write_count;
static char err[200];

static struct fake_msr *fake_find(uint32_t msr)
{
	for (unsigned i = 0; i < msr_count; i++)
		if (msrs[i].msr == msr)
			return &msrs[i];
	fail_msg("MSR 0x%x read or written; the CPU does not have it", msr);
	return NULL;
}

static uint64_t fake_read(uint32_t msr)
{
	assert_true(read_count < ARRAY_SIZE(reads));
	reads[read_count++] = msr;
	return fake_find(msr)->value;
}

static void fake_write(uint32_t msr, uint64_t value)
{
	struct fake_msr *m = fake_find(msr);

	assert_true(write_count < ARRAY_SIZE(writes));
	writes[write_count++] = (struct fake_msr){msr, value};
	if (!writes_ignored)
		m->value = value;
}

static const struct msr_ops fake_ops = {fake_read, fake_write};

static void fake_reset(void)
{
	msr_count = 0;
	read_count = 0;
	write_count = 0;
	writes_ignored = false;
	memset(err, 0, sizeof(err));
}

static void fake_set(uint32_t msr, uint64_t value)
{
	for (unsigned i = 0; i < msr_count; i++) {
		if (msrs[i].msr == msr) {
			msrs[i].value = value;
			return;
		}
	}
	assert_true(msr_count < ARRAY_SIZE(msrs));
	msrs[msr_count++] = (struct fake_msr){msr, value};
}

static bool was_read(uint32_t msr)
{
	for (unsigned i = 0; i < read_count; i++)
		if (reads[i] == msr)
			return true;
	return false;
}

/* Modelled on what Bochs reports for its VT-x CPU: true controls, secondary controls with EPT, VPID and
 * unrestricted guest, 2M and 1G EPT pages, the preemption timer. */
#define BOCHS_VMX_BASIC	   0x00d810000000002bULL
#define BOCHS_PIN_CTLS	   0x0000007f00000016ULL
#define BOCHS_PROC_CTLS	   0xfff9fffe04006172ULL
#define BOCHS_PROC2_CTLS   0x02177fff00000000ULL
#define BOCHS_EPT_VPID_CAP 0x00000f0106334141ULL
#define BOCHS_CR0_FIXED0   0x80000021ULL
#define BOCHS_CR0_FIXED1   0xffffffffULL
#define BOCHS_CR4_FIXED0   0x2000ULL
#define BOCHS_CR4_FIXED1   0x1727ffULL
#define BOCHS_SUMMARY                                                     \
	"VMCS revision 0x2b, EPT yes (2M pages yes, 1G pages yes), VPID " \
	"yes, unrestricted guest yes, preemption timer yes, APIC "        \
	"virtualization yes, posted interrupts no"

/* The Bochs CPU; with_true: only the TRUE_* control MSRs, else only the
 * original ones (and bit 55 of IA32_VMX_BASIC says which). */
static void fake_bochs(bool with_true)
{
	fake_reset();
	if (with_true) {
		fake_set(MSR_IA32_VMX_BASIC, BOCHS_VMX_BASIC);
		fake_set(MSR_IA32_VMX_TRUE_PINBASED_CTLS, BOCHS_PIN_CTLS);
		fake_set(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, BOCHS_PROC_CTLS);
	} else {
		fake_set(MSR_IA32_VMX_BASIC,
			 BOCHS_VMX_BASIC & ~VMX_BASIC_TRUE_CTLS);
		fake_set(MSR_IA32_VMX_PINBASED_CTLS, BOCHS_PIN_CTLS);
		fake_set(MSR_IA32_VMX_PROCBASED_CTLS, BOCHS_PROC_CTLS);
	}
	fake_set(MSR_IA32_VMX_PROCBASED_CTLS2, BOCHS_PROC2_CTLS);
	fake_set(MSR_IA32_VMX_EPT_VPID_CAP, BOCHS_EPT_VPID_CAP);
	fake_set(MSR_IA32_VMX_CR0_FIXED0, BOCHS_CR0_FIXED0);
	fake_set(MSR_IA32_VMX_CR0_FIXED1, BOCHS_CR0_FIXED1);
	fake_set(MSR_IA32_VMX_CR4_FIXED0, BOCHS_CR4_FIXED0);
	fake_set(MSR_IA32_VMX_CR4_FIXED1, BOCHS_CR4_FIXED1);
}

/* The 12 vendor bytes, unterminated, at the end of a heap block (ASan
 * sees any read of a 13th byte). */
static int check_cpuid(const char *vendor, uint32_t ecx)
{
	char *v = malloc(12);
	int ret;

	memcpy(v, vendor, 12);
	memset(err, 0, sizeof(err));
	ret = vmx_check_cpuid(v, ecx, err, sizeof(err));
	free(v);
	return ret;
}

static void test_cpuid_intel(void **state)
{
	assert_int_equal(check_cpuid("GenuineIntel", CPUID_1_ECX_VMX), 0);
	assert_int_equal(
		check_cpuid("GenuineIntel", (uint32_t)~CPUID_1_ECX_VMX), -1);
	assert_non_null(strstr(err, "no VT-x (CPUID.1:ECX.VMX is 0)"));
}

static void test_cpuid_amd_and_hygon(void **state)
{
	static const char amd_msg[] =
		"this is an AMD CPU (AMD-V/SVM); this hypervisor needs Intel "
		"VT-x";

	/* Whatever bit 5 of ECX means there. */
	assert_int_equal(check_cpuid("AuthenticAMD", CPUID_1_ECX_VMX), -1);
	assert_string_equal(err, amd_msg);
	assert_int_equal(check_cpuid("HygonGenuine", 0), -1);
	assert_string_equal(err, amd_msg);
}

static void test_cpuid_unknown_vendor(void **state)
{
	assert_int_equal(check_cpuid("TransmetaCPU", CPUID_1_ECX_VMX), -1);
	assert_non_null(strstr(err, "vendor \"TransmetaCPU\""));
	assert_non_null(strstr(err, "not an Intel CPU"));
}

/* VIA/Centaur and Zhaoxin CPUs implement VMX: judged by CPUID.1 alone. */
static void test_cpuid_other_vmx_vendors(void **state)
{
	assert_int_equal(check_cpuid("CentaurHauls", CPUID_1_ECX_VMX), 0);
	assert_int_equal(check_cpuid("  Shanghai  ", CPUID_1_ECX_VMX), 0);
	assert_int_equal(check_cpuid("  Shanghai  ", 0), -1);
	assert_non_null(strstr(err, "this CPU has no VT-x"));
}

static void test_feature_control_unlocked_is_locked_with_vmx(void **state)
{
	fake_reset();
	fake_set(MSR_IA32_FEATURE_CONTROL, 0);
	assert_int_equal(vmx_feature_control(&fake_ops, err, sizeof(err)), 0);
	assert_int_equal(write_count, 1);
	assert_int_equal(writes[0].msr, MSR_IA32_FEATURE_CONTROL);
	assert_int_equal(writes[0].value,
			 FEATURE_CONTROL_LOCK |
				 FEATURE_CONTROL_VMX_OUTSIDE_SMX);
}

static void test_feature_control_locked_with_vmx_on(void **state)
{
	fake_reset();
	fake_set(MSR_IA32_FEATURE_CONTROL, 0x5);
	assert_int_equal(vmx_feature_control(&fake_ops, err, sizeof(err)), 0);
	assert_int_equal(write_count, 0); /* a write would #GP */
}

static void test_feature_control_locked_with_vmx_off(void **state)
{
	static const char msg[] =
		"VT-x is disabled in firmware (IA32_FEATURE_CONTROL locked, "
		"VMX off): enable it in the firmware setup";

	fake_reset();
	fake_set(MSR_IA32_FEATURE_CONTROL, 0x1);
	assert_int_equal(vmx_feature_control(&fake_ops, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(write_count, 0);
	/* VMX only inside SMX (for TXT) is no use to us either. */
	fake_reset();
	fake_set(MSR_IA32_FEATURE_CONTROL, 0x3);
	assert_int_equal(vmx_feature_control(&fake_ops, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(write_count, 0);
}

/* Firmware left it unlocked but the write is lost (a VM that drops it):
 * say so, not "disabled in firmware", which would send the user to a
 * setup screen with nothing to change. */
static void test_feature_control_write_does_not_stick(void **state)
{
	fake_reset();
	fake_set(MSR_IA32_FEATURE_CONTROL, 0);
	writes_ignored = true;
	assert_int_equal(vmx_feature_control(&fake_ops, err, sizeof(err)), -1);
	assert_int_equal(write_count, 1);
	assert_string_equal(err, "IA32_FEATURE_CONTROL did not take 0x5 "
				 "(reads 0x0)");
	/* Unlocked with VMX on: the lock is lost. */
	fake_reset();
	fake_set(MSR_IA32_FEATURE_CONTROL, FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	writes_ignored = true;
	assert_int_equal(vmx_feature_control(&fake_ops, err, sizeof(err)), -1);
	assert_string_equal(err, "IA32_FEATURE_CONTROL did not take 0x5 "
				 "(reads 0x4)");
	/* The message shows what was written, other bits included. */
	fake_reset();
	fake_set(MSR_IA32_FEATURE_CONTROL, BIT(17));
	writes_ignored = true;
	assert_int_equal(vmx_feature_control(&fake_ops, err, sizeof(err)), -1);
	assert_string_equal(err, "IA32_FEATURE_CONTROL did not take 0x20005 "
				 "(reads 0x20000)");
}

static void test_caps_bochs(void **state)
{
	struct vmx_caps caps;
	char line[200];

	fake_bochs(true);
	vmx_caps_read(&fake_ops, &caps);
	assert_int_equal(vmx_caps_check(&caps, err, sizeof(err)), 0);
	vmx_caps_summary(&caps, line, sizeof(line));
	assert_string_equal(line, BOCHS_SUMMARY);
	assert_int_equal(caps.revision, 0x2b);
	assert_int_equal(caps.proc2_allowed1, 0x02177fff);
	assert_int_equal(caps.ept_vpid, BOCHS_EPT_VPID_CAP);
	assert_int_equal(caps.cr0_fixed0, BOCHS_CR0_FIXED0);
	assert_int_equal(caps.cr0_fixed1, BOCHS_CR0_FIXED1);
	assert_int_equal(caps.cr4_fixed0, BOCHS_CR4_FIXED0);
	assert_int_equal(caps.cr4_fixed1, BOCHS_CR4_FIXED1);
	assert_true(was_read(MSR_IA32_VMX_TRUE_PINBASED_CTLS));
	assert_true(was_read(MSR_IA32_VMX_TRUE_PROCBASED_CTLS));
	assert_int_equal(write_count, 0);
}

static void test_caps_without_true_controls(void **state)
{
	struct vmx_caps caps;
	char line[200];

	/* The table has no TRUE_* MSRs: reading one fails the test. */
	fake_bochs(false);
	vmx_caps_read(&fake_ops, &caps);
	assert_true(was_read(MSR_IA32_VMX_PINBASED_CTLS));
	assert_true(was_read(MSR_IA32_VMX_PROCBASED_CTLS));
	vmx_caps_summary(&caps, line, sizeof(line));
	assert_string_equal(line, BOCHS_SUMMARY);
}

static void test_caps_without_secondary_controls(void **state)
{
	struct vmx_caps caps;
	char line[200];

	fake_bochs(true);
	fake_set(MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		 BOCHS_PROC_CTLS & ~(PROC_CTL_SECONDARY << 32));
	vmx_caps_read(&fake_ops, &caps);
	/* Without the secondary controls, their MSR and the EPT/VPID one
	 * may not exist. */
	assert_false(was_read(MSR_IA32_VMX_PROCBASED_CTLS2));
	assert_false(was_read(MSR_IA32_VMX_EPT_VPID_CAP));
	assert_int_equal(vmx_caps_check(&caps, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "lacks EPT (extended page tables)"));
	vmx_caps_summary(&caps, line, sizeof(line));
	assert_string_equal(line,
			    "VMCS revision 0x2b, EPT no (2M pages no, 1G pages "
			    "no), VPID no, unrestricted guest no, preemption "
			    "timer yes, APIC virtualization no, posted "
			    "interrupts no");
}

static void test_caps_ept_without_unrestricted_guest(void **state)
{
	struct vmx_caps caps;

	fake_bochs(true);
	fake_set(MSR_IA32_VMX_PROCBASED_CTLS2,
		 BOCHS_PROC2_CTLS & ~(PROC2_CTL_UNRESTRICTED << 32));
	vmx_caps_read(&fake_ops, &caps);
	assert_true(caps.ept);
	assert_int_equal(vmx_caps_check(&caps, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "lacks unrestricted guest"));
}

static void test_caps_apic_virtualization_needs_all_parts(void **state)
{
	static const struct {
		uint32_t msr;
		uint64_t value;
	} without[] = {
		{MSR_IA32_VMX_PROCBASED_CTLS2,
		 BOCHS_PROC2_CTLS &
			 ~((uint64_t)PROC2_CTL_VIRTUAL_INTR_DELIVERY << 32)},
		{MSR_IA32_VMX_PROCBASED_CTLS2,
		 BOCHS_PROC2_CTLS &
			 ~((uint64_t)PROC2_CTL_APIC_REGISTER_VIRT << 32)},
		{MSR_IA32_VMX_PROCBASED_CTLS2,
		 BOCHS_PROC2_CTLS &
			 ~((uint64_t)PROC2_CTL_VIRTUALIZE_APIC_ACCESSES << 32)},
		{MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		 BOCHS_PROC_CTLS & ~((uint64_t)PROC_CTL_USE_TPR_SHADOW << 32)},
		{MSR_IA32_VMX_TRUE_PINBASED_CTLS,
		 BOCHS_PIN_CTLS &
			 ~((uint64_t)PIN_CTL_EXTERNAL_INTERRUPT_EXITING << 32)},
	};
	struct vmx_caps caps;

	fake_bochs(true);
	vmx_caps_read(&fake_ops, &caps);
	assert_true(caps.apicv);
	for (unsigned i = 0; i < ARRAY_SIZE(without); i++) {
		fake_bochs(true);
		fake_set(without[i].msr, without[i].value);
		vmx_caps_read(&fake_ops, &caps);
		assert_false(caps.apicv);
		/* the hypervisor runs without it (trap and emulate) */
		assert_int_equal(vmx_caps_check(&caps, err, sizeof(err)), 0);
	}
}

static void test_caps_ept_2m_pages_only(void **state)
{
	struct vmx_caps caps;
	char line[200];

	/* 1G EPT pages are optional: reported, not required. */
	fake_bochs(true);
	fake_set(MSR_IA32_VMX_EPT_VPID_CAP, BOCHS_EPT_VPID_CAP & ~EPT_CAP_1G);
	vmx_caps_read(&fake_ops, &caps);
	assert_int_equal(vmx_caps_check(&caps, err, sizeof(err)), 0);
	vmx_caps_summary(&caps, line, sizeof(line));
	assert_non_null(strstr(line, "EPT yes (2M pages yes, 1G pages no)"));
}

static void test_caps_ept_without_4_level_wb(void **state)
{
	struct vmx_caps caps;

	fake_bochs(true);
	fake_set(MSR_IA32_VMX_EPT_VPID_CAP, BOCHS_EPT_VPID_CAP & ~EPT_CAP_WB);
	vmx_caps_read(&fake_ops, &caps);
	assert_int_equal(vmx_caps_check(&caps, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "lacks 4-level write-back EPT"));
}

static void test_fixed_bits(void **state)
{
	/* CR0: PE, NE and PG forced on; bits 32-63 forced off. */
	assert_int_equal(
		vmx_fixed_bits(0x11, BOCHS_CR0_FIXED0, BOCHS_CR0_FIXED1),
		0x80000031);
	assert_int_equal(vmx_fixed_bits(BIT(32) | 0x80000033, BOCHS_CR0_FIXED0,
					BOCHS_CR0_FIXED1),
			 0x80000033);
	/* CR4: VMXE (bit 13) forced on; LA57 (bit 12), not allowed by this
	 * fixed1, forced off; PAE kept. */
	assert_int_equal(vmx_fixed_bits(0, BOCHS_CR4_FIXED0, BOCHS_CR4_FIXED1),
			 0x2000);
	assert_int_equal(
		vmx_fixed_bits(0x1020, BOCHS_CR4_FIXED0, BOCHS_CR4_FIXED1),
		0x2020);
}

/* Bochs' primary processor-based controls (the low half is Bochs'
 * VMX_MSR_VMX_TRUE_PROCBASED_CTRLS_LO in cpu/vmx.h): must-be-1 (allowed-0 in the
 * low half) bits 1, 4-6, 8, 13, 14, 26 (the TRUE MSR lets CR3-load and
 * -store exiting, 15 and 16, be 0; the original MSR does not);
 * allowed-1 everything but bits 0, 17 and 18. */
#define BOCHS_PROC_MUST_BE_1	 0x04006172u
#define BOCHS_PROC_OLD_MUST_BE_1 0x0401e172u
#define BOCHS_PROC_NOT_ALLOWED	 (BIT(0) | BIT(17) | BIT(18))
/* What vmx/vmcs_controls.c asks of the primary controls. */
#define HV_PROC_REQUIRED                                                       \
	(PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |       \
	 PROC_SECONDARY_CONTROLS | PROC_MWAIT_EXITING | PROC_MONITOR_EXITING | \
	 PROC_RDPMC_EXITING | PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING)

static void test_ctl_adjust_bochs_primary(void **state)
{
	uint32_t out = 0, missing = 1;

	assert_int_equal((uint32_t)BOCHS_PROC_CTLS, BOCHS_PROC_MUST_BE_1);
	assert_int_equal(HV_PROC_REQUIRED, 0xb2180c80u);
	assert_int_equal(vmx_ctl_adjust(HV_PROC_REQUIRED, 0, BOCHS_PROC_CTLS,
					&out, &missing),
			 0);
	assert_int_equal(missing, 0);
	/* What we asked for plus the must-be-1 bits, nothing else: CR3
	 * loads and stores stay with the guest. */
	assert_int_equal(out, 0xb6186df2u);
	assert_int_equal(out, HV_PROC_REQUIRED | BOCHS_PROC_MUST_BE_1);
	assert_false(out & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING));
	/* The original MSR forces CR3 exiting on. */
	assert_int_equal(vmx_ctl_adjust(HV_PROC_REQUIRED, 0,
					((BOCHS_PROC_CTLS >> 32) << 32) |
						BOCHS_PROC_OLD_MUST_BE_1,
					&out, &missing),
			 0);
	assert_int_equal(out, 0xb619edf2u);
}

static void test_ctl_adjust_must_be_1_forced(void **state)
{
	uint32_t out = 0, missing = 1;

	/* Asking for nothing still gives the must-be-1 bits. */
	assert_int_equal(vmx_ctl_adjust(0, 0, BOCHS_PROC_CTLS, &out, &missing),
			 0);
	assert_int_equal(out, BOCHS_PROC_MUST_BE_1);
	/* Synthetic: must-be-1 bits 3 and 30, allowed-1 bits 0-7 and 30. */
	assert_int_equal(vmx_ctl_adjust(BIT(0), 0, 0x400000ff40000008ULL, &out,
					&missing),
			 0);
	assert_int_equal(out, BIT(30) | BIT(3) | BIT(0));
}

static void test_ctl_adjust_optional_only_when_allowed(void **state)
{
	uint32_t out = 0, missing = 1;

	/* Bit 0 and 17 are not allowed-1 on Bochs: left out, no error. */
	assert_int_equal(
		vmx_ctl_adjust(PROC_HLT_EXITING,
			       BOCHS_PROC_NOT_ALLOWED | PROC_INVLPG_EXITING,
			       BOCHS_PROC_CTLS, &out, &missing),
		0);
	assert_int_equal(missing, 0);
	assert_int_equal(out, BOCHS_PROC_MUST_BE_1 | PROC_HLT_EXITING |
				      PROC_INVLPG_EXITING);
	/* The secondary controls as vmx/vmcs_controls.c asks for them:
	 * RDTSCP, INVPCID and XSAVES are all there on Bochs... */
	assert_int_equal(vmx_ctl_adjust(PROC2_ENABLE_EPT | PROC2_ENABLE_VPID |
						PROC2_UNRESTRICTED_GUEST,
					PROC2_ENABLE_RDTSCP |
						PROC2_ENABLE_INVPCID |
						PROC2_ENABLE_XSAVES,
					BOCHS_PROC2_CTLS, &out, &missing),
			 0);
	assert_int_equal(out, 0x1010aa);
	/* ...and a CPU without XSAVES just does not get it. */
	assert_int_equal(
		vmx_ctl_adjust(PROC2_ENABLE_EPT, PROC2_ENABLE_XSAVES,
			       BOCHS_PROC2_CTLS &
				       ~((uint64_t)PROC2_ENABLE_XSAVES << 32),
			       &out, &missing),
		0);
	assert_int_equal(out, PROC2_ENABLE_EPT);
	/* Everything optional on a CPU that allows everything. */
	assert_int_equal(vmx_ctl_adjust(0, 0xffffffffu, 0xffffffff00000000ULL,
					&out, &missing),
			 0);
	assert_int_equal(out, 0xffffffffu);
}

static void test_ctl_adjust_required_missing(void **state)
{
	uint32_t out = 0, missing = 0;

	/* Exactly the required bits that are not allowed-1, whatever else
	 * was asked for. */
	assert_int_equal(vmx_ctl_adjust(PROC_HLT_EXITING | BIT(0) | BIT(18),
					BIT(17), BOCHS_PROC_CTLS, &out,
					&missing),
			 -1);
	assert_int_equal(missing, BIT(0) | BIT(18));
	/* A must-be-1 bit asked for is not missing. */
	assert_int_equal(vmx_ctl_adjust(BIT(1) | BIT(17), 0, BOCHS_PROC_CTLS,
					&out, &missing),
			 -1);
	assert_int_equal(missing, BIT(17));
	/* A CPU that allows nothing: everything required is missing. */
	assert_int_equal(vmx_ctl_adjust(0x80000001u, 0, 0, &out, &missing), -1);
	assert_int_equal(missing, 0x80000001u);
	/* EPT on a CPU without it (Bochs' secondary controls less EPT). */
	assert_int_equal(
		vmx_ctl_adjust(PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST, 0,
			       BOCHS_PROC2_CTLS &
				       ~((uint64_t)PROC2_ENABLE_EPT << 32),
			       &out, &missing),
		-1);
	assert_int_equal(missing, PROC2_ENABLE_EPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_intel),
		cmocka_unit_test(test_cpuid_amd_and_hygon),
		cmocka_unit_test(test_cpuid_unknown_vendor),
		cmocka_unit_test(test_cpuid_other_vmx_vendors),
		cmocka_unit_test(
			test_feature_control_unlocked_is_locked_with_vmx),
		cmocka_unit_test(test_feature_control_locked_with_vmx_on),
		cmocka_unit_test(test_feature_control_locked_with_vmx_off),
		cmocka_unit_test(test_feature_control_write_does_not_stick),
		cmocka_unit_test(test_caps_bochs),
		cmocka_unit_test(test_caps_without_true_controls),
		cmocka_unit_test(test_caps_without_secondary_controls),
		cmocka_unit_test(test_caps_ept_without_unrestricted_guest),
		cmocka_unit_test(test_caps_apic_virtualization_needs_all_parts),
		cmocka_unit_test(test_caps_ept_2m_pages_only),
		cmocka_unit_test(test_caps_ept_without_4_level_wb),
		cmocka_unit_test(test_fixed_bits),
		cmocka_unit_test(test_ctl_adjust_bochs_primary),
		cmocka_unit_test(test_ctl_adjust_must_be_1_forced),
		cmocka_unit_test(test_ctl_adjust_optional_only_when_allowed),
		cmocka_unit_test(test_ctl_adjust_required_missing),
	};
	return cmocka_run_group_tests_name("vmx_caps", tests, NULL, NULL);
}
