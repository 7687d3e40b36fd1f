/*
 * kernel/memory.h - the host's memory at run time: the page allocator
 * built from the boot memory map, and the identity map of physical memory.
 * memory_init runs once on the boot CPU; the rest on any CPU.
 */
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H

#include "kernel/boot_info.h"
#include "kernel/pmm.h"

extern struct pmm host_pmm;

/* Build the page allocator; never hands out the image, modules, ACPI,
 * reserved ranges or the first MiB. */
void memory_init(const struct boot_info *bi);

/* The hypervisor identity-maps physical memory. */
static inline void *phys_to_virt(hpa_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline hpa_t virt_to_phys(const void *va)
{
	return (hpa_t)(uintptr_t)va;
}

/* Zeroed pages, or 0 when memory is exhausted. */
hpa_t page_alloc_zeroed(uint64_t count);
void page_free(hpa_t pa, uint64_t count);

#endif
