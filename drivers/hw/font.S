/*
 * drivers/hw/font.S - the PSF console font fbcon.c draws with on RGB
 * framebuffers, built into the image (read-only data, no code). The
 * file comes from drivers/hw/font.mk, which passes its path as FONT_PSF.
 */
	.section .rodata.font, "a"
	.globl font_psf
	.globl font_psf_size
	.balign 16
font_psf:
	.incbin FONT_PSF
font_psf_end:

	.balign 8
font_psf_size:
	.quad font_psf_end - font_psf

	.section .note.GNU-stack, "", @progbits
