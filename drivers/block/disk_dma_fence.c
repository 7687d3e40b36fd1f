/*
 * drivers/block/disk_dma_fence.c - a DMA outside its domain, on
 * purpose: sector 0 read into a page the disk controller's VT-d domain
 * no longer maps; the page must stay as it was and the unit must report
 * the fault; mapped again, the same read must land. Boot CPU, after the
 * disk self-test. docs/vt-d.md ("Testing it in QEMU").
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Fault Recording Registers", "Fault Reasons".
 */
#define LOG_PREFIX "disk-selftest: "
#include "drivers/block/disk_dma_fence.h"
#include "kernel/iommu.h"
#include "kernel/memory.h"
#include "lib/log.h"
#include "lib/string.h"

#define FENCE_FILL   0x5a /* what the page holds while it is fenced off */
#define FENCE_FAULTS 8

static void read_done(struct sector_req *req, int status)
{
	int *result = req->ctx;

	*result = status;
}

/* Sector lba into buf by the device's DMA, waited for: its status. */
static int read_sector(struct sector_dev *dev, uint64_t lba, uint8_t *buf)
{
	int result = 1; /* not done yet */
	struct sector_req req = {
		.op = SECTOR_READ,
		.sector = lba,
		.count = 1,
		.buf = buf,
		.done = read_done,
		.ctx = &result,
	};

	if (dev->submit(dev, &req))
		return -1;
	while (result == 1)
		dev->poll(dev);
	return result;
}

static bool page_untouched(const uint8_t *page)
{
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		if (page[i] != FENCE_FILL)
			return false;
	return true;
}

/* How many of the faults are the controller's write to the page. */
static unsigned faults_on(const struct vtd_fault *f, unsigned n, uint16_t bdf,
			  hpa_t pa)
{
	unsigned hits = 0;

	for (unsigned i = 0; i < MIN(n, FENCE_FAULTS); i++)
		hits += f[i].sid == bdf && f[i].write && f[i].page == pa;
	return hits;
}

/* The fenced read: 0 when blocked and reported. */
static int fenced_read(struct sector_dev *dev, uint16_t bdf, uint8_t *page)
{
	hpa_t pa = virt_to_phys(page);
	struct vtd_fault f[FENCE_FAULTS];
	unsigned n, hits;
	int status;

	memset(page, FENCE_FILL, PAGE_SIZE);
	iommu_poll_faults(NULL, 0); /* older faults are not this test's */
	if (iommu_host_unmap(pa, PAGE_SIZE)) {
		pr_err("%s: FAILED: page 0x%lx could not be taken out of the "
		       "controller's domain",
		       dev->name, (unsigned long)pa);
		return -1;
	}
	status = read_sector(dev, 0, page);
	n = iommu_poll_faults(f, FENCE_FAULTS);
	hits = faults_on(f, n, bdf, pa);
	if (!page_untouched(page) || !hits) {
		pr_err("%s: FAILED: a DMA into page 0x%lx, outside the "
		       "controller's domain, %s and %s (request status %d)",
		       dev->name, (unsigned long)pa,
		       page_untouched(page) ? "left the page as it was"
					    : "CHANGED the page",
		       hits ? "was reported" : "was NOT reported as a fault",
		       status);
		return -1;
	}
	pr_info("%s: DMA into page 0x%lx, outside the controller's VT-d "
		"domain: blocked (the page is unchanged) and reported (%u "
		"fault%s); request status %d",
		dev->name, (unsigned long)pa, hits, hits == 1 ? "" : "s",
		status);
	return 0;
}

int disk_dma_fence(struct sector_dev *dev, uint16_t bdf, uint8_t *page)
{
	hpa_t pa = virt_to_phys(page);
	int rc = fenced_read(dev, bdf, page), status;

	if (iommu_host_map(pa, PAGE_SIZE)) {
		pr_err("%s: FAILED: page 0x%lx could not be mapped again",
		       dev->name, (unsigned long)pa);
		return -1;
	}
	memset(page, FENCE_FILL, PAGE_SIZE);
	status = read_sector(dev, 0, page);
	if (status || page_untouched(page) || iommu_poll_faults(NULL, 0)) {
		pr_err("%s: FAILED: with page 0x%lx mapped again the read %s",
		       dev->name, (unsigned long)pa,
		       status ? "failed" : "did not land (or faulted)");
		return -1;
	}
	pr_info("%s: page 0x%lx mapped again: the same read lands in it",
		dev->name, (unsigned long)pa);
	return rc;
}
