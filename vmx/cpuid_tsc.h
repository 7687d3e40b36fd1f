/*
 * vmx/cpuid_tsc.h - what CPUID tells a guest about its clocks: leaf 0x15
 * (TSC and core crystal clock) and leaf 0x16 (processor frequency),
 * computed from the TSC frequency the hypervisor measured at boot.
 * Pure logic, unit-tested on the host; used by vmx/exit_cpuid.c.
 * SDM Vol. 2A, "CPUID—CPU Identification": "Time Stamp Counter and
 * Nominal Core Crystal Clock Information Leaf", "Processor Frequency
 * Information Leaf".
 *
 * Linux believes leaf 0x15 before any calibration of its own: its TSC
 * frequency is ECX * EBX / EAX, and its local APIC timer period is taken
 * from the crystal frequency (ECX). So the guest's local APIC timer
 * counts at the crystal frequency reported here: cpuid_crystal_divider
 * TSC ticks per count before the APIC's own divide configuration.
 */
#ifndef VMX_CPUID_TSC_H
#define VMX_CPUID_TSC_H

#include "arch/x86_64/cpu.h"

/* TSC ticks per crystal clock tick: the smallest k with (TSC frequency
 * in Hz) / k < 2^32, so that the crystal's frequency fits ECX; 0 when
 * tsc_khz is 0 (unknown) or absurdly large. */
uint32_t cpuid_crystal_divider(uint64_t tsc_khz);

/* Leaf 0x15: EAX = 1, EBX = divider, ECX = crystal Hz; all zero when the
 * TSC frequency is unknown (the leaf then says "not enumerated"). */
struct cpuid_regs cpuid_leaf_tsc(uint64_t tsc_khz);

/* Leaf 0x16: base and maximum frequency in MHz (the TSC's: guests see an
 * invariant TSC at this rate) and the bus (reference) frequency in MHz
 * (the crystal's); each 16 bits wide. */
struct cpuid_regs cpuid_leaf_freq(uint64_t tsc_khz);

#endif
