/*
 * drivers/iommu/vtd_assign.h - giving a device to a domain, or taking it
 * away, on a remapping unit that is translating: the context entry
 * changed in memory (vtd_tables.c), then the unit's caches told, in the
 * order the spec asks (vtd_unit.c). Also what follows a change of a live
 * domain's mappings.
 * Pure logic over the two seams (struct vtd_mem_ops, struct
 * vtd_mmio_ops): tests/unit/test_vtd_unit.c checks the exact register
 * sequence. One caller at a time per unit (the owner serialises).
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Caching Mode", "Write Buffer Flushing", "Context-Cache
 * Invalidation", "IOTLB Invalidation"; "Guidance to Software for
 * Invalidations" (the order of the steps).
 */
#ifndef DRIVERS_IOMMU_VTD_ASSIGN_H
#define DRIVERS_IOMMU_VTD_ASSIGN_H

#include "drivers/iommu/vtd_tables.h"
#include "drivers/iommu/vtd_unit.h"

/*
 * Device sid's DMA goes through domain d from now on: vtd_attach, then
 * the write buffer flushed (RWBF units), the device's context-cache
 * entry invalidated (with domain id 0 on a caching-mode unit, which
 * caches the not-present entry under id 0; d's id otherwise), and d's
 * IOTLB. 0; -1 when sid already has a domain, memory ran out, or the
 * unit did not complete an invalidation (the entry is then cleared
 * again).
 */
int vtd_assign(struct vtd_unit *u, struct vtd_root *r, uint16_t sid,
	       const struct vtd_domain *d);

/*
 * Device sid's DMA is blocked from now on (and faults): its context
 * entry cleared, the write buffer flushed, its context-cache entry and
 * its old domain's IOTLB invalidated. After this returns 0, no DMA of
 * the device reaches the domain's memory, which may then be reused.
 * -1 when sid had no domain, or an invalidation did not complete.
 */
int vtd_unassign(struct vtd_unit *u, struct vtd_root *r, uint16_t sid);

/*
 * The mappings of live domain did changed: after vtd_unmap (before the
 * memory is reused) and, on a caching-mode unit, after vtd_map. The
 * write buffer flushed and the domain's IOTLB invalidated. 0 or -1.
 */
int vtd_domain_changed(struct vtd_unit *u, uint16_t did);

#endif
