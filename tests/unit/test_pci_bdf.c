/*
 * tests/unit/test_pci_bdf.c - drivers/hw/pci_bdf.c: the `passthrough =
 * BB:DD.F` values a VM's configuration gives, on the host. Good values
 * parse to the right numbers and print back the same; each kind of bad
 * value gets a message that says what is wrong and what is accepted.
 * PCI Local Bus Specification: "Configuration Space Organization".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/hw/pci_bdf.h"

static void assert_parses(const char *text, unsigned seg, unsigned bus,
			  unsigned dev, unsigned fn, const char *printed)
{
	struct pci_bdf b;
	char err[128] = "", out[PCI_BDF_TEXT_MAX];

	if (pci_bdf_parse(text, &b, err, sizeof(err)) != 0)
		fail_msg("\"%s\" refused: %s", text, err);
	assert_int_equal(b.segment, seg);
	assert_int_equal(b.bus, bus);
	assert_int_equal(b.dev, dev);
	assert_int_equal(b.fn, fn);
	pci_bdf_format(&b, out, sizeof(out));
	assert_string_equal(out, printed);
}

static void assert_refused(const char *text, const char *want)
{
	struct pci_bdf b = {0x1234, 0x56, 0x7, 0x1};
	char err[128] = "";

	assert_int_equal(pci_bdf_parse(text, &b, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("\"%s\": error \"%s\" does not say \"%s\"", text, err,
			 want);
	/* Nothing written on failure. */
	assert_int_equal(b.segment, 0x1234);
	assert_int_equal(b.bus, 0x56);
}

static void test_good_values(void **state)
{
	assert_parses("03:00.0", 0, 3, 0, 0, "03:00.0");
	assert_parses("00:1f.2", 0, 0, 0x1f, 2, "00:1f.2");
	assert_parses("FF:1F.7", 0, 0xff, 0x1f, 7, "ff:1f.7");
	assert_parses("0000:65:00.1", 0, 0x65, 0, 1, "65:00.1");
	assert_parses("0001:00:02.0", 1, 0, 2, 0, "0001:00:02.0");
}

static void test_rid(void **state)
{
	struct pci_bdf b;
	char err[64];

	assert_int_equal(pci_bdf_parse("03:1c.5", &b, err, sizeof(err)), 0);
	assert_int_equal(pci_bdf_devfn(&b), 0xe5);
	assert_int_equal(pci_bdf_rid(&b), 0x03e5);
}

static void test_bad_values(void **state)
{
	const char *forms =
		"is not BB:DD.F or SSSS:BB:DD.F in hex, e.g. 03:00.0";

	assert_refused("", "empty: expected BB:DD.F");
	assert_refused("3:00.0", forms);
	assert_refused("03:0.0", forms);
	assert_refused("03:00", forms);
	assert_refused("03:00.", forms);
	assert_refused("03:00.00", forms);
	assert_refused("03-00.0", forms);
	assert_refused("0g:00.0", forms);
	assert_refused(" 03:00.0", forms);
	assert_refused("03:00.0 ", forms);
	assert_refused("00:000:00.0", forms);
	assert_refused("0000:00:00.0x", forms);
	assert_refused("03:20.0", "device 20 in \"03:20.0\" is above 1f");
	assert_refused("03:00.8", "function 8 in \"03:00.8\" is above 7");
	assert_refused("03:00.f", "function f in \"03:00.f\" is above 7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_rid),
		cmocka_unit_test(test_bad_values),
	};
	return cmocka_run_group_tests_name("pci_bdf", tests, NULL, NULL);
}
