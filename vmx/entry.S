/*
 * vmx/entry.S - entering a guest and coming back from it.
 * VMX root operation, interrupts off, the vCPU's VMCS current.
 *
 *   int vmx_run(struct guest_regs *regs, int launched)
 *
 * runs the guest for one time slice. It saves the host's callee-saved
 * registers, writes the stack pointer into the VMCS's host RSP if it
 * changed since the last entry, loads the guest's general registers from
 * *regs and executes VMLAUNCH (launched == 0) or VMRESUME.
 * (CR2 is not switched here: see struct guest_regs in vmx/vcpu.h.)
 *
 * A VM exit lands at vmx_exit (the VMCS's host RIP) with that same
 * stack. It saves the guest registers into *regs and calls the C handler
 *
 *   bool run_exit(struct vcpu *v)     (vmx/run.c; regs is v's first field)
 *
 * which returns true to enter the guest again at once (VMRESUME, without
 * leaving this file: the exit fast path) or false to end the slice, when
 * vmx_run returns 0. If VMLAUNCH/VMRESUME itself fails, vmx_run returns
 * 1 (VMfailInvalid) or 2 (VMfailValid: see the VM-instruction error).
 * SDM Vol. 3C, "VMLAUNCH/VMRESUME", "Host-State Area" and "Loading Host
 * State" (on exit RFLAGS is 0x2: interrupts off, flags clear).
 */
#include "asm_offsets.h"

	.text
	.globl vmx_run, vmx_exit

vmx_run:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* regs, found again at (%rsp) on exit */
	cmpq %rsp, GREG_HOST_RSP(%rdi)
	je 2f
	movq %rsp, GREG_HOST_RSP(%rdi)
	movq $VMCS_HOST_RSP_FIELD, %rax
	vmwrite %rsp, %rax
	jbe 3f				/* cannot happen with a current VMCS */
2:	cmpl $0, %esi			/* ZF: launch; flags survive the MOVs */
enter:					/* rdi = regs, (%rsp) = regs */
	movq GREG_RAX(%rdi), %rax
	movq GREG_RBX(%rdi), %rbx
	movq GREG_RCX(%rdi), %rcx
	movq GREG_RDX(%rdi), %rdx
	movq GREG_RSI(%rdi), %rsi
	movq GREG_RBP(%rdi), %rbp
	movq GREG_R8(%rdi), %r8
	movq GREG_R9(%rdi), %r9
	movq GREG_R10(%rdi), %r10
	movq GREG_R11(%rdi), %r11
	movq GREG_R12(%rdi), %r12
	movq GREG_R13(%rdi), %r13
	movq GREG_R14(%rdi), %r14
	movq GREG_R15(%rdi), %r15
	movq GREG_RDI(%rdi), %rdi
	je 1f
	vmresume
	jmp 3f
1:	vmlaunch
	/* Only reached when VMLAUNCH/VMRESUME itself failed. */
3:	movl $1, %eax			/* VMfailInvalid: CF=1 */
	jc 4f
	movl $2, %eax			/* VMfailValid: ZF=1 */
4:	jmp 5f

vmx_exit:
	xchgq %rdi, (%rsp)		/* rdi = regs; guest rdi on the stack */
	movq %rax, GREG_RAX(%rdi)
	movq %rbx, GREG_RBX(%rdi)
	movq %rcx, GREG_RCX(%rdi)
	movq %rdx, GREG_RDX(%rdi)
	movq %rsi, GREG_RSI(%rdi)
	movq %rbp, GREG_RBP(%rdi)
	movq %r8, GREG_R8(%rdi)
	movq %r9, GREG_R9(%rdi)
	movq %r10, GREG_R10(%rdi)
	movq %r11, GREG_R11(%rdi)
	movq %r12, GREG_R12(%rdi)
	movq %r13, GREG_R13(%rdi)
	movq %r14, GREG_R14(%rdi)
	movq %r15, GREG_R15(%rdi)
	movq (%rsp), %rax		/* the guest's rdi */
	movq %rax, GREG_RDI(%rdi)
	movq %rdi, (%rsp)		/* regs at (%rsp) again */
	call run_exit			/* %rsp is 16-byte aligned here */
	movq (%rsp), %rdi
	testb %al, %al			/* ZF=0: VMRESUME, as enter expects */
	jnz enter
	xorl %eax, %eax			/* the slice is over: vmx_run returns 0 */
5:	addq $8, %rsp			/* regs */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
