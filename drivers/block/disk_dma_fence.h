/*
 * drivers/block/disk_dma_fence.h - the VT-d part of the host disk
 * self-test (hv.cfg `disk_selftest`, docs/vt-d.md): a DMA the remapping
 * unit must block. One page is taken out of the disk controller's
 * domain, a sector is read into it by DMA, and the page must be
 * unchanged and the unit must have recorded the fault (device, page,
 * write); with the page mapped again the same read must land.
 * Boot CPU, after disk_selftest, only when a VT-d unit translates the
 * controller (kernel/iommu.h).
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Fault Recording Registers", "Fault Reasons".
 */
#ifndef DRIVERS_BLOCK_DISK_DMA_FENCE_H
#define DRIVERS_BLOCK_DISK_DMA_FENCE_H

#include "drivers/block/sector_dev.h"

/*
 * Run the check on dev, whose DMA carries requester id bdf, with page
 * (a 4 KiB page of the hypervisor's, in the host domain). Logs one line
 * per phase. 0 when the DMA was blocked, reported, and lands again once
 * mapped; -1 otherwise.
 */
int disk_dma_fence(struct sector_dev *dev, uint16_t bdf, uint8_t *page);

#endif
