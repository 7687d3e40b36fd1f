/*
 * tests/guests/lib/mb1info.h - what a guest reads from the Multiboot (v1)
 * information its loader left: flags, mem_lower/mem_upper, command line,
 * modules, memory map, loader name. Pure: every address in the
 * information is read at MEM + address, MEM being 0 in a guest (paging
 * off) and a buffer standing for guest memory in a host unit test
 * (tests/unit/test_guest_lib.c).
 * Multiboot Specification 0.6.96, "Boot information format".
 */
#ifndef TESTS_GUESTS_LIB_MB1INFO_H
#define TESTS_GUESTS_LIB_MB1INFO_H

#include "lib/types.h"

struct mb1_view {
	uintptr_t mem;	       /* where guest-physical 0 is */
	uint32_t flags;	       /* the information's flags word */
	uint32_t mem_lower;    /* KiB, 0 without MB1_INFO_MEMORY */
	uint32_t mem_upper;    /* KiB */
	const char *cmdline;   /* "" when absent */
	const char *loader;    /* boot loader name, "" when absent */
	const char *mod0;      /* the first module's string, "" if none */
	uint32_t mods_count;   /* 0 without MB1_INFO_MODS */
	uint32_t mods_end;     /* first byte above every module, or 0 */
	uint32_t mmap_addr;    /* guest-physical */
	uint32_t mmap_length;  /* bytes */
	unsigned mmap_ranges;  /* entries in the memory map */
	uint64_t usable_bytes; /* sum of the available ranges */
	uint64_t ram_end;      /* end of the highest available range */
};

/* Parse the information at guest-physical INFO (MAGIC from EAX). Returns
 * NULL, or why it cannot be used (wrong magic, no memory map, a memory
 * map entry that is too short or runs past mmap_length). */
const char *mb1_parse(uintptr_t mem, uint32_t magic, uint32_t info,
		      struct mb1_view *v);
/* Call FN for each available range [base, base+len) of the memory map. */
void mb1_for_each_ram(const struct mb1_view *v,
		      void (*fn)(uint64_t base, uint64_t len, void *arg),
		      void *arg);

#endif
