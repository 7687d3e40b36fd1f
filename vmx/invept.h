/*
 * vmx/invept.h - INVEPT: make the CPU forget the translations it cached
 * from an EPT, after ept_map or ept_unmap changed a live one.
 * Runs in VMX root, on the CPU whose caches are meant: every CPU that ran
 * a vCPU with that EPT must execute it. Hardware only (inline asm), so it
 * lives apart from vmx/ept.c, which the host unit tests build.
 * SDM Vol. 3C, "INVEPT—Invalidate Translations Derived from EPT",
 * "Invalidation of TLBs and Paging-Structure Caches".
 */
#ifndef VMX_INVEPT_H
#define VMX_INVEPT_H

#include "lib/types.h"

/* SDM Vol. 3C, "INVEPT—Invalidate Translations Derived from EPT": the
 * INVEPT types (offered when IA32_VMX_EPT_VPID_CAP has EPT_CAP_INVEPT_SINGLE
 * or EPT_CAP_INVEPT_ALL, vmx/caps.h) and the 128-bit descriptor. */
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT    2

struct invept_desc {
	uint64_t eptp;
	uint64_t reserved; /* must be 0 */
};

/* CF=1 is VMfailInvalid, ZF=1 VMfailValid (SDM Vol. 3C, "Conventions"):
 * true when neither. */
static inline bool invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc desc = {eptp, 0};
	uint8_t failed;

	__asm__ volatile("invept %1, %2; setbe %0"
			 : "=qm"(failed)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return !failed;
}

/* Forget what this CPU cached from the EPT with this EPT pointer. */
static inline bool invept_single_context(uint64_t eptp)
{
	return invept(INVEPT_SINGLE_CONTEXT, eptp);
}

/* Forget what this CPU cached from every EPT. */
static inline bool invept_all(void)
{
	return invept(INVEPT_ALL_CONTEXT, 0);
}

#endif
