/*
 * tests/guests/boot/mb1-aout.S - a Multiboot (v1) header with the a.out
 * kludge (flags bit 16) for a flat binary guest (hello-aout.bin,
 * tests/guests/guests.mk): the loader finds no ELF headers and takes
 * where to load, how much, the bss and the entry from the address fields
 * below, which the linker fills from tests/guests/guest.ld. Never runs:
 * data the loader reads.
 * Multiboot Specification 0.6.96, "Header layout", "The address fields
 * of Multiboot header".
 */
#define MB1_HEADER_MAGIC   0x1badb002
#define MB1_HF_MEMORY_INFO (1 << 1)
#define MB1_HF_AOUT_KLUDGE (1 << 16)
#define MB1_FLAGS          (MB1_HF_MEMORY_INFO | MB1_HF_AOUT_KLUDGE)

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)
	.long mb1_header		/* header_addr */
	.long _image_start		/* load_addr */
	.long _load_end			/* load_end_addr: end of .data */
	.long _image_end		/* bss_end_addr */
	.long _start			/* entry_addr */

/* A word of .data, so that the flat binary always reaches _load_end. */
	.data
	.balign 4
mb1_aout_data_end:
	.long 0x2badb002

	.section .note.GNU-stack, "", @progbits
