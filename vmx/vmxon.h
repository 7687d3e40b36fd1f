/*
 * vmx/vmxon.h - turn VMX operation on for the calling CPU.
 * Runs on each CPU once, during start-up, interrupts off.
 * SDM Vol. 3C, "Enabling and Entering VMX Operation", "VMXON Region".
 */
#ifndef VMX_VMXON_H
#define VMX_VMXON_H

#include "kernel/percpu.h"
#include "vmx/caps.h"

/* Check the CPU, lock IA32_FEATURE_CONTROL, apply the CR0/CR4 fixed bits
 * and execute VMXON. On success cpu->vmx_on is set and *caps filled; on
 * failure cpu->vmx_error says why. Returns 0 or -1. */
int vmx_cpu_enable(struct percpu *cpu, struct vmx_caps *caps);

#endif
