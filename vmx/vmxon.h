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

/* CR4 bits this CPU allows in VMX operation (IA32_VMX_CR4_FIXED1): what a
 * guest may set, less what the hypervisor hides. */
extern uint64_t vmx_guest_cr4_allowed;
/* The CPU maps 2 MiB EPT pages (every CPU has the same answer). */
extern bool vmx_ept_large_pages;
/* The CPU virtualizes the local APIC (vmx_caps.apicv; every CPU has the
 * same answer): VMs use it unless their config turns it off. */
extern bool vmx_apicv;

#endif
