/*
 * drivers/iommu/vtd_tables.h - the in-memory structures VT-d DMA
 * remapping walks: one root table per remapping unit (an entry per PCI
 * bus), context tables (an entry per device/function, naming a domain),
 * and per domain (one per VM) a 4-level second-level page table that
 * maps the VM's guest-physical addresses, which its devices use for DMA,
 * to host-physical ones.
 * Pure logic: table pages come and go through struct vtd_mem_ops, so the
 * host unit tests build real tables in fake memory. Runs on any CPU, one
 * caller at a time per root or domain (the owner serialises).
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Root Entry", "Context Entry", "Second-Level Paging
 * Entries", "Second-Level Translation", "Translation Structure Formats",
 * "Fault Reasons". docs/vt-d.md explains it for a student.
 */
#ifndef DRIVERS_IOMMU_VTD_TABLES_H
#define DRIVERS_IOMMU_VTD_TABLES_H

#include "drivers/iommu/vtd_regs.h"

/* What a mapping lets the device do (second-level R and W). */
#define VTD_READ  VTD_SL_READ
#define VTD_WRITE VTD_SL_WRITE
#define VTD_RW	  (VTD_READ | VTD_WRITE)

/*
 * Where table pages come from: the host page allocator in the hypervisor,
 * a fake physical arena in the unit tests.
 */
struct vtd_mem_ops {
	/* A zeroed 4 KiB page, by its host-physical address; 0 when out of
	 * memory. */
	hpa_t (*alloc_page)(void *ctx);
	void (*free_page)(void *ctx, hpa_t pa);
	/* Where the hypervisor reads and writes the page at pa. */
	void *(*page_ptr)(void *ctx, hpa_t pa);
	/*
	 * Page-walk coherency: a unit whose ECAP.C is 0 reads the tables
	 * from memory without snooping the CPU caches, so every byte we
	 * write must be written back (CLFLUSH) before the unit may see it.
	 * flush(ctx, p, len) does that for [p, p+len); NULL when every unit
	 * using these tables is coherent (ECAP.C = 1).
	 */
	void (*flush)(void *ctx, const void *p, size_t len);
	void *ctx;
};

/* One remapping unit's root table and the context tables below it. */
struct vtd_root {
	hpa_t table; /* 0 until vtd_root_init succeeds */
	struct vtd_mem_ops ops;
	unsigned table_pages; /* root + context tables */
};

/* A DMA address space: what the devices of one VM may reach. */
struct vtd_domain {
	uint16_t did; /* the domain id the context entries carry */
	hpa_t pml4;   /* 0 until vtd_domain_init succeeds */
	struct vtd_mem_ops ops;
	uint64_t table_pages;
	bool large_pages; /* map 2 MiB pages where allowed (CAP.SLLPS) */
};

/* An empty root table (every bus absent: all DMA is blocked once
 * translation is on). 0, or -1 out of memory. */
int vtd_root_init(struct vtd_root *r, const struct vtd_mem_ops *ops);

/* The Root Table Address Register value: legacy mode (TTM 00). */
uint64_t vtd_root_rtaddr(const struct vtd_root *r);

/* Free the root and context tables (never the domains). */
void vtd_root_destroy(struct vtd_root *r);

/*
 * An empty domain. did: 1..65535 and below the unit's domain count
 * (CAP.ND; id 0 is reserved when CAP.CM is set, so we never use it).
 * large_pages: every unit the domain is attached to has CAP.SLLPS 2 MiB.
 * 0; -1 for a bad did or out of memory.
 */
int vtd_domain_init(struct vtd_domain *d, const struct vtd_mem_ops *ops,
		    uint16_t did, bool large_pages);

/*
 * Let the domain's devices reach [hpa, hpa+size) at DMA addresses
 * [gpa, gpa+size): 2 MiB pages where both are 2 MiB aligned with 2 MiB
 * left (if large_pages), 4 KiB pages elsewhere. perms: VTD_READ,
 * VTD_WRITE or both. All or nothing: -1 and nothing changed when an
 * address or size is not 4 KiB aligned, size is 0, the range leaves the
 * 48-bit space, perms is empty or unknown, a page is already mapped, or
 * table pages run out.
 * No invalidation here: a unit with CAP.CM set caches not-present
 * entries, so after mapping into a live domain invalidate its IOTLB
 * (vtd_unit_inval_iotlb_domain) when CM is set; without CM nothing is
 * needed (RWBF units: flush the write buffer).
 */
int vtd_map(struct vtd_domain *d, gpa_t gpa, hpa_t hpa, uint64_t size,
	    unsigned perms);

/*
 * Remove every mapping inside [gpa, gpa+size); unmapped pages are
 * skipped; a 2 MiB page the range cuts is split first so the rest stays
 * mapped. Empty tables are freed. 0; -1 (and no translation changed) for
 * bad alignment/size or no page for a split. Afterwards, before the
 * pages are reused: invalidate the IOTLB for the domain.
 */
int vtd_unmap(struct vtd_domain *d, gpa_t gpa, uint64_t size);

/* Free every table page (never the mapped memory). Detach the domain's
 * devices and invalidate first. */
void vtd_domain_destroy(struct vtd_domain *d);

/* One piece of what a domain maps: DMA addresses [gpa, gpa+size) to
 * host [hpa, hpa+size), e.g. a VM's RAM (its EPT's RAM pairs) or, for
 * the hypervisor's own devices, a usable range of host RAM at gpa = hpa
 * (identity). */
struct vtd_range {
	gpa_t gpa;
	hpa_t hpa;
	uint64_t size;
};

/*
 * A new domain (vtd_domain_init) with each of the count ranges mapped
 * read/write (vtd_map), and nothing else: an address outside them
 * faults. All or nothing: when a range is refused (alignment, overlap)
 * or memory runs out, every table page is given back, d->pml4 is 0 and
 * the result -1 (*bad, if not NULL, is the refused range's index, or
 * count when vtd_domain_init failed).
 */
int vtd_domain_build(struct vtd_domain *d, const struct vtd_mem_ops *ops,
		     uint16_t did, bool large_pages,
		     const struct vtd_range *ranges, unsigned count,
		     unsigned *bad);

/*
 * Point device sid (bus:devfn, VTD_SID) at domain d: a present context
 * entry, translation type "untranslated requests only", AW 48 (4 levels),
 * d's id and page table. The bus's context table is allocated the first
 * time. -1 when sid is already attached (detach first) or out of memory.
 * Afterwards on a live unit: device-selective context-cache invalidation
 * (vtd_unit_inval_context_device), then the domain's IOTLB.
 */
int vtd_attach(struct vtd_root *r, uint16_t sid, const struct vtd_domain *d);

/* Clear sid's context entry: its DMA faults from then on. -1 when it was
 * not attached. Afterwards: the same invalidations as vtd_attach. */
int vtd_detach(struct vtd_root *r, uint16_t sid);

/* The domain id sid is attached to, or -1. */
int vtd_attached_did(const struct vtd_root *r, uint16_t sid);

/* ---- the hardware's walk, for tests and diagnostics ------------------ */

/* How the walker reads a table page: NULL when pa is not memory. */
typedef const void *(*vtd_read_fn)(void *ctx, hpa_t pa);

struct vtd_xlate {
	hpa_t hpa;	/* with the address's offset in the page */
	unsigned level; /* leaf: 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB; 0 pass */
	uint16_t did;
	unsigned perms; /* VTD_READ | VTD_WRITE along the walk */
};

/*
 * Translate a DMA request of device sid to addr, a write or a read, as a
 * remapping unit in legacy mode would from the RTADDR value rtaddr, using
 * only what is in memory. VTD_FAULT_NONE and *out, or the fault reason the
 * unit would record.
 */
enum vtd_fault_reason vtd_translate(vtd_read_fn read, void *ctx,
				    uint64_t rtaddr, uint16_t sid,
				    uint64_t addr, bool write,
				    struct vtd_xlate *out);

#endif
