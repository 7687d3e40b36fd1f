/*
 * vmx/guest_walk.h - translate a guest-linear address to guest-physical
 * by walking the guest's own page tables, as the guest's CPU would.
 * Pure logic: guest memory is read through a gpa_read_fn seam, so it runs
 * in VMX root from the EPT-violation handler (to fetch the instruction to
 * decode) and on the host in the unit tests.
 * SDM Vol. 3A, "Paging" ("32-Bit Paging", "PAE Paging", "4-Level Paging
 * and 5-Level Paging", "Access Rights", "Page-Fault Exceptions").
 */
#ifndef VMX_GUEST_WALK_H
#define VMX_GUEST_WALK_H

#include "lib/types.h"

/* Read len bytes of guest-physical memory at gpa into buf; false when
 * some of them have no guest RAM behind them. */
typedef bool (*gpa_read_fn)(void *ctx, gpa_t gpa, void *buf, size_t len);

/* What the walk needs of the guest's state (from the VMCS guest-state
 * area and the CPUID the guest sees). */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
	unsigned cpl;	     /* 3: user-mode access, else supervisor */
	unsigned maxphyaddr; /* CPUID.80000008H:EAX[7:0], 32..52: paging
				entry bits at and above it are reserved */
};

/* Kinds of access (a read-modify-write passes GW_READ | GW_WRITE). */
#define GW_READ	 BIT(0)
#define GW_WRITE BIT(1)
#define GW_FETCH BIT(2)

/* Results of guest_walk and guest_read_linear. */
enum guest_walk_result {
	GW_OK = 0,
	GW_FAULT,	 /* the guest's CPU would take #PF(*pf_error) */
	GW_BAD_TABLE,	 /* a paging structure lies outside guest RAM */
	GW_BAD_MEMORY,	 /* the bytes to read lie outside guest RAM */
	GW_NONCANONICAL, /* 4-level paging: not canonical, #GP not #PF */
	GW_UNSUPPORTED,	 /* 5-level paging, EFER.LMA without CR4.PAE, or
			    maxphyaddr outside 32..52 */
};

/* SDM Vol. 3A, "Page-Fault Exceptions" (the error code) */
#define PF_ERR_P    BIT(0) /* 0: not present; 1: protection violation */
#define PF_ERR_W    BIT(1) /* the access was a write */
#define PF_ERR_U    BIT(2) /* the access was a user-mode (CPL 3) access */
#define PF_ERR_RSVD BIT(3) /* a reserved bit was set in a paging entry */
#define PF_ERR_I    BIT(4) /* an instruction fetch (with NXE or SMEP) */

/*
 * Translate gva for an access of the given kind. On GW_OK *out is the
 * guest-physical address; on GW_FAULT *pf_error is the page-fault error
 * code the CPU would push (CR2 would be gva). Accessed and dirty bits
 * are not set: see guest_walk.c.
 */
int guest_walk(const struct guest_paging *pg, gva_t gva, unsigned access,
	       gpa_read_fn read, void *ctx, gpa_t *out, uint32_t *pf_error);

/*
 * Read len bytes at gva (an instruction is up to 15), which may cross
 * into another page mapped anywhere. On GW_FAULT *fault_gva is the
 * linear address the CPU would report in CR2 (the first byte of the
 * page that faulted).
 */
int guest_read_linear(const struct guest_paging *pg, gva_t gva, void *buf,
		      size_t len, unsigned access, gpa_read_fn read, void *ctx,
		      uint32_t *pf_error, gva_t *fault_gva);

/* "ok", "page fault", ... for messages. */
const char *guest_walk_result_name(int result);

#endif
