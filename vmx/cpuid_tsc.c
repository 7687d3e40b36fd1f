/*
 * vmx/cpuid_tsc.c - CPUID leaves 0x15 and 0x16 for a guest, from the
 * measured TSC frequency. Pure logic; see vmx/cpuid_tsc.h.
 * SDM Vol. 2A, "CPUID—CPU Identification".
 */
#include "vmx/cpuid_tsc.h"

#define CPUID_FREQ_MHZ_MAX 0xffff /* leaf 0x16 fields are 16 bits */

uint32_t cpuid_crystal_divider(uint64_t tsc_khz)
{
	uint64_t hz = tsc_khz * 1000;

	if (!tsc_khz || tsc_khz > UINT64_MAX / 1000)
		return 0;
	return (uint32_t)(hz / 0x100000000ULL + 1);
}

struct cpuid_regs cpuid_leaf_tsc(uint64_t tsc_khz)
{
	uint32_t k = cpuid_crystal_divider(tsc_khz);

	if (!k)
		return (struct cpuid_regs){0};
	return (struct cpuid_regs){
		.eax = 1,
		.ebx = k,
		.ecx = (uint32_t)(tsc_khz * 1000 / k),
	};
}

static uint32_t mhz_field(uint64_t khz)
{
	uint64_t mhz = khz / 1000;

	return mhz > CPUID_FREQ_MHZ_MAX ? CPUID_FREQ_MHZ_MAX : (uint32_t)mhz;
}

struct cpuid_regs cpuid_leaf_freq(uint64_t tsc_khz)
{
	uint32_t k = cpuid_crystal_divider(tsc_khz);

	if (!k)
		return (struct cpuid_regs){0};
	return (struct cpuid_regs){
		.eax = mhz_field(tsc_khz),
		.ebx = mhz_field(tsc_khz),
		.ecx = mhz_field(tsc_khz / k),
	};
}
