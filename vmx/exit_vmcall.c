/*
 * vmx/exit_vmcall.c - the hypercalls of vmx/hypercall_abi.h.
 * Runs on the vCPU's CPU in a VM exit. See docs/hypercalls.md.
 * SDM Vol. 3C, "VMCALL—Call to VM Monitor".
 */
#include "vmx/exit.h"
#include "vmx/hypercall_abi.h"

typedef int64_t (*hypercall_fn)(struct vcpu *v, enum exit_action *action);

static int64_t hc_print(struct vcpu *v, enum exit_action *action)
{
	uint64_t len = v->regs.rcx;
	const char *s;

	if (len > HC_PRINT_MAX)
		return HC_EINVAL;
	s = vm_gpa_to_hva(v->vm, v->regs.rbx, len);
	if (!s)
		return HC_EFAULT;
	for (uint64_t i = 0; i < len; i++)
		vm_console_putc(v->vm, s[i]);
	return HC_OK;
}

static int64_t hc_yield(struct vcpu *v, enum exit_action *action)
{
	*action = EXIT_RESCHEDULE;
	return HC_OK;
}

static int64_t hc_vm_id(struct vcpu *v, enum exit_action *action)
{
	return v->vm->id;
}

static int64_t hc_shutdown(struct vcpu *v, enum exit_action *action)
{
	v->vm->exit_code = (int)v->regs.rbx;
	vm_stop(v->vm, "shut down by the guest (exit code %d)",
		v->vm->exit_code);
	*action = EXIT_STOP_VM;
	return HC_OK;
}

static const hypercall_fn hypercalls[] = {
	[HC_PRINT] = hc_print,
	[HC_YIELD] = hc_yield,
	[HC_VM_ID] = hc_vm_id,
	[HC_SHUTDOWN] = hc_shutdown,
};

enum exit_action exit_vmcall(struct vcpu *v)
{
	enum exit_action action = EXIT_RESUME;
	uint64_t nr = v->regs.rax;
	int64_t result;

	if (vcpu_cpl() != 0)
		result = HC_EPERM;
	else if (nr >= ARRAY_SIZE(hypercalls) || !hypercalls[nr])
		result = HC_ENOSYS;
	else
		result = hypercalls[nr](v, &action);
	v->regs.rax = (uint64_t)result;
	if (action == EXIT_STOP_VM)
		return action;
	vcpu_skip_insn(v);
	return action;
}
