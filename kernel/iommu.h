/*
 * kernel/iommu.h - the host's VT-d remapping units, driven: found in the
 * ACPI DMAR table, each given a root table and turned on at boot, so
 * that a device's DMA reaches memory only through a domain the
 * hypervisor gave it. The hypervisor's own DMA devices (IDE, uplink
 * e1000) share one domain that identity-maps the host's RAM; a
 * passed-through device gets its VM's domain (guest-physical to
 * host-physical, as the VM's EPT maps its RAM); every other device has
 * no context entry and its DMA is blocked and reported as a fault.
 * The thin hardware seam over drivers/iommu (pure logic): register
 * MMIO, page allocation, PCI configuration reads for the scopes.
 * iommu_init on the boot CPU after acpi_init; the rest on any CPU, one
 * at a time (a lock). docs/vt-d.md, docs/passthrough.md.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "DMA Remapping Reporting Structure", "Register
 * Descriptions", "Fault Recording Registers".
 */
#ifndef KERNEL_IOMMU_H
#define KERNEL_IOMMU_H

#include "drivers/iommu/vtd_tables.h"
#include "drivers/iommu/vtd_unit.h"
#include "kernel/boot_info.h"

/* Domain ids: the hypervisor's devices, then one per VM slot. */
#define IOMMU_HOST_DID	   1
#define IOMMU_VM_DID(slot) (2 + (slot))
#define IOMMU_VM_SLOTS	   16

/*
 * Read the DMAR table (acpi.dmar), probe every unit, build the host
 * domain (every usable range of the boot memory map, identity) and an
 * empty root table per unit, and turn translation on: from then on a
 * device's DMA is blocked until it is given a domain. One log line per
 * unit; "iommu: none (no DMAR table)" when the firmware has none. A
 * unit that cannot be used is a warning, never a stop.
 */
void iommu_init(const struct boot_info *bi);

/* Is at least one unit translating? */
bool iommu_active(void);

/* Why a device's DMA is not remapped ("no DMAR table", "no remapping
 * unit translates it", ...), or NULL when a translating unit covers bdf
 * (bus << 8 | devfn, segment 0) and it can be given to a domain. */
const char *iommu_why_not(uint16_t bdf);

/* A device the hypervisor drives (who: "the IDE controller") gets the
 * host domain. 0; -1 when no unit covers it (its DMA is then not
 * remapped, as without VT-d) or the unit failed. Logs one line. */
int iommu_attach_host(uint16_t bdf, const char *who);

/* The host domain without [pa, pa+size) (a page-aligned range), or with
 * it again: for the DMA self-test (drivers/block/disk_dma_fence.c). The
 * IOTLB is invalidated before it returns. 0 or -1. */
int iommu_host_unmap(hpa_t pa, uint64_t size);
int iommu_host_map(hpa_t pa, uint64_t size);

/*
 * Device bdf belongs to VM `name` from now on: a new domain with the
 * ranges (its RAM: guest-physical to host-physical) and nothing else,
 * the device's context entry pointing to it. 0, or -1 with why in err.
 */
int iommu_assign_vm(uint16_t bdf, const char *name,
		    const struct vtd_range *ranges, unsigned count, char *err,
		    size_t n);

/* The VM stopped: bdf's context entry cleared (its DMA faults from now
 * on), the caches invalidated, the domain's tables freed. No-op when
 * bdf was not assigned. */
void iommu_unassign_vm(uint16_t bdf);

/*
 * Read and clear every fault the units recorded, one log line each:
 * "iommu: DMA fault: device BB:DD.F write to 0xADDR: reason N (name)".
 * Up to max of them are copied to seen (may be NULL). Returns how many
 * there were. Never stops anything: a fault is a blocked DMA, reported.
 */
unsigned iommu_poll_faults(struct vtd_fault *seen, unsigned max);

#endif
