/*
 * drivers/iommu/vtd_assign.c - a device given to a domain or taken from
 * it on a translating unit: the table change, then the invalidations,
 * in the order the spec gives (docs/vt-d.md, "After a change").
 * One caller at a time per unit. Pure logic over vtd_tables.c and
 * vtd_unit.c; tests/unit/test_vtd_unit.c checks the register sequence.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Caching Mode", "Write Buffer Flushing", "Context-Cache
 * Invalidation", "IOTLB Invalidation".
 */
#include "drivers/iommu/vtd_assign.h"

/* Caching mode: the unit may hold the old not-present context entry,
 * tagged with domain id 0. */
#define VTD_CM_NOT_PRESENT_DID 0

int vtd_assign(struct vtd_unit *u, struct vtd_root *r, uint16_t sid,
	       const struct vtd_domain *d)
{
	uint16_t did = u->caching_mode ? VTD_CM_NOT_PRESENT_DID : d->did;

	if (vtd_attach(r, sid, d))
		return -1;
	if (vtd_unit_flush_write_buffer(u) ||
	    vtd_unit_inval_context_device(u, did, sid) ||
	    vtd_unit_inval_iotlb_domain(u, d->did)) {
		vtd_detach(r, sid);
		return -1;
	}
	return 0;
}

int vtd_unassign(struct vtd_unit *u, struct vtd_root *r, uint16_t sid)
{
	int did = vtd_attached_did(r, sid);

	if (did < 0 || vtd_detach(r, sid))
		return -1;
	if (vtd_unit_flush_write_buffer(u) ||
	    vtd_unit_inval_context_device(u, (uint16_t)did, sid) ||
	    vtd_unit_inval_iotlb_domain(u, (uint16_t)did))
		return -1;
	return 0;
}

int vtd_domain_changed(struct vtd_unit *u, uint16_t did)
{
	if (vtd_unit_flush_write_buffer(u) ||
	    vtd_unit_inval_iotlb_domain(u, did))
		return -1;
	return 0;
}
