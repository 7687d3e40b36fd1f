/*
 * vmx/vcpu_create.h - creating a vCPU: its VMCS filled by area, then
 * cleared so that any physical CPU can load it.
 * Runs on the boot CPU while a VM is built.
 */
#ifndef VMX_VCPU_CREATE_H
#define VMX_VCPU_CREATE_H

#include "vmx/vcpu_boot.h"
#include "vmx/vm.h"

struct vcpu *vcpu_create(struct vm *vm, unsigned id,
			 const struct vcpu_boot *boot, char *err,
			 size_t err_size);

/* Back to the state vcpu_create gave it, with a new boot state (VMCS
 * current on this CPU). */
void vcpu_reset(struct vcpu *v, const struct vcpu_boot *boot);

#endif
