/*
 * tests/guests/boot/mb2.S - the Multiboot2 header most test guests carry
 * (tests/guests/guests.mk links it first): no tags, so the loader starts
 * the ELF entry point, _start in tests/guests/lib/crt0.S. Never runs:
 * data the loader reads.
 * Multiboot2 Specification, "Header layout".
 */
#define MB2_HEADER_MAGIC     0xe85250d6
#define MB2_ARCH_I386        0
#define MB2_HEADER_TAG_END   0

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	.balign 8
	.short MB2_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:

	.section .note.GNU-stack, "", @progbits
