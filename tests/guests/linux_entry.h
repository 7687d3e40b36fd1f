/*
 * tests/guests/linux_entry.h - what the linux-loader test guest's C part
 * (linux-loader.c) and its switch to the kernel (linux_entry.S) agree
 * on: struct linux_entry, the state the kernel is entered in, and the
 * offsets of its fields for the assembly. Definitions only, usable from
 * assembly. Runs in the guest.
 * Linux Documentation/x86/boot.rst, "64-bit BOOT PROTOCOL"; SDM Vol. 3A,
 * "Initializing IA-32e Mode".
 */
#ifndef TESTS_GUESTS_LINUX_ENTRY_H
#define TESTS_GUESTS_LINUX_ENTRY_H

#define LE_TARGET_LO 0 /* enter once the TSC has reached this */
#define LE_TARGET_HI 4
#define LE_CR0	     8
#define LE_CR3	     12
#define LE_CR4	     16
#define LE_EFER	     20 /* low half; the high half is 0 */
#define LE_RIP	     24 /* the 64-bit entry, below 4 GiB */
#define LE_RSP	     28
#define LE_RSI	     32 /* the zero page */
#define LE_DS	     36 /* DS ES FS GS SS */
#define LE_FAR	     40 /* m16:32: linux_entry64, then LE_FAR_CS */
#define LE_FAR_CS    44 /* the 64-bit code segment's selector */
#define LE_GDTR	     50 /* LGDT's limit (16 bits), then base (32) */

#ifndef __ASSEMBLER__
#include "lib/types.h"

struct linux_entry {
	uint32_t target_lo, target_hi;
	uint32_t cr0, cr3, cr4, efer;
	uint32_t rip, rsp, rsi;
	uint32_t ds;
	uint32_t far_offset; /* linux_entry.S fills it in */
	uint16_t far_cs;
	uint16_t pad;
	uint16_t gdt_pad; /* aligns the limit, so that the base is aligned */
	uint16_t gdt_limit;
	uint32_t gdt_base;
};

_Static_assert(__builtin_offsetof(struct linux_entry, cr0) == LE_CR0, "cr0");
_Static_assert(__builtin_offsetof(struct linux_entry, rsi) == LE_RSI, "rsi");
_Static_assert(__builtin_offsetof(struct linux_entry, ds) == LE_DS, "ds");
_Static_assert(__builtin_offsetof(struct linux_entry, far_offset) == LE_FAR,
	       "far pointer");
_Static_assert(__builtin_offsetof(struct linux_entry, far_cs) == LE_FAR_CS,
	       "far selector");
_Static_assert(__builtin_offsetof(struct linux_entry, gdt_limit) == LE_GDTR,
	       "gdtr");

/* Wait until the TSC reaches E's target, then switch to 64-bit mode as E
 * says and jump to the kernel (linux_entry.S). Never returns. */
__attribute__((noreturn)) void linux_enter64(const struct linux_entry *e);
#endif

#endif
