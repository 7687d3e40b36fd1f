/*
 * vmx/vcpu_state.h - the guest state VMX does not switch, switched by the
 * run loop when a CPU goes from one vCPU to another: FPU/SSE/AVX (XSAVE),
 * XCR0, CR2 and the MSRs passed through to guests (KERNEL_GS_BASE, STAR,
 * LSTAR, CSTAR, SFMASK, TSC_AUX). The hypervisor itself uses none of
 * these (it is built with -mgeneral-regs-only and makes no system calls),
 * so what the hardware holds always belongs to the last vCPU that ran.
 * Runs on the CPU doing the switch, interrupts off.
 * SDM Vol. 1, "Managing State Using the XSAVE Feature Set".
 */
#ifndef VMX_VCPU_STATE_H
#define VMX_VCPU_STATE_H

#include "vmx/vcpu.h"

/* Once per CPU: CR4.OSFXSR/OSXSAVE so XSAVE works in the host. */
void vcpu_state_cpu_init(void);
/* Per vCPU: an XSAVE area in its initial state. 0 or -1. */
int vcpu_state_init(struct vcpu *v);
/* Save prev's state (prev may be NULL) and load next's. */
void vcpu_state_switch(struct vcpu *prev, struct vcpu *next);

#endif
