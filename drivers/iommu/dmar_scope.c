/*
 * drivers/iommu/dmar_scope.c - which remapping unit (and which reserved
 * regions) a PCI device falls under, from the parsed DMAR device scopes.
 * A scope's path starts on a bus and goes through bridges, so matching
 * reads the bridges' secondary and subordinate bus numbers through a
 * callback (configuration space in the hypervisor, a fake in the tests).
 * Pure logic; runs on the boot CPU when a VM's passthrough device is set
 * up.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Device Scope Structure", "DMA Remapping Hardware Unit
 * Definition Structure" (INCLUDE_PCI_ALL). PCI-to-PCI Bridge
 * Architecture Specification: "Type 1 Configuration Space Header".
 */
#include "drivers/iommu/dmar.h"

/* Type 1 header: primary, secondary, subordinate bus in the dword at 0x18. */
#define PCI_BRIDGE_BUSES     0x18
#define BUSES_SECONDARY(v)   ((uint8_t)((v) >> 8))
#define BUSES_SUBORDINATE(v) ((uint8_t)((v) >> 16))
#define PCI_ABSENT	     0xffffffffU

struct pci_dev_ref {
	uint16_t segment;
	uint8_t bus, devfn;
	dmar_pci_read32_fn read;
	void *ctx;
};

static uint32_t bridge_buses(const struct pci_dev_ref *d, uint8_t bus,
			     uint8_t devfn)
{
	return d->read(d->ctx, d->segment, bus, devfn, PCI_BRIDGE_BUSES);
}

/* Does scope s name the device (or, for a bridge scope, a bridge above
 * it)? */
static bool scope_names(const struct dmar_scope *s, const struct pci_dev_ref *d)
{
	uint8_t bus = s->bus;
	uint8_t last = s->path[s->path_len - 1];
	uint32_t buses;

	if (s->type != DMAR_SCOPE_ENDPOINT && s->type != DMAR_SCOPE_BRIDGE)
		return false;
	for (unsigned i = 0; i + 1 < s->path_len; i++) {
		buses = bridge_buses(d, bus, s->path[i]);
		if (buses == PCI_ABSENT)
			return false;
		bus = BUSES_SECONDARY(buses);
	}
	if (bus == d->bus && last == d->devfn)
		return true;
	if (s->type != DMAR_SCOPE_BRIDGE)
		return false;
	buses = bridge_buses(d, bus, last);
	return buses != PCI_ABSENT && d->bus >= BUSES_SECONDARY(buses) &&
	       d->bus <= BUSES_SUBORDINATE(buses) && BUSES_SECONDARY(buses);
}

static bool scopes_name(const struct dmar_scope *scopes, unsigned count,
			const struct pci_dev_ref *d)
{
	for (unsigned i = 0; i < count; i++)
		if (scope_names(&scopes[i], d))
			return true;
	return false;
}

int dmar_unit_for_device(const struct dmar_info *info, uint16_t segment,
			 uint8_t bus, uint8_t devfn, dmar_pci_read32_fn read,
			 void *ctx)
{
	struct pci_dev_ref d = {segment, bus, devfn, read, ctx};
	int all = -1;

	for (unsigned i = 0; i < info->drhd_count; i++) {
		const struct dmar_drhd *u = &info->drhd[i];

		if (u->segment != segment)
			continue;
		if (u->include_pci_all)
			all = (int)i;
		else if (scopes_name(u->scopes, u->scope_count, &d))
			return (int)i;
	}
	return all;
}

int dmar_rmrr_for_device(const struct dmar_info *info, uint16_t segment,
			 uint8_t bus, uint8_t devfn, dmar_pci_read32_fn read,
			 void *ctx, int after)
{
	struct pci_dev_ref d = {segment, bus, devfn, read, ctx};

	for (unsigned i = (unsigned)(after + 1); i < info->rmrr_count; i++) {
		const struct dmar_rmrr *r = &info->rmrr[i];

		if (r->segment == segment &&
		    scopes_name(r->scopes, r->scope_count, &d))
			return (int)i;
	}
	return -1;
}
