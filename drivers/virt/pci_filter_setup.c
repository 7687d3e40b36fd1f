/*
 * drivers/virt/pci_filter_setup.c - building a passthrough function's
 * configuration-space filter from the real device: BAR sizes (probed by
 * writing all ones, with decoding off, then restored), the capabilities
 * list (MSI and MSI-X kept, the rest hidden), and the per-byte policy
 * the accesses in pci_filter.c apply. Runs once per passthrough device
 * when its VM is built; pure logic over struct pci_cfg_ops.
 * PCI Local Bus Specification: "Base Addresses" (sizing a BAR),
 * "Capabilities List", "Command Register", "Status Register", "Message
 * Signaled Interrupts".
 */
#include <stdarg.h>
#include "drivers/virt/pci_filter.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define CAPS_MAX     48 /* (256 - 64) / 4: more is a loop */
#define ALL_ONES     0xffffffffU
#define BAR_IO_MASK  (~PCI_BAR_IO_FLAGS)
#define BAR_MEM_MASK (~PCI_BAR_MEM_FLAGS)

/* What the guest may write through to the command register: decoding,
 * bus mastering (its DMA is remapped), parity and SERR# reporting, INTx
 * disable. Not: special cycles, memory-write-invalidate, VGA snoop, fast
 * back-to-back (host-wide effects or nothing useful). */
#define CMD_GUEST_BITS                                                   \
	(PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_PARITY | \
	 PCI_CMD_SERR | PCI_CMD_INTX_DISABLE)

/* MSI: the guest owns enable, the number of vectors, address, data and
 * mask bits (all virtual: the real device gets host vectors). */
#define MSI_CTRL_GUEST	 (PCI_MSI_CTRL_ENABLE | PCI_MSI_CTRL_MME)
#define MSI_ADDR_LO_BITS 0xfffffffcU /* bits 1:0 reserved */
#define MSI_DATA_BITS	 0xffffU
#define MSIX_CTRL_GUEST	 (PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL)

static uint32_t dev_rd(const struct pci_filter *f, unsigned off, unsigned size)
{
	return f->dev.read(f->dev.ctx, off, size);
}

static void dev_wr(const struct pci_filter *f, unsigned off, unsigned size,
		   uint32_t v)
{
	f->dev.write(f->dev.ctx, off, size, v);
}

/* arr[off .. off+n) = the n low bytes of v, little-endian. */
static void put(uint8_t *arr, unsigned off, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		arr[off + i] = (uint8_t)(v >> (8 * i));
}

__attribute__((format(printf, 3, 4))) static int
setup_fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

/* Write all ones, read what sticks, put the old value back. */
static uint32_t bar_probe(const struct pci_filter *f, unsigned off)
{
	uint32_t old = dev_rd(f, off, 4), v;

	dev_wr(f, off, 4, ALL_ONES);
	v = dev_rd(f, off, 4);
	dev_wr(f, off, 4, old);
	return v;
}

/* The guest's view of BAR i: flags read-only, the address bits from
 * the size up writable (the bits below it are 0 in ~(size - 1), and the
 * flags lie below any size), address 0 to start with. */
static void bar_shadow(struct pci_filter *f, unsigned i, uint32_t flags)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint64_t wm = ~(f->bars[i].size - 1);

	put(f->shadow, off, 4, flags);
	put(f->wmask, off, f->bars[i].is64 ? 8 : 4, wm);
}

/* BAR i; *used is 2 for a 64-bit BAR (its upper half is next). */
static int bar_setup(struct pci_filter *f, unsigned i, unsigned *used,
		     char *err, size_t err_size)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t lo = bar_probe(f, off);
	struct pci_bar *b = &f->bars[i];
	uint64_t mask;

	*used = 1;
	if (lo & PCI_BAR_IO) {
		b->io = true;
		mask = lo & BAR_IO_MASK & ALL_ONES;
	} else if ((lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_64) {
		if (i == PCI_BARS - 1)
			return setup_fail(err, err_size,
					  "BAR%u is 64-bit but is the last BAR",
					  i);
		b->is64 = true;
		*used = 2;
		mask = (uint64_t)bar_probe(f, off + 4) << 32 |
		       (lo & BAR_MEM_MASK & ALL_ONES);
	} else if ((lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_32) {
		mask = lo & BAR_MEM_MASK & ALL_ONES;
	} else {
		return setup_fail(
			err, err_size, "BAR%u has the reserved memory type %u",
			i, (unsigned)((lo & PCI_BAR_MEM_TYPE_MASK) >> 1));
	}
	b->prefetch = !b->io && (lo & PCI_BAR_PREFETCH);
	b->size = mask & -mask; /* the lowest address bit that sticks */
	if (b->size)
		bar_shadow(f, i, lo & (b->io ? PCI_BAR_IO : PCI_BAR_MEM_FLAGS));
	else
		*b = (struct pci_bar){0}; /* not implemented */
	return 0;
}

static int bars_setup(struct pci_filter *f, char *err, size_t err_size)
{
	unsigned used;

	for (unsigned i = 0; i < PCI_BARS; i += used)
		if (bar_setup(f, i, &used, err, err_size))
			return -1;
	return 0;
}

/* MSI's length: 10 bytes, +4 for a 64-bit address, +10 for mask and
 * pending bits. */
static unsigned msi_len(uint16_t ctrl)
{
	return 10 + (ctrl & PCI_MSI_CTRL_64BIT ? 4 : 0) +
	       (ctrl & PCI_MSI_CTRL_MASKING ? 10 : 0);
}

static int caps_find(struct pci_filter *f, uint8_t *order, char *err,
		     size_t err_size)
{
	unsigned ptr = dev_rd(f, PCI_CAP_PTR, 1) & PCI_CAP_PTR_MASK, n = 0;

	if (!(dev_rd(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	for (unsigned seen = 0; ptr; seen++) {
		unsigned id = dev_rd(f, ptr + PCI_CAP_ID, 1), len = 0;

		if (seen == CAPS_MAX)
			return setup_fail(
				err, err_size,
				"the capabilities list does not end (a loop?)");
		if (ptr < PCI_HEADER_END)
			return setup_fail(
				err, err_size,
				"a capability at 0x%02x, inside the header",
				ptr);
		if (id == PCI_CAP_ID_MSI && !f->msi)
			len = msi_len(dev_rd(f, ptr + PCI_MSI_CTRL, 2));
		else if (id == PCI_CAP_ID_MSIX && !f->msix)
			len = PCI_MSIX_SIZE;
		if (len && ptr + len > PCI_CFG_SIZE)
			return setup_fail(err, err_size,
					  "capability 0x%02x at 0x%02x runs "
					  "past the configuration space",
					  id, ptr);
		if (len) {
			order[n++] = (uint8_t)ptr;
			if (id == PCI_CAP_ID_MSI) {
				f->msi = (uint8_t)ptr;
				f->msi_len = (uint8_t)len;
			} else {
				f->msix = (uint8_t)ptr;
			}
		}
		ptr = dev_rd(f, ptr + PCI_CAP_NEXT, 1) & PCI_CAP_PTR_MASK;
	}
	return 0;
}

static void msi_policy(struct pci_filter *f)
{
	unsigned c = f->msi;
	uint16_t ctrl = dev_rd(f, c + PCI_MSI_CTRL, 2);
	bool is64 = ctrl & PCI_MSI_CTRL_64BIT;
	unsigned data = c + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
	unsigned mask = c + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
	unsigned vectors = 1U << PCI_MSI_CTRL_MMC(ctrl);

	dev_wr(f, c + PCI_MSI_CTRL, 2, ctrl & ~PCI_MSI_CTRL_ENABLE);
	put(f->shadow, c + PCI_MSI_CTRL, 2, ctrl & ~MSI_CTRL_GUEST);
	put(f->wmask, c + PCI_MSI_CTRL, 2, MSI_CTRL_GUEST);
	put(f->wmask, c + PCI_MSI_ADDR_LO, 4, MSI_ADDR_LO_BITS);
	if (is64)
		put(f->wmask, c + PCI_MSI_ADDR_HI, 4, ALL_ONES);
	put(f->wmask, data, 2, MSI_DATA_BITS);
	if (ctrl & PCI_MSI_CTRL_MASKING) {
		put(f->wmask, mask, 4,
		    vectors == 32 ? ALL_ONES : (1U << vectors) - 1);
		put(f->rdev, mask + 4, 4, ALL_ONES); /* pending bits */
	}
}

static void msix_policy(struct pci_filter *f)
{
	unsigned c = f->msix;
	uint16_t ctrl = dev_rd(f, c + PCI_MSIX_CTRL, 2);

	dev_wr(f, c + PCI_MSIX_CTRL, 2, ctrl & ~PCI_MSIX_CTRL_ENABLE);
	put(f->shadow, c + PCI_MSIX_CTRL, 2, ctrl & ~MSIX_CTRL_GUEST);
	put(f->wmask, c + PCI_MSIX_CTRL, 2, MSIX_CTRL_GUEST);
	put(f->rdev, c + PCI_MSIX_TABLE, 8, ~0ULL); /* table and PBA */
}

/* The visible capabilities, chained in the device's order. */
static void caps_policy(struct pci_filter *f, const uint8_t *order, unsigned n)
{
	f->shadow[PCI_CAP_PTR] = n ? order[0] : 0;
	for (unsigned i = 0; i < n; i++) {
		f->shadow[order[i] + PCI_CAP_ID] =
			order[i] == f->msi ? PCI_CAP_ID_MSI : PCI_CAP_ID_MSIX;
		f->shadow[order[i] + PCI_CAP_NEXT] =
			i + 1 < n ? order[i + 1] : 0;
	}
	if (f->msi)
		msi_policy(f);
	if (f->msix)
		msix_policy(f);
}

static void header_policy(struct pci_filter *f, bool caps)
{
	put(f->rdev, PCI_VENDOR_ID, 4, ALL_ONES);
	put(f->rdev, PCI_CLASS_REV, 4, ALL_ONES);
	put(f->rdev, PCI_SUBSYSTEM, 4, ALL_ONES);
	put(f->rdev, PCI_INT_PIN, 3, ALL_ONES);
	put(f->rdev, PCI_COMMAND, 2, ALL_ONES);
	put(f->wdev, PCI_COMMAND, 2, CMD_GUEST_BITS);
	/* The capability-list bit says what the guest's list holds. */
	put(f->rdev, PCI_STATUS, 2, ~(uint64_t)PCI_STATUS_CAP_LIST);
	put(f->shadow, PCI_STATUS, 2, caps ? PCI_STATUS_CAP_LIST : 0);
	put(f->w1c, PCI_STATUS, 2, PCI_STATUS_RW1C);
	put(f->rdev, PCI_CACHE_LINE, 2, ALL_ONES); /* and latency timer */
	put(f->wdev, PCI_CACHE_LINE, 2, ALL_ONES);
	/* One function, type 0, in the guest's view. */
	f->shadow[PCI_HEADER_TYPE] = PCI_HEADER_NORMAL;
	f->shadow[PCI_INT_LINE] = dev_rd(f, PCI_INT_LINE, 1);
	f->wmask[PCI_INT_LINE] = 0xff;
}

int pci_filter_init(struct pci_filter *f, const struct pci_cfg_ops *dev,
		    pci_filter_notify_fn notify, void *notify_ctx, char *err,
		    size_t err_size)
{
	uint16_t vendor, cmd;
	uint8_t hdr, order[2];
	int rc;

	memset(f, 0, sizeof(*f));
	f->dev = *dev;
	f->notify = notify;
	f->notify_ctx = notify_ctx;
	vendor = dev_rd(f, PCI_VENDOR_ID, 2);
	if (vendor == PCI_VENDOR_NONE || vendor == 0)
		return setup_fail(err, err_size,
				  "no device answers (vendor id 0x%04x)",
				  vendor);
	hdr = dev_rd(f, PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MASK;
	if (hdr != PCI_HEADER_NORMAL)
		return setup_fail(err, err_size,
				  "header type %u is a bridge: only endpoints "
				  "(type 0) can be passed through",
				  hdr);
	cmd = dev_rd(f, PCI_COMMAND, 2);
	dev_wr(f, PCI_COMMAND, 2,
	       cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER));
	rc = bars_setup(f, err, err_size);
	/* Decoding as it was; no DMA until the guest asks for it. */
	dev_wr(f, PCI_COMMAND, 2, cmd & ~PCI_CMD_MASTER);
	if (rc || caps_find(f, order, err, err_size))
		return -1;
	header_policy(f, f->msi || f->msix);
	caps_policy(f, order, (f->msi ? 1 : 0) + (f->msix ? 1 : 0));
	return 0;
}
