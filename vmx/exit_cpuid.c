/*
 * vmx/exit_cpuid.c - CPUID from a guest: the host's answer with what the
 * guest must not see (VMX, the features we do not emulate) removed, and
 * the hypervisor leaves at 0x40000000.
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 2A, "CPUID—CPU Identification"; SDM Vol. 3C, "Instructions
 * That Cause VM Exits Unconditionally".
 */
#include "arch/x86_64/cpu.h"
#include "lib/string.h"
#include "kernel/tsc.h"
#include "vmx/cpuid_tsc.h"
#include "vmx/cpuid_xsave.h"
#include "vmx/exit.h"
#include "vmx/hypercall_abi.h"
#include "vmx/vmcs.h"

/* CPUID.1:ECX and EDX bits (SDM Vol. 2A, "Feature Information") */
#define CPUID1_ECX_MONITOR	BIT(3)
#define CPUID1_ECX_VMX		BIT(5)
#define CPUID1_ECX_SMX		BIT(6)
#define CPUID1_ECX_PDCM		BIT(15)
#define CPUID1_ECX_X2APIC	BIT(21)
#define CPUID1_ECX_TSC_DEADLINE BIT(24)
#define CPUID1_ECX_OSXSAVE	BIT(27)
#define CPUID1_ECX_HYPERVISOR	BIT(31)
#define CPUID1_EDX_APIC		BIT(9)
#define CPUID1_EDX_MCE		BIT(7)
#define CPUID1_EDX_MTRR		BIT(12)
#define CPUID1_EDX_MCA		BIT(14)
#define CPUID1_EDX_ACPI		BIT(22)
#define CPUID1_EDX_HTT		BIT(28)
#define CPUID6_EAX_ARAT		BIT(2) /* the APIC timer runs in C-states */
#define HV_CPUID_MAX		HV_CPUID_BASE
#define CR4_OSXSAVE_BIT		BIT(18)

/* Leaf 1: features, with the VM's own APIC ID and count. */
static void cpuid_leaf1(struct vcpu *v, struct cpuid_regs *r)
{
	r->ecx &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX | CPUID1_ECX_SMX |
		    CPUID1_ECX_PDCM | CPUID1_ECX_OSXSAVE);
	/* the local APIC model (drivers/virt/vlapic.c) has x2APIC mode
	 * and the TSC-deadline timer */
	r->ecx |= CPUID1_ECX_HYPERVISOR | CPUID1_ECX_X2APIC |
		  CPUID1_ECX_TSC_DEADLINE;
	if (vmcs_readn(VMCS_CR4_SHADOW) & CR4_OSXSAVE_BIT)
		r->ecx |= CPUID1_ECX_OSXSAVE;
	/* No MTRRs or thermal ACPI until they are emulated; no
	 * machine-check architecture (its MSRs would be #GP: a guest's MCE
	 * code would take the host's banks for its own). */
	r->edx &= ~(CPUID1_EDX_MTRR | CPUID1_EDX_ACPI | CPUID1_EDX_MCE |
		    CPUID1_EDX_MCA);
	r->edx |= CPUID1_EDX_APIC;
	if (v->vm->vcpu_count > 1)
		r->edx |= CPUID1_EDX_HTT;
	else
		r->edx &= ~CPUID1_EDX_HTT;
	r->ebx = (r->ebx & 0x0000ffffu) | (v->vm->vcpu_count << 16) |
		 (v->id << 24);
}

static void cpuid_hypervisor(uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){0};
	if (leaf != HV_CPUID_BASE)
		return;
	r->eax = HV_CPUID_MAX;
	memcpy(&r->ebx, HV_CPUID_SIGNATURE, 4);
	memcpy(&r->ecx, HV_CPUID_SIGNATURE + 4, 4);
	memcpy(&r->edx, HV_CPUID_SIGNATURE + 8, 4);
}

/* Leaves below 32 whose host answer is changed before the guest sees it. */
#define CPUID_LEAF_CACHE	4
#define CPUID_LEAF_POWER	6
#define CPUID_LEAF_TOPOLOGY	0xb
#define CPUID_LEAF_TSC		0x15
#define CPUID_LEAF_FREQ		0x16
#define CPUID_LEAF_EXT_FEATURES 7
#define CPUID_LEAF_XSAVE	0xd
#define CPUID_FIXED_LEAVES                                                 \
	(BIT(1) | BIT(CPUID_LEAF_CACHE) | BIT(CPUID_LEAF_POWER) |          \
	 BIT(CPUID_LEAF_EXT_FEATURES) | BIT(0xa) | BIT(CPUID_LEAF_XSAVE) | \
	 BIT(CPUID_LEAF_TOPOLOGY) | BIT(CPUID_LEAF_TSC) |                  \
	 BIT(CPUID_LEAF_FREQ))

/* The VM's topology: one package of vcpu_count cores, one thread each,
 * x2APIC ID = vCPU number (SDM Vol. 2A, CPUID leaf 0BH "Extended
 * Topology Enumeration Leaf"; leaf 04H "Deterministic Cache
 * Parameters", EAX[31:26] cores per package - 1, [25:14] sharing). */
#define TOPO_LEVEL_SMT	1
#define TOPO_LEVEL_CORE 2

static unsigned order(unsigned n)
{
	unsigned bits = 0;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

static void cpuid_topology(struct vcpu *v, uint32_t subleaf,
			   struct cpuid_regs *r)
{
	unsigned n = v->vm->vcpu_count;

	*r = (struct cpuid_regs){.ecx = subleaf & 0xff, .edx = v->id};
	if (subleaf == 0) {
		r->ebx = 1;
		r->ecx |= TOPO_LEVEL_SMT << 8;
	} else if (subleaf == 1) {
		r->eax = order(n);
		r->ebx = n;
		r->ecx |= TOPO_LEVEL_CORE << 8;
	}
}

static void cpuid_cache(struct vcpu *v, struct cpuid_regs *r)
{
	if (!(r->eax & 0x1f)) /* no more caches */
		return;
	r->eax &= 0x3fff; /* each cache private to its core */
	r->eax |= (uint32_t)(v->vm->vcpu_count - 1) << 26;
}

/* CPUID.(EAX=7,ECX=0):EBX: IA32_TSC_ADJUST, not emulated (RDMSR 0x3b
 * would be #GP). */
#define CPUID7_EBX_TSC_ADJUST BIT(1)
#define CPUIDD1_EAX_XSAVES    BIT(3)

static void cpuid_ext_features(uint32_t subleaf, struct cpuid_regs *r)
{
	if (subleaf == 0)
		r->ebx &= ~CPUID7_EBX_TSC_ADJUST;
}

static struct cpuid_regs cpuid_xsave_subleaf(uint32_t subleaf)
{
	return cpuid(CPUID_LEAF_XSAVE, subleaf);
}

/* CPUID.(EAX=0xd,ECX=1): XSAVES/XRSTORS and IA32_XSS are not switched
 * between vCPUs (docs/scheduling.md), so hidden; ECX:EDX lists the
 * IA32_XSS bits: none. EBX, the compacted area's size for XCR0 |
 * IA32_XSS (XSAVEC's too), is computed for the guest's XCR0: Bochs gives
 * the standard form's size there (vmx/cpuid_xsave.h). */
static void cpuid_xsave(struct vcpu *v, uint32_t subleaf, struct cpuid_regs *r)
{
	if (subleaf != 1)
		return;
	r->eax &= ~CPUIDD1_EAX_XSAVES;
	r->ebx = cpuid_xsave_compacted_size(v->xcr0, cpuid_xsave_subleaf);
	r->ecx = r->edx = 0;
}

static __attribute__((noinline)) void
cpuid_fix(struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	switch (leaf) {
	case 1: cpuid_leaf1(v, r); break;
	case CPUID_LEAF_EXT_FEATURES: cpuid_ext_features(subleaf, r); break;
	case CPUID_LEAF_XSAVE: cpuid_xsave(v, subleaf, r); break;
	/* The guest's clocks are the TSC frequency measured at boot, which
	 * may differ from what the CPU claims (in Bochs by 35x). */
	case CPUID_LEAF_TSC: *r = cpuid_leaf_tsc(tsc_khz); break;
	case CPUID_LEAF_FREQ: *r = cpuid_leaf_freq(tsc_khz); break;
	case CPUID_LEAF_TOPOLOGY: cpuid_topology(v, subleaf, r); break;
	case CPUID_LEAF_CACHE: cpuid_cache(v, r); break;
	case CPUID_LEAF_POWER: /* no power management but ARAT */
		*r = (struct cpuid_regs){.eax = CPUID6_EAX_ARAT};
		break;
	default: /* 0xa: no PMU */ *r = (struct cpuid_regs){0};
	}
}

/* A leaf the hypervisor answers or changes. */
static __attribute__((noinline)) enum exit_action cpuid_emulate(struct vcpu *v,
								uint32_t leaf)
{
	struct cpuid_regs r;

	if (leaf - HV_CPUID_BASE < 0x100) {
		cpuid_hypervisor(leaf, &r);
	} else {
		uint32_t subleaf = (uint32_t)v->regs.rcx;

		r = cpuid(leaf, subleaf);
		cpuid_fix(v, leaf, subleaf, &r);
	}
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	return EXIT_ADVANCE;
}

/* The common case (a leaf passed through unchanged) is a CPUID straight
 * into the guest's registers: this runs in every CPUID exit. */
enum exit_action exit_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.rax;

	if (leaf < 32 ? (BIT(leaf) & CPUID_FIXED_LEAVES)
		      : leaf - HV_CPUID_BASE < 0x100)
		return cpuid_emulate(v, leaf);
	/* 32-bit results, zero-extended as CPUID does in 64-bit mode */
	__asm__ volatile("cpuid"
			 : "=a"(v->regs.rax), "=b"(v->regs.rbx),
			   "=c"(v->regs.rcx), "=d"(v->regs.rdx)
			 : "a"(leaf), "c"((uint32_t)v->regs.rcx));
	return EXIT_ADVANCE;
}
