/*
 * vmx/vmcs_setup.h - filling a new vCPU's VMCS, one SDM area per file:
 * vmcs_controls.c (VM-execution, VM-exit and VM-entry controls),
 * vmcs_host.c (host-state area), vmcs_guest.c (guest-state area).
 * Runs on the CPU that has the VMCS current.
 * SDM Vol. 3C, "Organization of VMCS Data".
 */
#ifndef VMX_VMCS_SETUP_H
#define VMX_VMCS_SETUP_H

#include "vmx/vcpu.h"
#include "vmx/vcpu_boot.h"

struct vm;

/* The VM's shared structures the controls point at. */
struct vmcs_vm_tables {
	hpa_t io_bitmap_a, io_bitmap_b, msr_bitmap;
	uint64_t eptp;
	hpa_t apic_access; /* the VM's APIC-access page; 0: no APICv */
};

/* 0, or -1 with a message when this CPU lacks a required control. */
int vmcs_setup_controls(struct vcpu *v, const struct vmcs_vm_tables *t,
			char *err, size_t err_size);
void vmcs_setup_apicv(struct vcpu *v, hpa_t apic_access);
/* Host state of the CPU the VMCS is current on (per physical CPU: call
 * again when the vCPU moves). */
void vmcs_setup_host(const struct percpu *cpu);
/* Guest state as the loader asked (vmx/vcpu_boot.h): the mode's
 * segments, control registers, EFER with the IA-32e entry control, the
 * entry point and the hand-over registers. */
void vmcs_setup_guest(struct vcpu *v, const struct vcpu_boot *boot);

/* The CR0/CR4 bits the hypervisor owns (guest reads see the shadow). */
#define GUEST_CR0_OWNED (BIT(5) /* NE */ | BIT(29) /* NW */ | BIT(30) /* CD */)
#define GUEST_CR4_OWNED BIT(13) /* VMXE */

#endif
