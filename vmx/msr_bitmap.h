/*
 * vmx/msr_bitmap.h - which MSR accesses exit. Pure logic over one 4 KiB
 * page; built once per VM.
 * SDM Vol. 3C, "MSR-Bitmap Address".
 */
#ifndef VMX_MSR_BITMAP_H
#define VMX_MSR_BITMAP_H

#include "lib/types.h"

/* Every access exits except the MSRs the CPU switches itself (VMCS guest
 * fields: FS/GS base, SYSENTER) and those the run loop saves and restores
 * when it switches vCPUs (KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK,
 * TSC_AUX). */
void msr_bitmap_init(uint8_t *bitmap);
/* Let reads and writes of msr through (no exit). false: out of range. */
bool msr_bitmap_pass(uint8_t *bitmap, uint32_t msr);
/* Does an access exit? (for tests and the docs) */
bool msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write);

/* MSRs the run loop switches between vCPUs (vmx/run.c). */
#define MSR_STAR    0xc0000081
#define MSR_LSTAR   0xc0000082
#define MSR_CSTAR   0xc0000083
#define MSR_SFMASK  0xc0000084
#define MSR_TSC_AUX 0xc0000103

#endif
