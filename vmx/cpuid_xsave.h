/*
 * vmx/cpuid_xsave.h - the XSAVE area size CPUID.(EAX=0DH,ECX=1):EBX
 * reports to a guest: the compacted form's size for the state components
 * the guest enabled, computed from the per-component subleaves.
 * Pure logic, unit-tested on the host; used by vmx/exit_cpuid.c.
 * SDM Vol. 1, "Compacted Form of XSAVE Extended Region"; SDM Vol. 2A,
 * "CPUID—CPU Identification", "Processor Extended State Enumeration
 * Main Leaf" and "Sub-leaf".
 *
 * EBX of subleaf 1 is the size XSAVES (and XSAVEC, which uses the same
 * compacted form) needs for XCR0 | IA32_XSS. Bochs reports the standard
 * form's size there instead (2688 for XCR0 = 0xe7, where the compacted
 * form needs 2432); Linux 6.1, which sizes its XSAVEC buffers from it,
 * then finds the two disagree, warns "XSAVE consistency problem" and
 * turns XSAVE off for good (no AVX in the guest).
 */
#ifndef VMX_CPUID_XSAVE_H
#define VMX_CPUID_XSAVE_H

#include "arch/x86_64/cpu.h"

/* How the size is learnt: CPUID.(EAX=0DH,ECX=i) for component i. */
typedef struct cpuid_regs (*cpuid_xsave_query_fn)(uint32_t subleaf);

/* The compacted XSAVE area for the components in features: the legacy
 * region and header (576 bytes), then each component i >= 2 that is in
 * features, in order, at the next 64-byte boundary when its subleaf's
 * ECX bit 1 asks for it, EAX bytes long. Components the query gives no
 * size (EAX 0) take no room. */
uint32_t cpuid_xsave_compacted_size(uint64_t features,
				    cpuid_xsave_query_fn query);

#endif
