/*
 * tests/guests/linux_entry.S - how the linux-loader test guest enters the
 * kernel: waits until the TSC reaches the time it announced, then goes
 * from 32-bit protected mode (paging off) to 64-bit mode with the page
 * tables and GDT the hypervisor's Linux loader wrote (vmx/load_linux.c),
 * and jumps to startup_64 with RSI = the zero page, as the hypervisor
 * starts a Linux VM. Between the end of the wait and the kernel's first
 * instruction run 25 instructions (ticks in Bochs with clock: sync=none).
 * Runs in the guest, once, interrupts off.
 * SDM Vol. 3A, "Initializing IA-32e Mode"; SDM Vol. 2B, "RDTSC"; Linux
 * Documentation/x86/boot.rst, "64-bit BOOT PROTOCOL".
 */
#include "tests/guests/linux_entry.h"

#define MSR_EFER 0xc0000080

	.text
	.globl linux_enter64
	.code32
linux_enter64:
	cli
	movl 4(%esp), %ebx
	movl $linux_entry64, LE_FAR(%ebx)
	/* the announced time: TSC >= target (high half, then low half) */
1:	rdtsc
	cmpl LE_TARGET_HI(%ebx), %edx
	jb 1b
	ja 2f
	cmpl LE_TARGET_LO(%ebx), %eax
	jb 1b
	/* "Initializing IA-32e Mode": PAE, CR3, EFER.LME, then CR0.PG */
2:	lgdt LE_GDTR(%ebx)
	movl LE_CR4(%ebx), %eax
	movl %eax, %cr4
	movl LE_CR3(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl LE_EFER(%ebx), %eax
	xorl %edx, %edx
	wrmsr
	movl LE_RSI(%ebx), %esi
	movl LE_RIP(%ebx), %edi
	movl LE_RSP(%ebx), %ebp
	movl LE_DS(%ebx), %edx
	movl LE_CR0(%ebx), %eax
	movl %eax, %cr0		/* IA-32e mode, still the 32-bit CS */
	ljmpl *LE_FAR(%ebx)	/* the loader's 64-bit CS */

	.code64
linux_entry64:
	movw %dx, %ds
	movw %dx, %es
	movw %dx, %fs
	movw %dx, %gs
	movw %dx, %ss
	movl %ebp, %esp		/* 32-bit moves zero the high halves */
	movl %esi, %esi
	movl %edi, %edi
	jmp *%rdi
	.code32

	.section .note.GNU-stack, "", @progbits
