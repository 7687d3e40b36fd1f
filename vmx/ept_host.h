/*
 * vmx/ept_host.h - the hypervisor's side of the EPT seam: table pages
 * from the host page allocator, INVEPT on the calling CPU.
 * Runs in VMX root, any CPU. Not built for the host unit tests.
 */
#ifndef VMX_EPT_HOST_H
#define VMX_EPT_HOST_H

#include "vmx/ept.h"

/* Zeroed pages from page_alloc_zeroed, reached through the identity map. */
extern const struct ept_mem_ops ept_host_mem_ops;

/* INVEPT single-context for this EPT on the calling CPU; false when the
 * CPU refused (it lacks single-context INVEPT, or the EPTP is invalid). */
bool ept_host_invalidate(const struct ept *ept);

#endif
