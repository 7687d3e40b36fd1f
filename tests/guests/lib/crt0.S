/*
 * tests/guests/lib/crt0.S - what every test guest starts with: the
 * 32-bit entry point (the Multiboot header is in tests/guests/boot/).
 * Runs first in the guest, in 32-bit protected mode with paging off, as
 * GRUB or the hypervisor's Multiboot loader leave it: EAX = magic
 * (Multiboot2 or Multiboot), EBX = information address.
 * Loads a flat GDT of its own (the loader's GDTR may be stale: Multiboot2
 * Specification, "I386 machine state"; Multiboot Specification,
 * "Machine state"), sets up a stack and calls main(magic, info); main's
 * return value becomes the exit code.
 */
#define GUEST_CS             0x08
#define GUEST_DS             0x10
#define STACK_SIZE           16384

	.text
	.globl _start
_start:
	cli
	cld
	lgdt gdt_desc
	ljmp $GUEST_CS, $1f
1:	movw $GUEST_DS, %cx
	movw %cx, %ds
	movw %cx, %es
	movw %cx, %fs
	movw %cx, %gs
	movw %cx, %ss
	movl $stack_top, %esp
	xorl %ebp, %ebp
	pushl %ebx
	pushl %eax
	call serial_init
	call main
	pushl %eax
	call guest_exit

	.section .rodata
	.balign 8
/* null, flat 4 GiB code (0x08), flat 4 GiB data (0x10) */
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00cf92000000ffff
gdt_end:
gdt_desc:
	.short gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 16
stack:
	.space STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
