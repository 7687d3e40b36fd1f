/*
 * arch/x86_64/trampoline.S - application-processor start-up code.
 * Copied by trampoline.c to a page below 1 MiB; an AP starts here in real
 * mode after its start-up IPI with CS = page >> 4, IP = 0.
 * SDM Vol. 3A, "MP Initialization Protocol Algorithm", "Switching to
 * Protected Mode", "Initializing IA-32e Mode".
 *
 * EBX holds the page's physical address throughout, so the 32- and 64-bit
 * parts address their data relative to it. The three absolute values
 * (the GDT base and the two far-jump targets) are patched by
 * trampoline_install, which knows the page.
 */
#define CR4_PAE   (1 << 5)
#define EFER_MSR  0xc0000080
#define EFER_LME  (1 << 8)
#define CR0_LONG_MODE 0x80010033 /* PG WP NE ET MP PE */
#define SEL_CODE32 0x08
#define SEL_DATA   0x10
#define SEL_CODE64 0x18
#define OFF(label) ((label) - trampoline_start)

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_args
	.globl trampoline_gdt, trampoline_gdt_ptr, trampoline_far32
	.globl trampoline_far64, trampoline_32, trampoline_64

	.code16
trampoline_start:
	cli
	cld
	xorl %ebx, %ebx
	movw %cs, %bx
	shll $4, %ebx
	movw %cs, %ax
	movw %ax, %ds
	lgdtl OFF(trampoline_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *OFF(trampoline_far32)

	.code32
trampoline_32:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl OFF(trampoline_args)(%ebx), %eax	/* args.cr3 */
	movl %eax, %cr3
	movl $EFER_MSR, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl $CR0_LONG_MODE, %eax
	movl %eax, %cr0
	ljmpl *OFF(trampoline_far64)(%ebx)

	.code64
trampoline_64:
	movl %ebx, %ebx			/* upper half is undefined here */
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq OFF(trampoline_args) + 8(%rbx), %rsp	/* args.stack_top */
	movq OFF(trampoline_args) + 16(%rbx), %rdi	/* args.arg */
	movq OFF(trampoline_args) + 24(%rbx), %rax	/* args.entry */
	xorl %ebp, %ebp
	call *%rax
1:	cli
	hlt
	jmp 1b

	.balign 8
trampoline_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* SEL_CODE32: 32-bit code */
	.quad 0x00cf92000000ffff	/* SEL_DATA */
	.quad 0x00af9a000000ffff	/* SEL_CODE64: 64-bit code */
trampoline_gdt_end:
trampoline_gdt_ptr:
	.short trampoline_gdt_end - trampoline_gdt - 1
	.long 0				/* patched: page + OFF(gdt) */
trampoline_far32:
	.long 0				/* patched: page + OFF(trampoline_32) */
	.short SEL_CODE32
trampoline_far64:
	.long 0				/* patched: page + OFF(trampoline_64) */
	.short SEL_CODE64
	.balign 8
trampoline_args:
	.skip 32			/* struct trampoline_args */
trampoline_end:

	.section .note.GNU-stack, "", @progbits
