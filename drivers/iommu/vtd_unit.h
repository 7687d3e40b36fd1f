/*
 * drivers/iommu/vtd_unit.h - one VT-d remapping unit (a DRHD) driven
 * through its registers: probe its capabilities, set the root table,
 * invalidate the context cache and the IOTLB, turn translation on and
 * off, and read the faults it recorded.
 * A thin seam: every register access goes through struct vtd_mmio_ops
 * (uncached MMIO at the DRHD's register base in the hypervisor, a fake
 * register file in tests/unit/test_vtd_unit.c), so the command/status
 * handshakes are unit-tested. Register-based invalidation only (no
 * queued invalidation); the fault interrupt stays masked and faults are
 * polled. Runs on the boot CPU at start-up, then on whichever CPU changes
 * a VM's devices (one caller at a time per unit).
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Register Descriptions", "Global Command Register",
 * "Context Command Register", "IOTLB Invalidate Register", "Fault
 * Recording Registers", "Caching Mode", "Write Buffer Flushing".
 */
#ifndef DRIVERS_IOMMU_VTD_UNIT_H
#define DRIVERS_IOMMU_VTD_UNIT_H

#include "drivers/iommu/vtd_regs.h"

struct vtd_mmio_ops {
	uint32_t (*read32)(void *ctx, unsigned offset);
	uint64_t (*read64)(void *ctx, unsigned offset);
	void (*write32)(void *ctx, unsigned offset, uint32_t value);
	void (*write64)(void *ctx, unsigned offset, uint64_t value);
	void *ctx;
};

/* Reads of a status register before a command is declared stuck. */
#define VTD_POLL_LIMIT 1000000

struct vtd_unit {
	struct vtd_mmio_ops mmio;
	uint64_t cap, ecap;
	unsigned iotlb_reg;   /* IVA_REG; IOTLB_REG is 8 further */
	unsigned fault_reg;   /* the first fault-recording register */
	unsigned fault_count; /* fault-recording registers */
	unsigned domains;     /* domain ids 0..domains-1 */
	unsigned addr_width;  /* DMA addresses it translates (MGAW) */
	bool coherent;	      /* ECAP.C: walks snoop the CPU caches */
	bool large_pages;     /* CAP.SLLPS: 2 MiB second-level pages */
	bool caching_mode;    /* CAP.CM: caches not-present entries */
	bool rwbf;	      /* CAP.RWBF: flush the write buffer */
	unsigned poll_limit;  /* VTD_POLL_LIMIT; tests lower it */
	uint32_t version;     /* VER_REG: major 7:4, minor 3:0 */
};

/*
 * Read VER, CAP and ECAP; check the unit can use our tables (4-level,
 * AW 48) and that its IOTLB and fault registers lie inside the reg_pages
 * 4 KiB pages the DRHD gives. 0, or -1 with the reason in err.
 */
int vtd_unit_probe(struct vtd_unit *u, const struct vtd_mmio_ops *mmio,
		   unsigned reg_pages, char *err, size_t err_size);

/*
 * Bring the unit up on a root table: mask the fault interrupt, clear old
 * faults, turn translation off if firmware left it on, set the root
 * table pointer, invalidate the context cache and the IOTLB globally,
 * turn translation on. From then on only what the root table allows
 * reaches memory. 0; -1 when a command does not complete (logged).
 */
int vtd_unit_start(struct vtd_unit *u, uint64_t rtaddr);

/* The steps, for a caller that sequences them itself. 0 or -1. */
int vtd_unit_set_root(struct vtd_unit *u, uint64_t rtaddr);
int vtd_unit_enable(struct vtd_unit *u);
int vtd_unit_disable(struct vtd_unit *u);

/* After changing tables in memory: RWBF units need their write buffer
 * flushed (a no-op elsewhere). */
int vtd_unit_flush_write_buffer(struct vtd_unit *u);

/* Context-cache invalidation: everything, or one device's entry
 * (after vtd_attach/vtd_detach of sid, which was or is in domain did). */
int vtd_unit_inval_context_global(struct vtd_unit *u);
int vtd_unit_inval_context_device(struct vtd_unit *u, uint16_t did,
				  uint16_t sid);

/* IOTLB invalidation: everything, or one domain's translations (after
 * vtd_unmap, and after vtd_map when caching_mode). Drains pending DMA
 * reads and writes where the unit can. */
int vtd_unit_inval_iotlb_global(struct vtd_unit *u);
int vtd_unit_inval_iotlb_domain(struct vtd_unit *u, uint16_t did);

struct vtd_fault {
	uint16_t sid;	 /* the requester: bus 15:8, devfn 7:0 */
	uint64_t page;	 /* the faulting DMA address, page aligned */
	bool write;	 /* false: a read */
	unsigned reason; /* enum vtd_fault_reason */
	bool overflowed; /* faults were lost before this one (PFO) */
};

/* The next recorded fault, which is then cleared: true and *f, or false
 * when none is pending. */
bool vtd_unit_next_fault(struct vtd_unit *u, struct vtd_fault *f);

/* "PTE read access is not set" etc.: a fault reason in words. */
const char *vtd_fault_reason_name(unsigned reason);

/* "device 00:02.0 write to 0x10000000: reason 5 (write to a page
 * without write access)", and a note when faults were lost before it:
 * one log line. Returns what fmt_snprintf returns. */
int vtd_fault_format(const struct vtd_fault *f, char *buf, size_t n);

/* What the log says of a probed unit: "VT-d 1.0, SAGAW 0x4 (4-level
 * tables), MGAW 48 bits, 2 MiB pages, 256 domains, caching mode off,
 * page walks not snooped, 4 fault records". */
int vtd_unit_describe(const struct vtd_unit *u, char *buf, size_t n);

#endif
