/*
 * tests/guests/smp.h - what the smp test guest's C part (smp.c) and its
 * AP entry code (smp_trampoline.S) agree on: the segment selectors, how
 * many CPUs it can take and the size of each AP's stack. Definitions
 * only, usable from assembly. Runs in the guest.
 */
#ifndef TESTS_GUESTS_SMP_H
#define TESTS_GUESTS_SMP_H

#define SMP_CS		  0x08 /* flat 4 GiB code, as crt0.S's GDT */
#define SMP_DS		  0x10 /* flat 4 GiB data */
#define SMP_MAX_CPUS	  16   /* CPUs beyond these are left waiting */
#define SMP_AP_STACK_SIZE 4096
/* The page the trampoline is copied to: below 1 MiB (a STARTUP IPI's
 * vector is its page number), in RAM every PC and the hypervisor's
 * Multiboot loader leave free (docs/guests.md). */
#define SMP_TRAMPOLINE 0x8000

#endif
