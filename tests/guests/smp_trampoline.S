/*
 * tests/guests/smp_trampoline.S - how an AP of the smp test guest gets
 * in. The real-mode trampoline, which the BSP copies to SMP_TRAMPOLINE
 * (a page below 1 MiB) and names in its STARTUP IPIs: the AP starts it
 * at CS = vector << 8, IP = 0, in real mode, interrupts off. It loads
 * the guest's GDT (a 32-bit base, so the GDT may sit in the image above
 * 1 MiB), sets CR0.PE and jumps to the 32-bit entry in the image, which
 * takes a stack of its own (one per AP, handed out by LOCK XADD, so
 * APs that start together never share one) and calls smp_ap_main
 * (tests/guests/smp.c).
 * Runs on each AP, from its STARTUP IPI until smp_ap_main.
 * SDM Vol. 3A, "MP Initialization Protocol Algorithm for MP Systems",
 * "Switching to Protected Mode".
 */
#include "tests/guests/smp.h"

#define CR0_PE 0x1

	.section .rodata
	.globl smp_trampoline_start, smp_trampoline_end
	.balign 16
	.code16
smp_trampoline_start:
	cli
	cld
	movw %cs, %ax		/* the trampoline's page; DS:offset reaches gdtr */
	movw %ax, %ds
	lgdtl gdtr - smp_trampoline_start
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SMP_CS, $smp_ap_entry32
	.balign 8
gdtr:
	.short smp_gdt_end - smp_gdt - 1
	.long smp_gdt
smp_trampoline_end:
	.code32

/* null, flat 4 GiB code (SMP_CS), flat 4 GiB data (SMP_DS): crt0.S's */
	.balign 8
smp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00cf92000000ffff
smp_gdt_end:

	.text
smp_ap_entry32:
	movw $SMP_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $1, %eax
	lock xaddl %eax, smp_ap_stacks_taken
	cmpl $SMP_MAX_CPUS - 1, %eax
	jae park		/* more APs than stacks: this one stays out */
	incl %eax
	imull $SMP_AP_STACK_SIZE, %eax, %esp
	addl $smp_ap_stacks, %esp	/* the top of stack number EAX - 1 */
	xorl %ebp, %ebp
	call smp_ap_main
park:
	cli
	hlt
	jmp park

	.bss
	.balign 16
smp_ap_stacks:
	.space (SMP_MAX_CPUS - 1) * SMP_AP_STACK_SIZE
	.balign 4
smp_ap_stacks_taken:
	.long 0

	.section .note.GNU-stack, "", @progbits
