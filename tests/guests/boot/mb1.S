/*
 * tests/guests/boot/mb1.S - a Multiboot (v1) header for an ELF guest
 * (hello-mb1.elf, tests/guests/guests.mk): asks for memory information
 * and page-aligned modules; the loader takes the addresses from the ELF
 * program headers. Never runs: data the loader reads.
 * Multiboot Specification 0.6.96, "Header layout", "The magic fields of
 * Multiboot header".
 */
#define MB1_HEADER_MAGIC   0x1badb002
#define MB1_HF_PAGE_ALIGN  (1 << 0)
#define MB1_HF_MEMORY_INFO (1 << 1)
#define MB1_FLAGS          (MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO)

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)

	.section .note.GNU-stack, "", @progbits
