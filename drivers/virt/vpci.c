/*
 * drivers/virt/vpci.c - a VM's virtual PCI host bridge (configuration
 * mechanism #1): the address latch at 0xcf8, the data window at
 * 0xcfc-0xcff, the host bridge at 00:00.0 and one passed-through
 * function at 00:VPCI_PT_DEV.0. Pure logic; on the CPU handling the
 * VM's I/O exit.
 * PCI Local Bus Specification: "Configuration Mechanism #1",
 * "Configuration Space Organization".
 */
#include "drivers/hw/pci_regs.h"
#include "drivers/virt/vpci.h"
#include "lib/string.h"

#define CFG_ENABLE	BIT(31)
#define CFG_BUS(a)	(((a) >> 16) & 0xff)
#define CFG_DEV(a)	(((a) >> 11) & 0x1f)
#define CFG_FN(a)	(((a) >> 8) & 0x7)
#define CFG_REG(a)	((a)&0xfc)
#define CFG_ADDR_BITS	0x80fffffcU /* enable, bus, dev, fn, register */
#define DATA_OFFSET	4
#define ALL_ONES	0xffffffffU
#define CLASS_BRIDGE	0x06 /* class: bridge; subclass 0: host bridge */
#define BRIDGE_CMD	(PCI_CMD_IO | PCI_CMD_MEMORY)
#define BRIDGE_STATUS	0x0280 /* medium DEVSEL, fast back-to-back */
#define BRIDGE_REVISION 0x02

static uint32_t ones(unsigned size)
{
	return size == 4 ? ALL_ONES : (1U << (8 * size)) - 1;
}

static void put(uint8_t *a, unsigned off, unsigned n, uint32_t v)
{
	for (unsigned i = 0; i < n; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

void vpci_init(struct vpci *v, const struct port_device *legacy)
{
	memset(v, 0, sizeof(*v));
	if (legacy)
		v->legacy = *legacy;
	put(v->bridge, PCI_VENDOR_ID, 2, VPCI_BRIDGE_VID);
	put(v->bridge, PCI_DEVICE_ID, 2, VPCI_BRIDGE_DID);
	put(v->bridge, PCI_COMMAND, 2, BRIDGE_CMD);
	put(v->bridge, PCI_STATUS, 2, BRIDGE_STATUS);
	put(v->bridge, PCI_CLASS_REV, 4,
	    (uint32_t)CLASS_BRIDGE << 24 | BRIDGE_REVISION);
	v->bridge[PCI_HEADER_TYPE] = PCI_HEADER_NORMAL;
}

void vpci_attach(struct vpci *v, const struct vpci_fn_ops *fn)
{
	v->fn = *fn;
	v->has_fn = true;
}

static bool access_ok(unsigned offset, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) &&
	       !(offset & (size - 1)) && offset + size <= PCI_CFG_SIZE;
}

static uint32_t bridge_read(const struct vpci *v, unsigned off, unsigned size)
{
	uint32_t val = 0;

	if (off >= sizeof(v->bridge))
		return 0; /* no capabilities, nothing device-specific */
	for (unsigned i = 0; i < size; i++)
		val |= (uint32_t)v->bridge[off + i] << (8 * i);
	return val;
}

uint32_t vpci_cfg_read(struct vpci *v, unsigned bus, unsigned dev, unsigned fn,
		       unsigned offset, unsigned size)
{
	if (!access_ok(offset, size) || bus != 0 || fn != 0)
		return ones(size);
	if (dev == 0)
		return bridge_read(v, offset, size);
	if (dev == VPCI_PT_DEV && v->has_fn) {
		v->fn_reads++;
		return v->fn.read(v->fn.ctx, offset, size) & ones(size);
	}
	return ones(size);
}

/* The bridge's header is read-only; empty slots take nothing. */
void vpci_cfg_write(struct vpci *v, unsigned bus, unsigned dev, unsigned fn,
		    unsigned offset, unsigned size, uint32_t value)
{
	if (!access_ok(offset, size) || bus != 0 || fn != 0 ||
	    dev != VPCI_PT_DEV || !v->has_fn)
		return;
	v->fn_writes++;
	v->fn.write(v->fn.ctx, offset, size, value & ones(size));
}

/* The register CONFIG_ADDRESS selects, plus the byte of CONFIG_DATA
 * accessed; false when the enable bit is clear. */
static bool data_target(const struct vpci *v, uint16_t port_off, unsigned size,
			unsigned *reg)
{
	unsigned byte = port_off - DATA_OFFSET;

	if (!(v->address & CFG_ENABLE) || (byte & (size - 1)))
		return false;
	*reg = CFG_REG(v->address) + byte;
	return true;
}

static bool is_legacy(const struct vpci *v, uint16_t port_off, unsigned size)
{
	unsigned base = v->legacy.base - VPCI_PORT;

	return v->legacy.count && port_off >= base &&
	       port_off + size <= base + v->legacy.count;
}

static uint32_t vpci_port_read(void *opaque, uint16_t off, unsigned size)
{
	struct vpci *v = opaque;
	unsigned reg;

	if (off < DATA_OFFSET) {
		if (off == 0 && size == 4)
			return v->address;
		if (is_legacy(v, off, size) && v->legacy.read)
			return v->legacy.read(
				v->legacy.opaque,
				(uint16_t)(off + VPCI_PORT - v->legacy.base),
				size);
		return ones(size);
	}
	if (!data_target(v, off, size, &reg))
		return ones(size);
	return vpci_cfg_read(v, CFG_BUS(v->address), CFG_DEV(v->address),
			     CFG_FN(v->address), reg, size);
}

static void vpci_port_write(void *opaque, uint16_t off, unsigned size,
			    uint32_t value)
{
	struct vpci *v = opaque;
	unsigned reg;

	if (off < DATA_OFFSET) {
		if (off == 0 && size == 4)
			v->address = value & CFG_ADDR_BITS;
		else if (is_legacy(v, off, size) && v->legacy.write)
			v->legacy.write(
				v->legacy.opaque,
				(uint16_t)(off + VPCI_PORT - v->legacy.base),
				size, value);
		return;
	}
	if (data_target(v, off, size, &reg))
		vpci_cfg_write(v, CFG_BUS(v->address), CFG_DEV(v->address),
			       CFG_FN(v->address), reg, size, value);
}

struct port_device vpci_device(struct vpci *v)
{
	return (struct port_device){.name = "pci-cam",
				    .base = VPCI_PORT,
				    .count = VPCI_PORTS,
				    .read = vpci_port_read,
				    .write = vpci_port_write,
				    .opaque = v};
}
