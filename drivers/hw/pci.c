/*
 * drivers/hw/pci.c - enumeration of the host's PCI functions and BAR
 * decoding, over struct pci_cfg_ops (see pci.h).
 * Boot CPU at start-up; pure logic, also built into the host unit tests.
 * PCI Local Bus Specification, "Configuration Space Header", "Base
 * Addresses"; PCI-to-PCI Bridge Architecture Specification,
 * "Configuration Space Header".
 */
#include "drivers/hw/pci.h"
#include "lib/fmt.h"

uint32_t pci_read32(const struct pci_cfg_ops *ops, uint16_t bdf,
		    uint16_t offset)
{
	return ops->read32(ops->ctx, bdf, offset & ~3u);
}

uint16_t pci_read16(const struct pci_cfg_ops *ops, uint16_t bdf,
		    uint16_t offset)
{
	return (uint16_t)(pci_read32(ops, bdf, offset) >> ((offset & 2) * 8));
}

uint8_t pci_read8(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t offset)
{
	return (uint8_t)(pci_read32(ops, bdf, offset) >> ((offset & 3) * 8));
}

void pci_bar_decode(const uint32_t *bars, unsigned count, unsigned i,
		    struct pci_bar *out)
{
	uint32_t lo = bars[i];

	*out = (struct pci_bar){.kind = PCI_BAR_NONE};
	if (lo & PCI_BAR_IO) {
		out->base = lo & PCI_BAR_IO_MASK;
		out->kind = out->base ? PCI_BAR_PORTS : PCI_BAR_NONE;
		return;
	}
	out->prefetchable = lo & PCI_BAR_MEM_PREF;
	out->base = lo & PCI_BAR_MEM_MASK;
	out->kind = PCI_BAR_MEM32;
	if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_64 && i + 1 < count) {
		out->base |= (uint64_t)bars[i + 1] << 32;
		out->kind = PCI_BAR_MEM64;
	}
	if (!out->base)
		out->kind = PCI_BAR_NONE;
}

static void read_bars(const struct pci_cfg_ops *ops, struct pci_device *d)
{
	unsigned n = d->header_type == PCI_HEADER_BRIDGE ? PCI_BRIDGE_BARS
							 : PCI_BARS;
	uint32_t raw[PCI_BARS] = {0};

	if (d->header_type > PCI_HEADER_BRIDGE)
		return; /* CardBus: no BARs we would use */
	for (unsigned i = 0; i < n; i++)
		raw[i] = pci_read32(ops, d->bdf, PCI_BAR0 + 4 * i);
	for (unsigned i = 0; i < n; i++) {
		pci_bar_decode(raw, n, i, &d->bar[i]);
		if (d->bar[i].kind == PCI_BAR_MEM64)
			i++; /* its upper half stays PCI_BAR_NONE */
	}
}

static void read_function(const struct pci_cfg_ops *ops, uint16_t bdf,
			  uint32_t id, struct pci_device *d)
{
	uint32_t rev = pci_read32(ops, bdf, PCI_REVISION);

	*d = (struct pci_device){
		.bdf = bdf,
		.vendor = (uint16_t)id,
		.device = (uint16_t)(id >> 16),
		.revision = (uint8_t)rev,
		.prog_if = (uint8_t)(rev >> 8),
		.subclass = (uint8_t)(rev >> 16),
		.class_code = (uint8_t)(rev >> 24),
		.header_type = pci_read8(ops, bdf, PCI_HEADER_TYPE) &
			       PCI_HEADER_TYPE_MSK,
		.irq_line = pci_read8(ops, bdf, PCI_INTERRUPT_LINE),
	};
	read_bars(ops, d);
}

/* What a scan keeps between buses: which are done, which are waiting. */
struct scan_state {
	uint64_t seen[PCI_BUSES / 64];
	uint8_t todo[PCI_BUSES];
	unsigned todo_count;
};

static void queue_bus(struct scan_state *st, unsigned bus)
{
	if (st->seen[bus / 64] & BIT(bus % 64))
		return;
	st->seen[bus / 64] |= BIT(bus % 64);
	st->todo[st->todo_count++] = (uint8_t)bus;
}

static void add_function(const struct pci_cfg_ops *ops, struct pci_scan *out,
			 struct scan_state *st, uint16_t bdf, uint32_t id)
{
	struct pci_device d;

	read_function(ops, bdf, id, &d);
	if (d.header_type == PCI_HEADER_BRIDGE &&
	    d.class_code == PCI_CLASS_BRIDGE &&
	    d.subclass == PCI_SUBCLASS_PCI_PCI)
		queue_bus(st, pci_read8(ops, bdf, PCI_BUS_NUMBERS + 1));
	if (out->count < PCI_DEVICES_MAX)
		out->dev[out->count++] = d;
	else
		out->dropped++;
}

static void scan_device(const struct pci_cfg_ops *ops, struct pci_scan *out,
			struct scan_state *st, unsigned bus, unsigned dev)
{
	uint16_t bdf = PCI_BDF(bus, dev, 0);
	uint32_t id = pci_read32(ops, bdf, PCI_VENDOR_ID);
	unsigned fns = 1;

	if ((uint16_t)id == PCI_VENDOR_NONE)
		return;
	if (pci_read8(ops, bdf, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFN)
		fns = PCI_FNS_PER_DEV;
	add_function(ops, out, st, bdf, id);
	for (unsigned fn = 1; fn < fns; fn++) {
		bdf = PCI_BDF(bus, dev, fn);
		id = pci_read32(ops, bdf, PCI_VENDOR_ID);
		if ((uint16_t)id != PCI_VENDOR_NONE)
			add_function(ops, out, st, bdf, id);
	}
}

void pci_scan(const struct pci_cfg_ops *ops, struct pci_scan *out)
{
	struct scan_state st = {0};

	*out = (struct pci_scan){0};
	queue_bus(&st, 0);
	/* Buses behind bridges join the list as their bridges are found. */
	for (unsigned next = 0; next < st.todo_count; next++) {
		for (unsigned dev = 0; dev < PCI_DEVS_PER_BUS; dev++)
			scan_device(ops, out, &st, st.todo[next], dev);
		out->buses++;
	}
}

const struct pci_device *pci_find_class(const struct pci_scan *scan,
					uint8_t class_code, uint8_t subclass,
					unsigned index)
{
	for (unsigned i = 0; i < scan->count; i++) {
		const struct pci_device *d = &scan->dev[i];

		if (d->class_code == class_code && d->subclass == subclass &&
		    index-- == 0)
			return d;
	}
	return NULL;
}

void pci_enable(const struct pci_cfg_ops *ops, uint16_t bdf, uint16_t bits)
{
	/* The status half of the dword is write-1-to-clear: write zeros. */
	uint16_t cmd = pci_read16(ops, bdf, PCI_COMMAND);

	ops->write32(ops->ctx, bdf, PCI_COMMAND, (uint16_t)(cmd | bits));
}

struct class_name {
	uint8_t class_code, subclass;
	const char *name;
};

static const struct class_name class_names[] = {
	{0x01, 0x01, "IDE controller"},	 {0x01, 0x06, "SATA controller"},
	{0x01, 0x08, "NVMe controller"}, {0x02, 0x00, "Ethernet controller"},
	{0x03, 0x00, "VGA controller"},	 {0x06, 0x00, "host bridge"},
	{0x06, 0x01, "ISA bridge"},	 {0x06, 0x04, "PCI-to-PCI bridge"},
	{0x06, 0x80, "bridge"},		 {0x0c, 0x03, "USB controller"},
};

static const char *class_name(const struct pci_device *d)
{
	for (unsigned i = 0; i < ARRAY_SIZE(class_names); i++)
		if (class_names[i].class_code == d->class_code &&
		    class_names[i].subclass == d->subclass)
			return class_names[i].name;
	return "device";
}

void pci_describe(const struct pci_device *d, char *buf, size_t size)
{
	fmt_snprintf(buf, size,
		     "%02x:%02x.%x %04x:%04x %s (class %02x.%02x, prog-if "
		     "0x%02x)",
		     PCI_BDF_BUS(d->bdf), PCI_BDF_DEV(d->bdf),
		     PCI_BDF_FN(d->bdf), d->vendor, d->device, class_name(d),
		     d->class_code, d->subclass, d->prog_if);
}
