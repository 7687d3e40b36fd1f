/*
 * vmx/ept.h - Extended Page Tables: one VM's guest-physical to
 * host-physical map, built, changed, walked and torn down.
 * Runs in VMX root on any CPU, by whoever owns the VM (one caller at a
 * time per struct ept). Pure logic: the table pages are reached through
 * struct ept_mem_ops, so the host unit tests build real tables in fake
 * physical memory. INVEPT is in vmx/invept.h, the hardware side.
 * SDM Vol. 3C, "EPT Translation Mechanism", "Format of EPT
 * Paging-Structure Entries", "EPT and Memory Typing", "Extended-Page-Table
 * Pointer (EPTP)", "Exit Qualification for EPT Violations".
 */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include "lib/types.h"

/* SDM Vol. 3C, "Format of EPT Paging-Structure Entries" */
#define EPT_READ	    BIT(0)
#define EPT_WRITE	    BIT(1)
#define EPT_EXEC	    BIT(2) /* (supervisor-mode only under MBEC: off) */
#define EPT_PERMS	    (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MEMTYPE_SHIFT   3 /* leaf entries: bits 5:3 */
#define EPT_MEMTYPE_MASK    (7ULL << EPT_MEMTYPE_SHIFT)
#define EPT_IGNORE_PAT	    BIT(6) /* leaf entries */
#define EPT_LARGE_PAGE	    BIT(7) /* PDE: maps 2 MiB, PDPTE: 1 GiB */
#define EPT_ADDR_MASK	    0x000ffffffffff000ULL /* bits 51:12 */
#define EPT_ADDR_MASK_2M    0x000fffffffe00000ULL /* bits 51:21 */
#define EPT_ENTRIES	    512
#define EPT_LEVEL_SHIFT(lv) (PAGE_SHIFT + 9 * ((lv)-1))
#define EPT_LEVEL_SIZE(lv)  (1ULL << EPT_LEVEL_SHIFT(lv))
#define EPT_LEVELS	    4		 /* PML4, PDPT, PD, PT */
#define EPT_GPA_LIMIT	    (1ULL << 48) /* what a 4-level walk covers */
#define EPT_HPA_LIMIT	    (1ULL << 52)

/* SDM Vol. 3C, "EPT and Memory Typing" (the values ept_map accepts) */
#define EPT_MT_UC 0
#define EPT_MT_WB 6

/* SDM Vol. 3C, "Extended-Page-Table Pointer (EPTP)" */
#define EPTP_MEMTYPE_WB	    6ULL	/* bits 2:0: for walking the tables */
#define EPTP_WALK_LENGTH_4  (3ULL << 3) /* bits 5:3: levels minus one */
#define EPTP_ACCESSED_DIRTY BIT(6)	/* we leave it off */

/* SDM Vol. 3C, "Exit Qualification for EPT Violations" */
#define EPT_VIOL_READ		BIT(0)	/* the access was a data read */
#define EPT_VIOL_WRITE		BIT(1)	/* a data write */
#define EPT_VIOL_FETCH		BIT(2)	/* an instruction fetch */
#define EPT_VIOL_READABLE	BIT(3)	/* the gpa was readable */
#define EPT_VIOL_WRITABLE	BIT(4)	/* ... writable */
#define EPT_VIOL_EXECUTABLE	BIT(5)	/* ... executable */
#define EPT_VIOL_LINEAR_VALID	BIT(7)	/* guest-linear address field */
#define EPT_VIOL_TRANSLATED	BIT(8)	/* see struct ept_violation */
#define EPT_VIOL_NMI_UNBLOCKING BIT(12) /* IRET unblocked NMIs */

/* Where the table pages come from: the host page allocator in the
 * hypervisor (vmx/ept_host.c), a fake physical arena in the unit tests. */
struct ept_mem_ops {
	/* A zeroed 4 KiB page, 0 when out of memory. */
	hpa_t (*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, hpa_t pa);
	/* Where the hypervisor reads and writes the page at pa. */
	void *(*table_ptr)(void *ctx, hpa_t pa);
	void *ctx;
};

struct ept {
	hpa_t pml4; /* 0 until ept_init succeeds, and after ept_destroy */
	struct ept_mem_ops ops;
	uint64_t table_pages; /* pages of tables, the PML4 included */
	bool large_pages;     /* map 2 MiB pages where alignment allows */
};

/*
 * An empty EPT: one zeroed PML4. large_pages: the CPU maps 2 MiB EPT pages
 * (IA32_VMX_EPT_VPID_CAP bit 16, vmx_caps.ept_2m); a 2 MiB leaf on a CPU
 * without them is an EPT misconfiguration. 0, or -1 out of memory.
 */
int ept_init(struct ept *ept, const struct ept_mem_ops *ops, bool large_pages);

/*
 * Map [gpa, gpa+size) to [hpa, hpa+size): 2 MiB pages wherever gpa and hpa
 * are both 2 MiB aligned and 2 MiB remain (if large_pages), 4 KiB pages
 * elsewhere. perms: EPT_READ, optionally with EPT_WRITE and EPT_EXEC
 * (write-only and execute-only mappings are refused: the first is an EPT
 * misconfiguration, the second needs a CPU feature). memtype: EPT_MT_WB
 * for guest RAM, EPT_MT_UC for device memory (see ept.c for the PAT).
 *
 * All or nothing: -1 and nothing changed when an address or the size is
 * not 4 KiB aligned, size is 0, the range leaves the 48-bit guest-physical
 * space, perms or memtype are not accepted, any page of the range is
 * already mapped, or the table pages run out. 0 on success.
 * Does not invalidate: after changing a live EPT, INVEPT (vmx/invept.h).
 */
int ept_map(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size,
	    unsigned perms, unsigned memtype);

/*
 * Remove every mapping inside [gpa, gpa+size); pages of the range that are
 * not mapped are skipped. A 2 MiB page that the range covers only in part
 * is first split into 4 KiB pages, so the rest of it stays mapped as it
 * was. Table pages left empty are freed (the PML4 stays).
 * 0; -1 and nothing changed when gpa or size is not 4 KiB aligned, size
 * is 0, the range leaves the 48-bit space, or a split finds no page.
 * Does not invalidate: INVEPT afterwards (vmx/invept.h).
 */
int ept_unmap(struct ept *ept, gpa_t gpa, uint64_t size);

/*
 * The walker: where gpa lands. true and *hpa (with gpa's page offset),
 * *perms (EPT_READ|EPT_WRITE|EPT_EXEC) and *level (1: a 4 KiB page,
 * 2: a 2 MiB page) when it is mapped; false when it is not. Any of the
 * out pointers may be NULL.
 */
bool ept_translate(const struct ept *ept, gpa_t gpa, hpa_t *hpa,
		   unsigned *perms, unsigned *level);

/* The VMCS EPT pointer: write-back walks, 4 levels, no accessed/dirty
 * flags, the PML4's address. */
uint64_t ept_eptp(const struct ept *ept);

/* Free every table page (never the guest's pages: they belong to the VM,
 * which frees them after INVEPT). The struct may be ept_init'ed again. */
void ept_destroy(struct ept *ept);

/* The exit qualification of an EPT violation, decoded. */
struct ept_violation {
	bool read, write, fetch; /* what the guest tried */
	/* What the EPT allowed at the gpa (all false: not mapped). */
	bool readable, writable, executable;
	bool linear_valid; /* the VMCS guest-linear address field is valid */
	/* Only when linear_valid: true if the access was to the address the
	 * guest's linear address translated to, false if it was to one of
	 * the guest's own paging-structure entries during that walk. */
	bool translated;
	/* The violation happened while IRET unblocked NMIs: re-block them
	 * before resuming the guest. */
	bool nmi_unblocking;
};

void ept_violation_decode(uint64_t qual, struct ept_violation *v);

#endif
