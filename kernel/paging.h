/*
 * kernel/paging.h - the hypervisor's own page tables: an identity map of
 * all physical memory with 2 MiB pages; RAM write-back, everything else
 * (MMIO, holes) uncached. Built once on the boot CPU; every CPU loads the
 * same CR3 (kernel_cr3).
 * SDM Vol. 3A, "4-Level Paging and 5-Level Paging", "Page-Directory Entry
 * that Maps a 2-MByte Page".
 */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include "kernel/boot_info.h"

/* Below 4 GiB, so the APs' 32-bit start-up code can load it. */
extern hpa_t kernel_cr3;
/* Physical addresses below this are mapped (after paging_init). */
extern hpa_t paging_mapped_end;

void paging_init(const struct boot_info *bi);

#endif
