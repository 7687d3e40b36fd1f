/*
 * boot/multiboot2/entry.S - from GRUB's 32-bit protected mode to 64-bit
 * C, and the 64-bit entry the UEFI loader jumps to.
 * Runs once, on the boot CPU, interrupts off.
 *
 * GRUB leaves us in 32-bit protected mode, paging off, EAX = magic,
 * EBX = boot information (Multiboot2 Specification, "I386 machine state").
 * We identity-map the first 4 GiB with 2 MiB pages, enable long mode
 * (SDM Vol. 3A, "Initializing IA-32e Mode") and call mb2_main in C.
 */
#define CR0_PE   (1 << 0)
#define CR0_MP   (1 << 1)
#define CR0_ET   (1 << 4)
#define CR0_NE   (1 << 5)
#define CR0_WP   (1 << 16)
#define CR0_PG   (1 << 31)
/* Caches on (CD = NW = 0, which firmware may leave set), native x87
 * errors, write protection honoured in ring 0. */
#define CR0_LONG_MODE (CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE)
#define CR4_PAE  (1 << 5)
#define EFER_MSR 0xc0000080
#define EFER_LME (1 << 8)
#define PTE_P_W  0x3
#define PDE_2M   0x83           /* present, writable, page size */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define COM1     0x3f8

	.section .text.boot, "ax"
	.code32
	.globl mb2_start32
mb2_start32:
	cli
	cld
	movl $boot_stack_top, %esp
	movl %eax, mb2_magic
	movl %ebx, mb2_info

	/* Long mode present? CPUID.80000001H:EDX.LM[29] */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* PML4[0] -> PDPT, PDPT[0..3] -> four page directories. */
	movl $boot_pdpt, %eax
	orl $PTE_P_W, %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $PTE_P_W, %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b

	/* 2048 PDEs of 2 MiB each: 0 .. 4 GiB. */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $PDE_2M, %eax
	movl %eax, boot_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax		/* high dword: bits 32+ of the address */
	movl %eax, boot_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $EFER_MSR, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl $CR0_LONG_MODE, %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $KERNEL_CS, $mb2_start64

/* No 64-bit mode: say so on COM1 and stop. */
no_long_mode:
	movl $no_lm_msg, %esi
3:	lodsb
	testb %al, %al
	jz 5f
	movb %al, %bl
	movw $COM1 + 5, %dx
4:	inb %dx, %al
	testb $0x20, %al
	jz 4b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 3b
5:	hlt
	jmp 5b

	.code64
mb2_start64:
	movw $KERNEL_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	movl mb2_magic, %edi
	movl mb2_info, %esi
	call mb2_main
6:	cli
	hlt
	jmp 6b

/*
 * hv_entry64 - the ELF entry point, for the UEFI loader: 64-bit mode,
 * paging on with the first 4 GiB identity-mapped (UEFI Specification,
 * "Calling Conventions": x64), RDI = struct boot_info *.
 */
	.globl hv_entry64
hv_entry64:
	cli
	cld
	movq $boot_stack_top, %rsp
	call kernel_main
7:	cli
	hlt
	jmp 7b

	.section .rodata
no_lm_msg:
	.asciz "hv: this CPU has no 64-bit mode; the hypervisor needs an x86-64 CPU with Intel VT-x\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code */
	.quad 0x00cf92000000ffff	/* data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .data
mb2_magic:	.long 0
mb2_info:	.long 0

	.section .bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
