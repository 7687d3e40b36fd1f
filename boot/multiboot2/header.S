/*
 * boot/multiboot2/header.S - the Multiboot2 header GRUB looks for in the
 * first 32 KiB of hv.elf. It asks for the 32-bit entry point below; the
 * ELF entry point (hv_entry64) is for the UEFI loader.
 * Multiboot2 Specification, "Header layout", "Header tags".
 */
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386    0
#define MB2_HEADER_TAG_END 0
#define MB2_HEADER_TAG_ENTRY 3
#define MB2_HEADER_TAG_OPTIONAL 1

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Entry address tag: start in 32-bit protected mode at mb2_start32. */
	.balign 8
	.short MB2_HEADER_TAG_ENTRY
	.short 0
	.long 12
	.long mb2_start32

	.balign 8
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:

	.section .note.GNU-stack, "", @progbits
