/*
 * vmx/exit_msr.c - RDMSR and WRMSR from a guest: an allow-list of what a
 * guest may see; every other MSR gives #GP, as a CPU without it would.
 * MSRs that VMX switches or the run loop saves and restores (FS/GS base,
 * SYSENTER, STAR family, TSC_AUX) pass through the MSR bitmap and never
 * exit (vmx/msr_bitmap.c).
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "RDMSR", "WRMSR" exit conditions; SDM Vol. 4, "Model-
 * Specific Registers".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "vmx/exit.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"

#define MSR_IA32_TSC		 0x10
#define MSR_IA32_MISC_ENABLE	 0x1a0
#define MSR_IA32_BIOS_SIGN_ID	 0x8b
#define MISC_ENABLE_FAST_STRINGS BIT(0)
#define FEATURE_CONTROL_LOCKED	 0x1 /* locked, VMX off: no nested VT-x */
#define EFER_WRITABLE		 (EFER_SCE | EFER_LME | EFER_NXE)

/* 0 ok, -1 #GP. */
typedef int (*msr_read_fn)(struct vcpu *v, uint64_t *value);
typedef int (*msr_write_fn)(struct vcpu *v, uint64_t value);

struct msr_entry {
	uint32_t msr;
	msr_read_fn read;
	msr_write_fn write; /* NULL: writes give #GP */
};

static int read_tsc(struct vcpu *v, uint64_t *value)
{
	*value = rdtsc() + vmcs_read64(VMCS_TSC_OFFSET);
	return 0;
}

static int read_feature_control(struct vcpu *v, uint64_t *value)
{
	*value = FEATURE_CONTROL_LOCKED;
	return 0;
}

static int read_misc_enable(struct vcpu *v, uint64_t *value)
{
	*value = MISC_ENABLE_FAST_STRINGS;
	return 0;
}

/* The microcode update signature (SDM Vol. 3A, "Microcode Update
 * Facilities"): the OS writes 0, executes CPUID and reads the loaded
 * revision in bits 63:32. A guest has no microcode of its own to load:
 * it reads revision 0, and its writes change nothing. */
static int read_bios_sign_id(struct vcpu *v, uint64_t *value)
{
	*value = 0;
	return 0;
}

static int write_bios_sign_id(struct vcpu *v, uint64_t value)
{
	return 0;
}

static int read_pat(struct vcpu *v, uint64_t *value)
{
	*value = vmcs_read64(VMCS_GUEST_PAT);
	return 0;
}

/* Each PAT entry must be a defined memory type: 0, 1, 4, 5, 6 or 7 (SDM
 * Vol. 3A, "IA32_PAT MSR"); anything else is #GP. */
static int write_pat(struct vcpu *v, uint64_t value)
{
	for (int i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(value >> (8 * i));

		if (type > 7 || type == 2 || type == 3)
			return -1;
	}
	vmcs_write64(VMCS_GUEST_PAT, value);
	return 0;
}

static int read_efer(struct vcpu *v, uint64_t *value)
{
	*value = vmcs_read64(VMCS_GUEST_EFER);
	return 0;
}

/* LMA is the CPU's to set; reserved bits are #GP; LME may not change
 * while paging is on (SDM Vol. 3A, "IA32_EFER MSR"). */
static int write_efer(struct vcpu *v, uint64_t value)
{
	uint64_t old = vmcs_read64(VMCS_GUEST_EFER);

	if (value & ~(EFER_WRITABLE | EFER_LMA))
		return -1;
	if (((value ^ old) & EFER_LME) &&
	    (vmcs_readn(VMCS_CR0_SHADOW) & CR0_PG))
		return -1;
	vmcs_write64(VMCS_GUEST_EFER,
		     (value & EFER_WRITABLE) | (old & EFER_LMA));
	return 0;
}

static const struct msr_entry msr_table[] = {
	{MSR_IA32_TSC, read_tsc, NULL},
	{MSR_IA32_FEATURE_CONTROL, read_feature_control, NULL},
	{MSR_IA32_MISC_ENABLE, read_misc_enable, NULL},
	{MSR_IA32_BIOS_SIGN_ID, read_bios_sign_id, write_bios_sign_id},
	{MSR_IA32_PAT, read_pat, write_pat},
	{MSR_IA32_EFER, read_efer, write_efer},
};

static const struct msr_entry *msr_find(uint32_t msr)
{
	for (size_t i = 0; i < ARRAY_SIZE(msr_table); i++)
		if (msr_table[i].msr == msr)
			return &msr_table[i];
	return NULL;
}

/* The local APIC's MSRs (IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC)
 * belong to its model (vmx/vcpu_intr.c). */
enum exit_action exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	const struct msr_entry *e = msr_find(msr);
	uint64_t value;
	int err = vlapic_msr_is_apic(msr) ? vcpu_intr_msr_read(v, msr, &value)
		  : e			  ? e->read(v, &value)
					  : -1;

	if (err) {
		vcpu_inject_gp(v);
		return EXIT_RESUME;
	}
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
	return EXIT_ADVANCE;
}

enum exit_action exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	const struct msr_entry *e = msr_find(msr);
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (vlapic_msr_is_apic(msr)) {
		if (vcpu_intr_msr_write(v, msr, value)) {
			vcpu_inject_gp(v);
			return EXIT_RESUME;
		}
		return vcpu_intr_after(v, EXIT_ADVANCE);
	}
	if (!e || !e->write || e->write(v, value)) {
		vcpu_inject_gp(v);
		return EXIT_RESUME;
	}
	return EXIT_ADVANCE;
}
