/*
 * vmx/cpuid_xsave.c - the compacted XSAVE area's size for a guest's
 * CPUID.(EAX=0DH,ECX=1):EBX. Pure logic; see vmx/cpuid_xsave.h.
 * SDM Vol. 1, "Compacted Form of XSAVE Extended Region".
 */
#include "vmx/cpuid_xsave.h"

#define XSAVE_LEGACY_AND_HEADER 576 /* legacy region 512 + header 64 */
#define XSAVE_FIRST_EXTENDED	2   /* components 0 and 1: legacy region */
#define XSAVE_COMPONENTS	64
#define XSAVE_ALIGN_64		BIT(1) /* subleaf i, ECX */
#define XSAVE_ALIGNMENT		64

uint32_t cpuid_xsave_compacted_size(uint64_t features,
				    cpuid_xsave_query_fn query)
{
	uint32_t size = XSAVE_LEGACY_AND_HEADER;

	for (unsigned i = XSAVE_FIRST_EXTENDED; i < XSAVE_COMPONENTS; i++) {
		struct cpuid_regs r;

		if (!(features & BIT(i)))
			continue;
		r = query(i);
		if (!r.eax)
			continue;
		if (r.ecx & XSAVE_ALIGN_64)
			size = (uint32_t)ALIGN_UP(size, XSAVE_ALIGNMENT);
		size += r.eax;
	}
	return size;
}
