/*
 * drivers/hw/e1000_host.c - finding the uplink's e1000 on PCI and
 * reaching its registers.
 * Boot CPU at start-up; the register accessors then run wherever the
 * driver is called (under the switch's lock).
 * PCI Local Bus Specification, "Command Register", "Base Addresses";
 * Intel 8254x Software Developer's Manual, "Memory-Mapped Access to
 * Internal Registers and Memories" (32-bit accesses only).
 */
#include "drivers/hw/e1000_host.h"
#include "lib/fmt.h"

static bool e1000_supported(const struct pci_device *d)
{
	return d->vendor == E1000_VENDOR_INTEL &&
	       (d->device == E1000_DEV_82540EM ||
		d->device == E1000_DEV_82545EM);
}

static const struct pci_device *find_at(const struct pci_scan *scan,
					const struct pci_bdf *at, char *err,
					size_t n)
{
	char where[PCI_BDF_TEXT_MAX];
	uint16_t bdf = PCI_BDF(at->bus, at->dev, at->fn);

	pci_bdf_format(at, where, sizeof(where));
	for (unsigned i = 0; at->segment == 0 && i < scan->count; i++) {
		const struct pci_device *d = &scan->dev[i];

		if (d->bdf != bdf)
			continue;
		if (e1000_supported(d))
			return d;
		fmt_snprintf(err, n,
			     "%s is %04x:%04x, not an e1000 (8086:100e or "
			     "8086:100f)",
			     where, d->vendor, d->device);
		return NULL;
	}
	fmt_snprintf(err, n, "there is no PCI function at %s", where);
	return NULL;
}

const struct pci_device *e1000_host_find(const struct pci_scan *scan,
					 const struct pci_bdf *at, char *err,
					 size_t n)
{
	if (at)
		return find_at(scan, at, err, n);
	for (unsigned i = 0; i < scan->count; i++)
		if (e1000_supported(&scan->dev[i]))
			return &scan->dev[i];
	fmt_snprintf(err, n,
		     "there is no e1000 (8086:100e or 8086:100f) on PCI");
	return NULL;
}

/* ---- registers ------------------------------------------------------ */

static uint32_t mmio_read32(void *ctx, uint32_t reg)
{
	struct e1000_host *h = ctx;

	return h->regs[reg / 4];
}

static void mmio_write32(void *ctx, uint32_t reg, uint32_t value)
{
	struct e1000_host *h = ctx;

	h->regs[reg / 4] = value;
}

int e1000_host_open(struct e1000_host *h, const struct pci_cfg_ops *pci,
		    const struct pci_device *dev, e1000_map_fn map,
		    const struct e1000_dma *dma, char *err, size_t n)
{
	const struct pci_bar *bar = &dev->bar[0];
	struct e1000_ops ops = {mmio_read32, mmio_write32, h};
	struct pci_bdf at = {0, (uint8_t)PCI_BDF_BUS(dev->bdf),
			     (uint8_t)PCI_BDF_DEV(dev->bdf),
			     (uint8_t)PCI_BDF_FN(dev->bdf)};
	char where[PCI_BDF_TEXT_MAX], why[64];

	pci_bdf_format(&at, where, sizeof(where));
	fmt_snprintf(h->name, sizeof(h->name), "e1000 %s", where);
	h->bdf = dev->bdf;
	if ((bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64) ||
	    !bar->base) {
		fmt_snprintf(err, n, "%s: BAR0 is not an assigned memory BAR",
			     h->name);
		return -1;
	}
	h->regs = map(bar->base, E1000_MMIO_SIZE);
	if (!h->regs) {
		fmt_snprintf(err, n,
			     "%s: BAR0 at 0x%lx is outside the hypervisor's "
			     "map",
			     h->name, (unsigned long)bar->base);
		return -1;
	}
	pci_enable(pci, dev->bdf, PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER);
	if (e1000_init(&h->nic, &ops, dma, why, sizeof(why))) {
		fmt_snprintf(err, n, "%s: %s", h->name, why);
		return -1;
	}
	return 0;
}
