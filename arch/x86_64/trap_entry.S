/*
 * arch/x86_64/trap_entry.S - one 16-byte stub per IDT vector, and the
 * common path that saves the general registers as struct trap_frame
 * (arch/x86_64/trap.h), calls trap_dispatch(frame) and returns with IRETQ.
 * Host context, any CPU.
 * SDM Vol. 3A, "Exception and Interrupt Handling in 64-bit Mode".
 */
	.code64
	.text

/* Vectors for which the CPU pushes an error code (SDM Vol. 3A,
 * "Exception and Interrupt Reference"). Others push a zero instead so
 * that every frame has the same shape. */
.macro TRAP_STUB n
	.balign 16
	.if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
.endm

	.balign 16
	.globl trap_stubs
trap_stubs:
	.altmacro
	.set vec, 0
	.rept 256
	TRAP_STUB %vec
	.set vec, vec + 1
	.endr
	.noaltmacro

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector and error code */
	iretq

	.section .note.GNU-stack, "", @progbits
