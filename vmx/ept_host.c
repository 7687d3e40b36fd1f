/*
 * vmx/ept_host.c - the EPT seam bound to the real machine: table pages
 * come from the host page allocator (zeroed) and are reached through the
 * hypervisor's identity map of physical memory; INVEPT is the instruction.
 * Runs in VMX root, any CPU. vmx/ept.c holds the logic.
 */
#include "kernel/memory.h"
#include "vmx/ept_host.h"
#include "vmx/invept.h"

static hpa_t host_alloc_table(void *ctx)
{
	return page_alloc_zeroed(1);
}

static void host_free_table(void *ctx, hpa_t pa)
{
	page_free(pa, 1);
}

static void *host_table_ptr(void *ctx, hpa_t pa)
{
	return phys_to_virt(pa);
}

const struct ept_mem_ops ept_host_mem_ops = {
	.alloc_table = host_alloc_table,
	.free_table = host_free_table,
	.table_ptr = host_table_ptr,
	.ctx = NULL,
};

bool ept_host_invalidate(const struct ept *ept)
{
	return invept_single_context(ept_eptp(ept));
}
