/*
 * tests/unit/test_vpci.c - drivers/virt/vpci.c (a VM's virtual PCI host
 * bridge, configuration mechanism #1), on the host, through the VM's
 * port bus as a guest reaches it: OUT 0xcf8, IN 0xcfc. The passed-
 * through function is a real pci_filter over a fake e1000-like device
 * (one 128 KiB memory BAR, one 64-byte I/O BAR), so the test also plays
 * a guest enumerating and sizing it.
 * PCI Local Bus Specification: "Configuration Mechanism #1", "Base
 * Addresses".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/pci_filter.h"
#include "drivers/virt/vpci.h"

#define MEM_BAR_SIZE 0x20000u
#define IO_BAR_SIZE  0x40u

/* The fake device: IDs 8086:100e, a memory BAR and an I/O BAR whose
 * address bits below their size never stick. */
static uint8_t dev_cfg[256];
static unsigned dev_writes;
static uint8_t reset_written; /* what reached the reset register */
static unsigned reset_reads;

static uint32_t dev_read(void *ctx, unsigned off, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)dev_cfg[off + i] << (8 * i);
	return v;
}

static void dev_write(void *ctx, unsigned off, unsigned size, uint32_t v)
{
	dev_writes++;
	if (off == 0x10 && size == 4)
		v = (v & ~(MEM_BAR_SIZE - 1)) | (dev_cfg[0x10] & 0xf);
	else if (off == 0x14 && size == 4)
		v = (v & ~(IO_BAR_SIZE - 1)) | 1;
	else if (off < 0x04 || (off >= 0x08 && off < 0x0c))
		return; /* read-only */
	for (unsigned i = 0; i < size; i++)
		dev_cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t reset_read(void *opaque, uint16_t off, unsigned size)
{
	reset_reads++;
	return 0;
}

static void reset_write(void *opaque, uint16_t off, unsigned size, uint32_t v)
{
	reset_written = (uint8_t)v;
}

static struct port_bus bus;
static struct vpci vp;
static struct pci_filter filt;

static uint32_t filt_read(void *ctx, unsigned off, unsigned size)
{
	return pci_filter_read(ctx, off, size);
}

static void filt_write(void *ctx, unsigned off, unsigned size, uint32_t v)
{
	pci_filter_write(ctx, off, size, v);
}

static int setup(void **state)
{
	const struct pci_cfg_ops ops = {dev_read, dev_write, NULL};
	const struct port_device reset = {.name = "reset",
					  .base = 0xcf9,
					  .count = 1,
					  .read = reset_read,
					  .write = reset_write};
	const struct vpci_fn_ops fn = {filt_read, filt_write, &filt};
	struct port_device d;
	char err[96];

	memset(dev_cfg, 0, sizeof(dev_cfg));
	dev_cfg[0] = 0x86, dev_cfg[1] = 0x80, dev_cfg[2] = 0x0e,
	dev_cfg[3] = 0x10;
	dev_cfg[0x0b] = 0x02; /* network controller */
	dev_cfg[0x10] = 0x00; /* 32-bit memory */
	dev_cfg[0x14] = 0x01; /* I/O */
	dev_cfg[0x3c] = 11, dev_cfg[0x3d] = 1;
	reset_written = 0;
	reset_reads = dev_writes = 0;
	memset(&bus, 0, sizeof(bus));
	assert_int_equal(
		pci_filter_init(&filt, &ops, NULL, NULL, err, sizeof(err)), 0);
	vpci_init(&vp, &reset);
	vpci_attach(&vp, &fn);
	d = vpci_device(&vp);
	assert_int_equal(portbus_add(&bus, &d), 0);
	return 0;
}

static uint32_t cfg_addr(unsigned dev, unsigned reg)
{
	return 0x80000000U | dev << 11 | reg;
}

/* What a guest does: address, then data at 0xcfc + (reg & 3). */
static uint32_t guest_read(unsigned dev, unsigned reg, unsigned size)
{
	portbus_write(&bus, 0xcf8, 4, cfg_addr(dev, reg & 0xfc));
	return portbus_read(&bus, 0xcfc + (reg & 3), size);
}

static void guest_write(unsigned dev, unsigned reg, unsigned size, uint32_t v)
{
	portbus_write(&bus, 0xcf8, 4, cfg_addr(dev, reg & 0xfc));
	portbus_write(&bus, 0xcfc + (reg & 3), size, v);
}

static void test_enumerate_bus0(void **state)
{
	unsigned found = 0;

	assert_int_equal(guest_read(0, 0, 4), 0x12378086);
	assert_int_equal(guest_read(0, 0x0b, 1), 0x06); /* a bridge */
	assert_int_equal(guest_read(0, 0x0a, 1), 0x00); /* host bridge */
	assert_int_equal(guest_read(VPCI_PT_DEV, 0, 4), 0x100e8086);
	assert_int_equal(guest_read(VPCI_PT_DEV, 0x02, 2), 0x100e);
	assert_int_equal(guest_read(VPCI_PT_DEV, 0x0b, 1), 0x02);
	for (unsigned d = 0; d < 32; d++)
		if (guest_read(d, 0, 2) != 0xffff)
			found++;
	assert_int_equal(found, 2);
	assert_int_equal(guest_read(5, 0, 4), 0xffffffff);
	assert_int_equal(guest_read(5, 0, 1), 0xff);
	/* function 1 of the device, and bus 1: nothing */
	portbus_write(&bus, 0xcf8, 4, 0x80000000U | VPCI_PT_DEV << 11 | 1 << 8);
	assert_int_equal(portbus_read(&bus, 0xcfc, 4), 0xffffffff);
	portbus_write(&bus, 0xcf8, 4, 0x80010000U | VPCI_PT_DEV << 11);
	assert_int_equal(portbus_read(&bus, 0xcfc, 4), 0xffffffff);
	/* the enable bit clear: the data port reads all ones */
	portbus_write(&bus, 0xcf8, 4, VPCI_PT_DEV << 11);
	assert_int_equal(portbus_read(&bus, 0xcfc, 4), 0xffffffff);
}

/* The address register reads back (Linux's type 1 probe), without the
 * reserved bits. */
static void test_address_register(void **state)
{
	portbus_write(&bus, 0xcf8, 4, 0x80000000);
	assert_int_equal(portbus_read(&bus, 0xcf8, 4), 0x80000000);
	portbus_write(&bus, 0xcf8, 4, 0xffffffff);
	assert_int_equal(portbus_read(&bus, 0xcf8, 4), 0x80fffffc);
}

/* A byte at 0xcf9 is the reset control register, not the address. */
static void test_reset_register_shares_the_ports(void **state)
{
	portbus_write(&bus, 0xcf8, 4, 0x80001800);
	portbus_write(&bus, 0xcf9, 1, 0x06);
	assert_int_equal(reset_written, 0x06);
	assert_int_equal(portbus_read(&bus, 0xcf8, 4), 0x80001800);
	portbus_read(&bus, 0xcf9, 1);
	assert_int_equal(reset_reads, 1);
	assert_int_equal(portbus_read(&bus, 0xcfa, 2), 0xffff);
}

/* Sizing and placing the BARs, as firmware or a guest kernel does: the
 * real BARs never change. */
static void test_size_and_place_bars(void **state)
{
	unsigned before;

	guest_write(VPCI_PT_DEV, 0x10, 4, 0xffffffff);
	assert_int_equal(guest_read(VPCI_PT_DEV, 0x10, 4), ~(MEM_BAR_SIZE - 1));
	guest_write(VPCI_PT_DEV, 0x14, 4, 0xffffffff);
	assert_int_equal(guest_read(VPCI_PT_DEV, 0x14, 4),
			 ~(IO_BAR_SIZE - 1) | 1);
	before = dev_writes;
	guest_write(VPCI_PT_DEV, 0x10, 4, 0xfebc0000);
	assert_int_equal(guest_read(VPCI_PT_DEV, 0x10, 4), 0xfebc0000);
	assert_int_equal(pci_filter_bar_addr(&filt, 0), 0xfebc0000);
	assert_int_equal(dev_writes, before);
	assert_int_equal(dev_cfg[0x13], 0); /* the device's BAR: untouched */
	/* the command register reaches the device */
	guest_write(VPCI_PT_DEV, 0x04, 2, 0x0006);
	assert_int_equal(dev_cfg[4] & 0x6, 0x6);
	assert_int_equal(vp.fn_writes, 4);
}

/* The bridge ignores writes; so do empty slots. */
static void test_writes_elsewhere_ignored(void **state)
{
	guest_write(0, 0, 4, 0);
	guest_write(0, 0x04, 2, 0);
	assert_int_equal(guest_read(0, 0, 4), 0x12378086);
	assert_int_equal(guest_read(0, 0x04, 2), 0x0003);
	guest_write(7, 0x10, 4, 0xffffffff);
	assert_int_equal(vp.fn_writes, 0);
}

/* A VM without a passthrough device: only the bridge. */
static void test_bridge_alone(void **state)
{
	struct vpci alone;

	vpci_init(&alone, NULL);
	assert_int_equal(vpci_cfg_read(&alone, 0, 0, 0, 0, 2), 0x8086);
	assert_int_equal(vpci_cfg_read(&alone, 0, VPCI_PT_DEV, 0, 0, 4),
			 0xffffffff);
	assert_int_equal(vpci_cfg_read(&alone, 0, 0, 0, 0x40, 4), 0);
	assert_int_equal(vpci_cfg_read(&alone, 0, 0, 0, 2, 4), 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_enumerate_bus0, setup),
		cmocka_unit_test_setup(test_address_register, setup),
		cmocka_unit_test_setup(test_reset_register_shares_the_ports,
				       setup),
		cmocka_unit_test_setup(test_size_and_place_bars, setup),
		cmocka_unit_test_setup(test_writes_elsewhere_ignored, setup),
		cmocka_unit_test(test_bridge_alone),
	};
	return cmocka_run_group_tests_name("vpci", tests, NULL, NULL);
}
