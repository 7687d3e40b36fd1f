/*
 * tests/unit/test_pci.c - drivers/hw/pci.c on the host: enumeration over
 * a fake configuration space (bus 0 with a multi-function device, a
 * PCI-to-PCI bridge to bus 2, and a bridge that points back at bus 0),
 * BAR decoding, finding by class, the command register.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/hw/pci.h"

/* Configuration space of the functions that exist; all others read as
 * all ones, as on a real bus. */
struct fake_fn {
	uint16_t bdf;
	uint32_t cfg[64];
};

static struct fake_fn fns[8];
static unsigned nfns, reads_of_missing;

static struct fake_fn *find(uint16_t bdf)
{
	for (unsigned i = 0; i < nfns; i++)
		if (fns[i].bdf == bdf)
			return &fns[i];
	return NULL;
}

static uint32_t fake_read32(void *ctx, uint16_t bdf, uint16_t off)
{
	struct fake_fn *f = find(bdf);

	assert_int_equal(off & 3, 0);
	if (!f) {
		reads_of_missing++;
		return 0xffffffff;
	}
	return f->cfg[off / 4];
}

static void fake_write32(void *ctx, uint16_t bdf, uint16_t off, uint32_t v)
{
	struct fake_fn *f = find(bdf);

	assert_non_null(f);
	f->cfg[off / 4] = v;
}

static const struct pci_cfg_ops ops = {fake_read32, fake_write32, NULL};

static struct fake_fn *add(uint16_t bdf, uint16_t vendor, uint16_t device,
			   uint32_t class_rev, uint8_t header)
{
	struct fake_fn *f = &fns[nfns++];

	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	f->cfg[0] = (uint32_t)device << 16 | vendor;
	f->cfg[PCI_REVISION / 4] = class_rev;
	f->cfg[PCI_HEADER_TYPE / 4] = (uint32_t)header << 16;
	return f;
}

static int setup(void **state)
{
	struct fake_fn *f;

	nfns = 0;
	reads_of_missing = 0;
	add(PCI_BDF(0, 0, 0), 0x8086, 0x1237, 0x06000002, 0);
	add(PCI_BDF(0, 1, 0), 0x8086, 0x7000, 0x06010000, PCI_HEADER_MULTIFN);
	f = add(PCI_BDF(0, 1, 1), 0x8086, 0x7010, 0x01018000, 0);
	f->cfg[(PCI_BAR0 + 16) / 4] = 0xc001; /* BAR4: ports at 0xc000 */
	f->cfg[PCI_COMMAND / 4] = 0x02800001; /* status bits, I/O on */
	/* a bridge to bus 2, and one that claims bus 0 again */
	f = add(PCI_BDF(0, 0x1e, 0), 0x8086, 0x244e, 0x06040000, 1);
	f->cfg[PCI_BUS_NUMBERS / 4] = 0x00020200;
	f = add(PCI_BDF(2, 3, 0), 0x8086, 0x100e, 0x02000000, 0);
	f->cfg[PCI_BAR0 / 4] = 0xfebc000c; /* 64-bit prefetchable */
	f->cfg[PCI_BAR0 / 4 + 1] = 0x1;
	f->cfg[PCI_BAR0 / 4 + 2] = 0xd001;
	f = add(PCI_BDF(2, 4, 0), 0x1234, 0x0001, 0x06040000, 1);
	f->cfg[PCI_BUS_NUMBERS / 4] = 0x00000002; /* secondary bus 0 */
	return 0;
}

static void test_scan_finds_every_function_once(void **state)
{
	struct pci_scan s;

	pci_scan(&ops, &s);
	assert_int_equal(s.count, 6);
	assert_int_equal(s.buses, 2); /* 0 and 2; the loop back is ignored */
	assert_int_equal(s.dropped, 0);
	assert_int_equal(s.dev[0].bdf, PCI_BDF(0, 0, 0));
	assert_int_equal(s.dev[2].bdf, PCI_BDF(0, 1, 1));
	assert_int_equal(s.dev[2].class_code, PCI_CLASS_STORAGE);
	assert_int_equal(s.dev[2].subclass, PCI_SUBCLASS_IDE);
	assert_int_equal(s.dev[2].prog_if, 0x80);
	assert_int_equal(s.dev[4].bdf, PCI_BDF(2, 3, 0));
}

static void test_single_function_device_not_probed_further(void **state)
{
	struct pci_scan s;

	/* 00:00 has no multi-function bit: its functions 1-7 stay unread,
	 * even if they would answer */
	add(PCI_BDF(0, 0, 5), 0x1111, 0x2222, 0x01010000, 0);
	pci_scan(&ops, &s);
	assert_int_equal(s.count, 6);
}

static void test_bars(void **state)
{
	struct pci_scan s;
	const struct pci_device *ide, *nic;

	pci_scan(&ops, &s);
	ide = pci_find_class(&s, PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, 0);
	assert_non_null(ide);
	assert_int_equal(ide->bar[4].kind, PCI_BAR_PORTS);
	assert_int_equal(ide->bar[4].base, 0xc000);
	assert_int_equal(ide->bar[0].kind, PCI_BAR_NONE);
	nic = pci_find_class(&s, 0x02, 0x00, 0);
	assert_non_null(nic);
	assert_int_equal(nic->bar[0].kind, PCI_BAR_MEM64);
	assert_int_equal(nic->bar[0].base, 0x1febc0000ULL);
	assert_true(nic->bar[0].prefetchable);
	assert_int_equal(nic->bar[1].kind, PCI_BAR_NONE); /* upper half */
	assert_int_equal(nic->bar[2].kind, PCI_BAR_PORTS);
	assert_int_equal(nic->bar[2].base, 0xd000);
	assert_null(pci_find_class(&s, PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, 1));
}

static void test_enable_keeps_command_bits(void **state)
{
	pci_enable(&ops, PCI_BDF(0, 1, 1), PCI_CMD_BUS_MASTER);
	/* I/O stays on; the write-1-to-clear status half is written as 0 */
	assert_int_equal(find(PCI_BDF(0, 1, 1))->cfg[PCI_COMMAND / 4],
			 PCI_CMD_IO | PCI_CMD_BUS_MASTER);
}

static void test_describe(void **state)
{
	struct pci_scan s;
	char line[96];

	pci_scan(&ops, &s);
	pci_describe(&s.dev[2], line, sizeof(line));
	assert_string_equal(line, "00:01.1 8086:7010 IDE controller (class "
				  "01.01, prog-if 0x80)");
	pci_describe(&s.dev[4], line, sizeof(line));
	assert_string_equal(line, "02:03.0 8086:100e Ethernet controller "
				  "(class 02.00, prog-if 0x00)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_scan_finds_every_function_once,
				       setup),
		cmocka_unit_test_setup(
			test_single_function_device_not_probed_further, setup),
		cmocka_unit_test_setup(test_bars, setup),
		cmocka_unit_test_setup(test_enable_keeps_command_bits, setup),
		cmocka_unit_test_setup(test_describe, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
