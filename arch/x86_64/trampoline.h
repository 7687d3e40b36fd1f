/*
 * arch/x86_64/trampoline.h - the code an application processor runs
 * after its start-up IPI: real mode at a page below 1 MiB, then 32-bit
 * protected mode, then 64-bit mode on the hypervisor's page tables, then
 * a C function with its per-CPU pointer.
 * The boot CPU copies trampoline_start..trampoline_end to that page and
 * fills struct trampoline_args (at trampoline_args_offset) before each
 * INIT-SIPI-SIPI. SDM Vol. 3A, "MP Initialization Protocol Algorithm",
 * "Switching to Protected Mode", "Initializing IA-32e Mode".
 */
#ifndef ARCH_X86_64_TRAMPOLINE_H
#define ARCH_X86_64_TRAMPOLINE_H

#include "lib/types.h"

struct trampoline_args {
	uint32_t cr3; /* the hypervisor's PML4, below 4 GiB */
	uint32_t reserved;
	uint64_t stack_top; /* this AP's stack */
	uint64_t arg;	    /* passed to entry in RDI */
	uint64_t entry;	    /* void entry(uint64_t arg), never returns */
} __attribute__((packed));

/* Copy the trampoline to page (below 1 MiB, 4 KiB aligned) and fix its
 * absolute addresses; returns where to write the arguments. */
struct trampoline_args *trampoline_install(hpa_t page);

#endif
