/*
 * drivers/virt/pci_filter.c - a passthrough function's configuration
 * accesses from its VM, filtered byte by byte by the policy
 * pci_filter_setup.c built: read from the device, virtual (a shadow the
 * guest may write where wmask allows), written through to the device
 * for chosen bits, write-1-to-clear bits passed as written. The changes
 * the VM's passthrough code must act on are reported through the
 * notify callback. Runs on the CPU handling the VM's configuration exit.
 * PCI Local Bus Specification: "Configuration Space Organization",
 * "Base Addresses", "Message Signaled Interrupts".
 */
#include "drivers/virt/pci_filter.h"

#define ALL_ONES 0xffffffffU

static bool access_ok(unsigned off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && !(off & (size - 1)) &&
	       off < PCI_CFG_EXT_SIZE;
}

static uint64_t get(const uint8_t *arr, unsigned off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)arr[off + i] << (8 * i);
	return v;
}

static bool any(const uint8_t *arr, unsigned off, unsigned n)
{
	return get(arr, off, n) != 0;
}

uint32_t pci_filter_read(struct pci_filter *f, unsigned off, unsigned size)
{
	uint32_t dev = 0, v = 0;

	if (!access_ok(off, size))
		return ALL_ONES;
	if (off >= PCI_CFG_SIZE)
		return 0; /* the extended space: no capabilities */
	if (any(f->rdev, off, size))
		dev = f->dev.read(f->dev.ctx, off, size);
	for (unsigned i = 0; i < size; i++) {
		uint8_t r = f->rdev[off + i];
		uint8_t b = ((dev >> (8 * i)) & r) | (f->shadow[off + i] & ~r);

		v |= (uint32_t)b << (8 * i);
	}
	return v;
}

/* The device's part of one written byte. */
static bool write_device(struct pci_filter *f, unsigned o, uint8_t b)
{
	uint8_t cur;

	if (f->w1c[o] && (b & f->w1c[o])) {
		f->dev.write(f->dev.ctx, o, 1, b & f->w1c[o]);
		return true;
	}
	if (!f->wdev[o])
		return false;
	cur = f->dev.read(f->dev.ctx, o, 1);
	f->dev.write(f->dev.ctx, o, 1, (cur & ~f->wdev[o]) | (b & f->wdev[o]));
	return true;
}

static bool inside(unsigned off, unsigned start, unsigned len)
{
	return start && off >= start && off < start + len;
}

/* Tell the VM's passthrough code what the write at off changed. */
static void report(struct pci_filter *f, unsigned off, bool shadow_changed,
		   bool device_written)
{
	if (!f->notify)
		return;
	if (device_written && off < PCI_STATUS)
		f->notify(f->notify_ctx, PCI_FILTER_COMMAND, 0);
	if (!shadow_changed)
		return;
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_BARS) {
		unsigned bar = (off - PCI_BAR0) / 4;

		if (bar && !f->bars[bar].size && f->bars[bar - 1].is64)
			bar--; /* the upper half of a 64-bit BAR */
		f->notify(f->notify_ctx, PCI_FILTER_BAR, bar);
	} else if (inside(off, f->msi, f->msi_len)) {
		f->notify(f->notify_ctx, PCI_FILTER_MSI, 0);
	} else if (inside(off, f->msix, PCI_MSIX_SIZE)) {
		f->notify(f->notify_ctx, PCI_FILTER_MSIX, 0);
	}
}

void pci_filter_write(struct pci_filter *f, unsigned off, unsigned size,
		      uint32_t value)
{
	bool changed = false, written = false;

	if (!access_ok(off, size) || off >= PCI_CFG_SIZE)
		return;
	for (unsigned i = 0; i < size; i++) {
		unsigned o = off + i;
		uint8_t b = value >> (8 * i);
		uint8_t now = (f->shadow[o] & ~f->wmask[o]) | (b & f->wmask[o]);

		changed |= now != f->shadow[o];
		f->shadow[o] = now;
		written |= write_device(f, o, b);
	}
	report(f, off, changed, written);
}

uint64_t pci_filter_bar_addr(const struct pci_filter *f, unsigned bar)
{
	const struct pci_bar *b = &f->bars[bar];
	unsigned off = PCI_BAR0 + 4 * bar;
	uint64_t v;

	if (bar >= PCI_BARS || !b->size)
		return 0;
	v = get(f->shadow, off, b->is64 ? 8 : 4);
	return v & ~(b->io ? PCI_BAR_IO_FLAGS : PCI_BAR_MEM_FLAGS);
}

void pci_filter_set_bar(struct pci_filter *f, unsigned bar, uint64_t addr)
{
	unsigned off = PCI_BAR0 + 4 * bar;

	if (bar >= PCI_BARS || !f->bars[bar].size)
		return;
	for (unsigned i = 0; i < (f->bars[bar].is64 ? 8U : 4U); i++) {
		uint8_t m = f->wmask[off + i], b = addr >> (8 * i);

		f->shadow[off + i] = (f->shadow[off + i] & ~m) | (b & m);
	}
}

void pci_filter_msi(const struct pci_filter *f, struct pci_msi_state *m)
{
	unsigned c = f->msi;
	uint16_t ctrl;
	bool is64;
	unsigned mme;

	*m = (struct pci_msi_state){0};
	if (!c)
		return;
	ctrl = get(f->shadow, c + PCI_MSI_CTRL, 2);
	is64 = ctrl & PCI_MSI_CTRL_64BIT;
	mme = (ctrl & PCI_MSI_CTRL_MME) >> PCI_MSI_CTRL_MME_SHIFT;
	if (mme > PCI_MSI_CTRL_MMC(ctrl))
		mme = PCI_MSI_CTRL_MMC(ctrl); /* more than it has: ignored */
	m->enabled = ctrl & PCI_MSI_CTRL_ENABLE;
	m->vectors = 1U << mme;
	m->address = get(f->shadow, c + PCI_MSI_ADDR_LO, is64 ? 8 : 4);
	m->data = get(f->shadow, c + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32),
		      2);
	if (ctrl & PCI_MSI_CTRL_MASKING)
		m->mask =
			get(f->shadow,
			    c + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32), 4);
}

void pci_filter_msix(const struct pci_filter *f, struct pci_msix_state *m)
{
	uint16_t ctrl;

	*m = (struct pci_msix_state){0};
	if (!f->msix)
		return;
	ctrl = get(f->shadow, f->msix + PCI_MSIX_CTRL, 2);
	m->enabled = ctrl & PCI_MSIX_CTRL_ENABLE;
	m->function_masked = ctrl & PCI_MSIX_CTRL_MASKALL;
	m->table_size = (ctrl & PCI_MSIX_CTRL_TSIZE) + 1;
}
