/*
 * vmx/guest_mem.h - a VM's RAM as the guest loaders see it: one
 * host-contiguous block that is guest-physical [0, size).
 * Pure definition; used in VMX root when a VM is built and by the host
 * unit tests and fuzz targets of the loaders.
 */
#ifndef VMX_GUEST_MEM_H
#define VMX_GUEST_MEM_H

#include "lib/types.h"

/* The hypervisor identity-maps host memory, so a host pointer is all a
 * loader needs. */
struct guest_mem {
	uint8_t *base; /* host pointer to guest-physical 0 */
	uint64_t size; /* bytes */
};

#endif
