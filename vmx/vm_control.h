/*
 * vmx/vm_control.h - the operator's console: host keys to the focused
 * VM's UART, the Ctrl-A keys, the monitor shell, and what its commands
 * do to VMs (pause, resume, reset, stop, start, quit). See
 * docs/console.md.
 * vm_control_add/_begin/_poll run on the boot CPU (poll between its
 * slices); vm_control_slice_start/_end on the CPU that runs the vCPU.
 */
#ifndef VMX_VM_CONTROL_H
#define VMX_VM_CONTROL_H

#include "vmx/vm.h"

/* A started VM; VM N for Ctrl-A N and the monitor, in this order. */
void vm_control_add(struct vm *vm);
/* Once, after the VMs were added: the keys and the focus (VM 1). */
void vm_control_begin(void);
/* The boot CPU, between slices: read the host UART, act on the keys,
 * move waiting input into the VMs' UARTs. */
void vm_control_poll(void);
/* Before v's slice, its VMCS current here: a reset or start asked. */
void vm_control_slice_start(struct vcpu *v);
/* Every vCPU of vm runnable with this request, done at its next slice
 * (a running one is kicked to end its slice); any CPU. */
void vm_control_request_all(struct vm *vm, enum vcpu_request request);
/* After v's slice: whether it stays on the run queue (runnable), under
 * its VM's lock so that a resume from another CPU is never lost. */
void vm_control_slice_end(struct vcpu *v);

#endif
