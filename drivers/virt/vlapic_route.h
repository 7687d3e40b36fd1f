/*
 * drivers/virt/vlapic_route.h - the VM's APIC bus: which of a VM's
 * local APICs an interrupt message (IPI, IOAPIC entry, MSI) addresses,
 * and handing it to them. Pure logic; called from a vCPU's ICR write
 * (its vlapic_ops.deliver) and from the IOAPIC, on any of the VM's CPUs,
 * with the VM's interrupt lock held.
 * SDM Vol. 3A, "Determining IPI Destination", "Physical Destination
 * Mode", "Logical Destination Mode", "Lowest Priority Delivery Mode",
 * "x2APIC Logical Destination Mode".
 */
#ifndef DRIVERS_VIRT_VLAPIC_ROUTE_H
#define DRIVERS_VIRT_VLAPIC_ROUTE_H

#include "drivers/virt/vlapic.h"

#define VLAPIC_ROUTE_MAX 64 /* one bit per vCPU in the masks */

/* Whether l is a destination of m (src: the sender, NULL for a device). */
bool vlapic_match(const struct vlapic *l, const struct vlapic *src,
		  const struct apic_msg *m);
/* Bit i set when lapics[i] is a destination of m (count <= 64). */
uint64_t vlapic_match_dest(struct vlapic *const *lapics, unsigned count,
			   const struct vlapic *src, const struct apic_msg *m);
/* Hands m to its destinations: fixed to each, lowest priority to the
 * lowest-numbered one, NMI, INIT, start-up, ExtINT; an INIT level
 * de-assert and SMI are dropped. Returns the vCPUs that received
 * something: the caller wakes them. */
uint64_t vlapic_route_deliver(struct vlapic *const *lapics, unsigned count,
			      const struct vlapic *src,
			      const struct apic_msg *m);

#endif
