/*
 * arch/x86_64/regs.h - architectural register bits and MSR numbers.
 * Definitions only; usable from the host unit tests.
 * SDM Vol. 3A, "Control Registers"; SDM Vol. 4, "Model-Specific Registers".
 */
#ifndef ARCH_X86_64_REGS_H
#define ARCH_X86_64_REGS_H

#include "lib/types.h"

/* SDM Vol. 3A, "Control Registers" */
#define CR0_PE BIT(0)
#define CR0_MP BIT(1)
#define CR0_EM BIT(2)
#define CR0_TS BIT(3)
#define CR0_ET BIT(4)
#define CR0_NE BIT(5)
#define CR0_WP BIT(16)
#define CR0_NW BIT(29)
#define CR0_CD BIT(30)
#define CR0_PG BIT(31)

#define CR4_PSE	       BIT(4)
#define CR4_PAE	       BIT(5)
#define CR4_PGE	       BIT(7)
#define CR4_OSFXSR     BIT(9)
#define CR4_OSXMMEXCPT BIT(10)
#define CR4_LA57       BIT(12)
#define CR4_VMXE       BIT(13)
#define CR4_OSXSAVE    BIT(18)
#define CR4_SMEP       BIT(20)

/* SDM Vol. 3A, "Extended Feature Enable Register" */
#define EFER_SCE BIT(0)
#define EFER_LME BIT(8)
#define EFER_LMA BIT(10)
#define EFER_NXE BIT(11)

#define RFLAGS_IF BIT(9)

/* SDM Vol. 4, "Architectural MSRs" */
#define MSR_IA32_APIC_BASE		 0x1b
#define MSR_IA32_FEATURE_CONTROL	 0x3a
#define MSR_IA32_VMX_BASIC		 0x480
#define MSR_IA32_VMX_PINBASED_CTLS	 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS	 0x482
#define MSR_IA32_VMX_EXIT_CTLS		 0x483
#define MSR_IA32_VMX_ENTRY_CTLS		 0x484
#define MSR_IA32_VMX_MISC		 0x485
#define MSR_IA32_VMX_CR0_FIXED0		 0x486
#define MSR_IA32_VMX_CR0_FIXED1		 0x487
#define MSR_IA32_VMX_CR4_FIXED0		 0x488
#define MSR_IA32_VMX_CR4_FIXED1		 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2	 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP	 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	 0x490
#define MSR_IA32_PAT			 0x277
#define MSR_IA32_EFER			 0xc0000080
#define MSR_IA32_FS_BASE		 0xc0000100
#define MSR_IA32_GS_BASE		 0xc0000101
#define MSR_IA32_KERNEL_GS_BASE		 0xc0000102

/* SDM Vol. 3A, "Local APIC Status and Location" (IA32_APIC_BASE) */
#define APIC_BASE_BSP	 BIT(8)
#define APIC_BASE_X2APIC BIT(10)
#define APIC_BASE_ENABLE BIT(11)

#endif
