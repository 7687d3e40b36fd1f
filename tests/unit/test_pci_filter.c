/*
 * tests/unit/test_pci_filter.c - drivers/virt/pci_filter.c and
 * pci_filter_setup.c (the configuration space a VM sees of a passed-
 * through PCI function), on the host, over a fake device that behaves
 * like hardware: BARs keep only the address bits above their size,
 * status error bits clear when 1 is written, IDs are read-only. Its
 * capabilities list is the usual one of a PCIe NIC: power management,
 * MSI (64-bit, per-vector masking), PCI Express, MSI-X, vendor-specific.
 * The tests play the guest (size a BAR, place it, walk the capabilities,
 * program MSI) and check both what it reads and what reached the device.
 * PCI Local Bus Specification: "Configuration Space Organization",
 * "Base Addresses", "Status Register", "Capabilities List", "Message
 * Signaled Interrupts".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/pci_filter.h"

struct fake_dev {
	uint8_t cfg[256];
	uint8_t ro[256];  /* bits the device ignores writes to */
	uint8_t w1c[256]; /* write-1-to-clear bits */
	uint64_t bar_size[6];
	unsigned writes[256]; /* device writes per byte */
};

static struct fake_dev fd;

static uint32_t cfg_get(unsigned off, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)fd.cfg[off + i] << (8 * i);
	return v;
}

static void cfg_set(unsigned off, unsigned n, uint32_t v)
{
	for (unsigned i = 0; i < n; i++)
		fd.cfg[off + i] = v >> (8 * i);
}

static uint32_t dev_read(void *ctx, unsigned off, unsigned size)
{
	assert_true(size == 1 || size == 2 || size == 4);
	assert_int_equal(off % size, 0);
	assert_true(off + size <= 256);
	return cfg_get(off, size);
}

/* A BAR byte: the address bits below the size never stick. */
static uint8_t bar_byte_mask(unsigned o)
{
	unsigned bar = (o - 0x10) / 4, byte = (o - 0x10) % 4;
	uint64_t m;

	if (bar && !fd.bar_size[bar] && fd.bar_size[bar - 1] &&
	    (fd.cfg[0x10 + 4 * (bar - 1)] & 6) == 4)
		return (uint8_t)(~(fd.bar_size[bar - 1] - 1) >> 32 >>
				 (8 * byte));
	if (!fd.bar_size[bar])
		return 0;
	m = ~(fd.bar_size[bar] - 1) & ~0xfULL;
	if (fd.cfg[0x10 + 4 * bar] & 1)
		m = ~(fd.bar_size[bar] - 1) & ~0x3ULL;
	return (uint8_t)(m >> (8 * byte));
}

static void dev_write(void *ctx, unsigned off, unsigned size, uint32_t v)
{
	assert_true(size == 1 || size == 2 || size == 4);
	assert_int_equal(off % size, 0);
	for (unsigned i = 0; i < size; i++) {
		unsigned o = off + i;
		uint8_t b = v >> (8 * i), keep = fd.ro[o];

		fd.writes[o]++;
		if (o >= 0x10 && o < 0x28)
			keep = ~bar_byte_mask(o);
		fd.cfg[o] = (fd.cfg[o] & keep) | (b & ~keep & ~fd.w1c[o]);
		fd.cfg[o] &= ~(b & fd.w1c[o]);
	}
}

static const struct pci_cfg_ops dev_ops = {dev_read, dev_write, NULL};

/* Notifications received. */
static unsigned notes[4], last_index;

static void on_change(void *ctx, enum pci_filter_change what, unsigned index)
{
	notes[what]++;
	last_index = index;
}

static void build_nic(void)
{
	memset(&fd, 0, sizeof(fd));
	memset(fd.ro, 0xff, sizeof(fd.ro));
	cfg_set(0x00, 4, 0x10d38086); /* 8086:10d3 */
	cfg_set(0x04, 2, 0x0507);     /* decode, master, SERR, INTx off */
	fd.ro[4] = fd.ro[5] = 0;
	cfg_set(0x06, 2, 0x2018); /* master abort, caps, INTx status */
	fd.w1c[7] = 0xf9;
	cfg_set(0x08, 4, 0x02000000); /* Ethernet */
	fd.ro[0x0c] = fd.ro[0x0d] = 0;
	fd.cfg[0x0e] = 0x80; /* multi-function */
	fd.cfg[0x0f] = 0x80; /* BIST capable */
	/* BAR0: 128 KiB memory; BAR1: unused; BAR2: 32-byte I/O;
	 * BAR3/4: 64-bit prefetchable 8 GiB; BAR5: none. */
	fd.bar_size[0] = 128 * 1024;
	cfg_set(0x10, 4, 0xfebc0000);
	fd.bar_size[2] = 32;
	cfg_set(0x18, 4, 0xe001);
	fd.bar_size[3] = 8ULL << 30;
	cfg_set(0x1c, 4, 0x0000000c);
	cfg_set(0x20, 4, 0x4);
	cfg_set(0x2c, 4, 0xa01f8086);
	cfg_set(0x30, 4, 0xfeb00001); /* expansion ROM */
	fd.cfg[0x34] = 0x40;
	fd.cfg[0x3c] = 11;
	fd.ro[0x3c] = 0;
	fd.cfg[0x3d] = 1;
	/* PM at 0x40 -> MSI at 0x50 -> PCIe at 0x70 -> MSI-X at 0xa0
	 * -> vendor at 0xe0 -> end. */
	cfg_set(0x40, 4, 0xc8235001);
	cfg_set(0x50, 4, 0x01877005); /* 64-bit, masking, 8 vectors */
	memset(fd.ro + 0x52, 0, 0x18 - 2);
	cfg_set(0x64, 4, 0x5); /* pending vectors 0, 2 */
	cfg_set(0x70, 4, 0x0002a010);
	cfg_set(0xa0, 4, 0x0004e011); /* table size 5 */
	memset(fd.ro + 0xa2, 0, 2);
	cfg_set(0xa4, 4, 0x00003000); /* table in BAR0 at 0x3000 */
	cfg_set(0xa8, 4, 0x00002000); /* PBA in BAR0 at 0x2000 */
	cfg_set(0xe0, 4, 0x00140009);
}

static struct pci_filter f;

static void filter_new(void)
{
	char err[128] = "";

	build_nic();
	memset(notes, 0, sizeof(notes));
	if (pci_filter_init(&f, &dev_ops, on_change, NULL, err, sizeof(err)))
		fail_msg("init: %s", err);
	memset(fd.writes, 0, sizeof(fd.writes));
}

static uint32_t rd(unsigned off, unsigned size)
{
	return pci_filter_read(&f, off, size);
}

static void wr(unsigned off, unsigned size, uint32_t v)
{
	pci_filter_write(&f, off, size, v);
}

static void test_init_leaves_device_quiet(void **state)
{
	filter_new();
	/* BARs restored after probing; bus mastering and MSI off. */
	assert_int_equal(cfg_get(0x10, 4), 0xfebc0000);
	assert_int_equal(cfg_get(0x18, 4), 0xe001);
	assert_int_equal(cfg_get(0x1c, 4), 0x0000000c);
	assert_int_equal(cfg_get(0x20, 4), 0x4);
	assert_int_equal(cfg_get(0x04, 2), 0x0503);
	assert_int_equal(cfg_get(0x52, 2) & 1, 0);
	assert_int_equal(f.bars[0].size, 128 * 1024);
	assert_int_equal(f.bars[1].size, 0);
	assert_true(f.bars[2].io);
	assert_int_equal(f.bars[2].size, 32);
	assert_true(f.bars[3].is64 && f.bars[3].prefetch);
	assert_int_equal(f.bars[3].size, 8ULL << 30);
	assert_int_equal(f.bars[5].size, 0);
	assert_int_equal(f.msi, 0x50);
	assert_int_equal(f.msix, 0xa0);
}

static void test_ids_pass_and_are_read_only(void **state)
{
	filter_new();
	assert_int_equal(rd(0x00, 4), 0x10d38086);
	assert_int_equal(rd(0x02, 2), 0x10d3);
	assert_int_equal(rd(0x08, 4), 0x02000000);
	assert_int_equal(rd(0x2c, 4), 0xa01f8086);
	wr(0x00, 4, 0x12345678);
	wr(0x08, 4, 0);
	wr(0x2c, 4, 0);
	assert_int_equal(rd(0x00, 4), 0x10d38086);
	assert_int_equal(fd.writes[0] + fd.writes[8] + fd.writes[0x2c], 0);
	/* One function, type 0, no BIST, no ROM, no CardBus. */
	assert_int_equal(rd(0x0c, 4) >> 16, 0);
	assert_int_equal(rd(0x30, 4), 0);
	wr(0x30, 4, 0xffffffff);
	assert_int_equal(rd(0x30, 4), 0);
	assert_int_equal(fd.writes[0x30], 0);
	assert_int_equal(rd(0x28, 4), 0);
}

/* The guest sizes each BAR the usual way; the device never sees it. */
static void test_bar_sizing(void **state)
{
	filter_new();
	for (unsigned off = 0x10; off < 0x28; off += 4)
		wr(off, 4, 0xffffffff);
	assert_int_equal(rd(0x10, 4), 0xfffe0000); /* 128 KiB, mem32 */
	assert_int_equal(rd(0x14, 4), 0);	   /* unused */
	assert_int_equal(rd(0x18, 4), 0xffffffe1); /* 32 bytes of I/O */
	assert_int_equal(rd(0x1c, 4), 0x0000000c); /* 64-bit, prefetch */
	assert_int_equal(rd(0x20, 4), 0xfffffffe); /* 8 GiB */
	assert_int_equal(rd(0x24, 4), 0);
	for (unsigned off = 0x10; off < 0x28; off++)
		assert_int_equal(fd.writes[off], 0);
	assert_int_equal(cfg_get(0x10, 4), 0xfebc0000);

	/* Then places them; the VM's code hears of each. */
	wr(0x10, 4, 0xc0020000);
	assert_int_equal(rd(0x10, 4), 0xc0020000);
	assert_int_equal(pci_filter_bar_addr(&f, 0), 0xc0020000);
	assert_int_equal(last_index, 0);
	wr(0x1c, 4, 0x00000000);
	wr(0x20, 4, 0x00000004);
	assert_int_equal(last_index, 3);
	assert_int_equal(pci_filter_bar_addr(&f, 3), 0x400000000ULL);
	wr(0x18, 4, 0x1000);
	assert_int_equal(rd(0x18, 4), 0x1001);
	assert_int_equal(pci_filter_bar_addr(&f, 2), 0x1000);
	/* Bits below the size do not stick. */
	wr(0x10, 4, 0xc0021234);
	assert_int_equal(rd(0x10, 4), 0xc0020000);
	assert_int_equal(notes[PCI_FILTER_BAR], 6);
	/* Byte writes too. */
	wr(0x13, 1, 0xd0);
	assert_int_equal(rd(0x10, 4), 0xd0020000);
	/* The hypervisor's own placement. */
	pci_filter_set_bar(&f, 0, 0x80000000);
	assert_int_equal(rd(0x10, 4), 0x80000000);
	pci_filter_set_bar(&f, 3, 0x123400000000ULL);
	assert_int_equal(rd(0x1c, 4), 0x0000000c);
	assert_int_equal(rd(0x20, 4), 0x1234);
}

static void test_command_bits(void **state)
{
	filter_new();
	assert_int_equal(rd(0x04, 2), 0x0503);
	/* Everything asked: only decode, master, parity, SERR, INTx
	 * disable reach the device. */
	wr(0x04, 2, 0xffff);
	assert_int_equal(cfg_get(0x04, 2), 0x0547);
	assert_int_equal(rd(0x04, 2), 0x0547);
	assert_int_equal(notes[PCI_FILTER_COMMAND], 1);
	wr(0x04, 2, 0x0002);
	assert_int_equal(cfg_get(0x04, 2), 0x0002);
	/* Bits the guest may not change keep the device's value. */
	cfg_set(0x04, 2, 0x0010 | 0x0002); /* MWI set by the host */
	wr(0x04, 2, 0x0006);
	assert_int_equal(cfg_get(0x04, 2), 0x0016);
}

static void test_status_bits(void **state)
{
	filter_new();
	/* The guest's list has capabilities; the errors are the device's. */
	assert_int_equal(rd(0x06, 2), 0x2018);
	wr(0x06, 2, 0x0018); /* not error bits: nothing happens */
	assert_int_equal(cfg_get(0x06, 2), 0x2018);
	wr(0x06, 2, 0x2000); /* clear master abort */
	assert_int_equal(cfg_get(0x06, 2), 0x0018);
	/* A dword write of command and status together. */
	cfg_set(0x06, 2, 0x8018);
	wr(0x04, 4, 0x80000006);
	assert_int_equal(cfg_get(0x04, 2), 0x0006);
	assert_int_equal(cfg_get(0x06, 2), 0x0018);
}

/* The guest's capabilities list: MSI then MSI-X, nothing else. */
static void test_capabilities_list(void **state)
{
	unsigned ptr, ids[8], n = 0;

	filter_new();
	assert_true(rd(0x06, 2) & 0x10);
	for (ptr = rd(0x34, 1); ptr && n < 8; ptr = rd(ptr + 1, 1))
		ids[n++] = rd(ptr, 1);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 0x05);
	assert_int_equal(ids[1], 0x11);
	assert_int_equal(rd(0x34, 1), 0x50);
	assert_int_equal(rd(0x51, 1), 0xa0);
	assert_int_equal(rd(0xa1, 1), 0);
	/* The hidden ones read 0 and take no writes. */
	assert_int_equal(rd(0x40, 4), 0);
	assert_int_equal(rd(0x70, 4), 0);
	assert_int_equal(rd(0xe0, 4), 0);
	wr(0x44, 4, 0x3); /* PM D3hot */
	wr(0x78, 2, 0xffff);
	assert_int_equal(fd.writes[0x44] + fd.writes[0x78], 0);
	/* Extended space. */
	assert_int_equal(rd(0x100, 4), 0);
	assert_int_equal(rd(0xffc, 4), 0);
}

static void test_msi_is_virtual(void **state)
{
	struct pci_msi_state m;

	filter_new();
	assert_int_equal(rd(0x52, 2), 0x0186); /* 8 vectors capable, off */
	wr(0x54, 4, 0xfee01000);
	wr(0x58, 4, 0);
	wr(0x5c, 2, 0x4041);
	wr(0x60, 4, 0xffffffff); /* mask all: 8 bits exist */
	wr(0x52, 2, 0x0031);	 /* enable, 8 vectors */
	assert_int_equal(rd(0x52, 2), 0x01b7);
	assert_int_equal(rd(0x54, 4), 0xfee01000);
	assert_int_equal(rd(0x5c, 2), 0x4041);
	assert_int_equal(rd(0x60, 4), 0xff);
	assert_int_equal(rd(0x64, 4), 0x5); /* pending: the device's */
	pci_filter_msi(&f, &m);
	assert_true(m.enabled);
	assert_int_equal(m.vectors, 8);
	assert_int_equal(m.address, 0xfee01000);
	assert_int_equal(m.data, 0x4041);
	assert_int_equal(m.mask, 0xff);
	assert_true(notes[PCI_FILTER_MSI] >= 4);
	/* Nothing of it reached the device. */
	for (unsigned o = 0x50; o < 0x68; o++)
		assert_int_equal(fd.writes[o], 0);
	assert_int_equal(cfg_get(0x52, 2) & 1, 0);
	/* The capability bits are read-only: no 32-bit address mode. */
	wr(0x52, 2, 0x0000);
	assert_int_equal(rd(0x52, 2), 0x0186);
}

static void test_msix_is_virtual(void **state)
{
	struct pci_msix_state m;

	filter_new();
	assert_int_equal(rd(0xa2, 2), 0x0004);
	wr(0xa2, 2, 0xffff);
	assert_int_equal(rd(0xa2, 2), 0xc004);
	pci_filter_msix(&f, &m);
	assert_true(m.enabled && m.function_masked);
	assert_int_equal(m.table_size, 5);
	assert_int_equal(notes[PCI_FILTER_MSIX], 1);
	assert_int_equal(cfg_get(0xa2, 2), 0x0004);
	assert_int_equal(rd(0xa4, 4), 0x3000);
	assert_int_equal(rd(0xa8, 4), 0x2000);
	wr(0xa4, 4, 0);
	assert_int_equal(fd.writes[0xa4], 0);
}

static void test_interrupt_line_and_bad_accesses(void **state)
{
	filter_new();
	assert_int_equal(rd(0x3c, 2), 0x010b);
	wr(0x3c, 1, 5);
	assert_int_equal(rd(0x3c, 2), 0x0105);
	assert_int_equal(fd.cfg[0x3c], 11);
	wr(0x3d, 1, 4);
	assert_int_equal(rd(0x3d, 1), 1);
	/* Misaligned, wrong size, past 4 KiB: all ones, no effect. */
	assert_int_equal(rd(0x03, 2), 0xffffffff);
	assert_int_equal(rd(0x04, 3), 0xffffffff);
	assert_int_equal(rd(0x1000, 4), 0xffffffff);
	wr(0x0f, 2, 0);
	wr(0x11, 4, 0);
	assert_int_equal(rd(0x10, 4), 0);
	assert_int_equal(rd(0x00, 1), 0x86);
}

static void assert_init_fails(const char *want)
{
	char err[128] = "";

	assert_int_equal(
		pci_filter_init(&f, &dev_ops, NULL, NULL, err, sizeof(err)),
		-1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
}

static void test_init_refusals(void **state)
{
	build_nic();
	memset(fd.cfg, 0xff, 4);
	assert_init_fails("no device answers (vendor id 0xffff)");
	build_nic();
	fd.cfg[0x0e] = 0x01;
	assert_init_fails("header type 1 is a bridge");
	build_nic();
	cfg_set(0x1c, 4, 0);
	cfg_set(0x20, 4, 0);
	cfg_set(0x24, 4, 0x4);
	fd.bar_size[3] = 0;
	fd.bar_size[5] = 4096;
	assert_init_fails("BAR5 is 64-bit but is the last BAR");
	build_nic();
	cfg_set(0x10, 4, 0x2);
	assert_init_fails("BAR0 has the reserved memory type 1");
	build_nic();
	fd.cfg[0xe1] = 0x40; /* back to the start */
	assert_init_fails("does not end");
	build_nic();
	fd.cfg[0x41] = 0x20;
	assert_init_fails("a capability at 0x20, inside the header");
	build_nic();
	fd.cfg[0x71] = 0xf8; /* MSI-X of 12 bytes at 0xf8 */
	cfg_set(0xf8, 4, 0x00000011);
	assert_init_fails("capability 0x11 at 0xf8 runs past");
}

/* No capabilities: the bit is clear and the pointer 0. */
static void test_no_capabilities(void **state)
{
	char err[64];

	build_nic();
	fd.cfg[0x06] &= ~0x10;
	assert_int_equal(
		pci_filter_init(&f, &dev_ops, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(rd(0x06, 2) & 0x10, 0);
	assert_int_equal(rd(0x34, 1), 0);
	assert_int_equal(rd(0x50, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_leaves_device_quiet),
		cmocka_unit_test(test_ids_pass_and_are_read_only),
		cmocka_unit_test(test_bar_sizing),
		cmocka_unit_test(test_command_bits),
		cmocka_unit_test(test_status_bits),
		cmocka_unit_test(test_capabilities_list),
		cmocka_unit_test(test_msi_is_virtual),
		cmocka_unit_test(test_msix_is_virtual),
		cmocka_unit_test(test_interrupt_line_and_bad_accesses),
		cmocka_unit_test(test_init_refusals),
		cmocka_unit_test(test_no_capabilities),
	};
	return cmocka_run_group_tests_name("pci_filter", tests, NULL, NULL);
}
