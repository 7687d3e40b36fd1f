/*
 * tests/guests/lib/idt_stubs.S - entry stubs for the 32 exception
 * vectors: each pushes a dummy error code where the CPU pushes none,
 * then its vector, saves the registers and calls idt_dispatch(frame)
 * (tests/guests/lib/idt.c), which may change the saved EIP.
 * Runs in the guest, at CPL 0 (no stack switch).
 * SDM Vol. 3A, "Exception and Interrupt Reference" (which vectors push
 * an error code).
 */
	.text
.macro stub vector, has_error
	.globl idt_stub_\vector
idt_stub_\vector:
	.if \has_error == 0
	pushl $0
	.endif
	pushl $\vector
	jmp idt_common
.endm

	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0

idt_common:
	pushal
	cld
	pushl %esp		/* struct trap_frame * */
	call idt_dispatch
	addl $4, %esp
	popal
	addl $8, %esp		/* vector, error code */
	iretl

	.section .rodata
	.balign 4
	.globl idt_stub_table
idt_stub_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long idt_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
