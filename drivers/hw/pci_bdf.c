/*
 * drivers/hw/pci_bdf.c - reading and writing bus:device.function.
 * Pure logic; runs when the configuration is parsed (boot CPU) and in
 * tests/unit/test_pci_bdf.c.
 * PCI Local Bus Specification: "Configuration Space Organization".
 */
#include "drivers/hw/pci_bdf.h"
#include "lib/fmt.h"
#include "lib/hexdigit.h"
#include "lib/string.h"

#define PCI_DEVICES   32
#define PCI_FUNCTIONS 8
#define FORMS	      "BB:DD.F or SSSS:BB:DD.F in hex, e.g. 03:00.0"

/* Exactly n hex digits at *p, then the character `sep` (or the end when
 * sep is 0); advances *p past them. -1 when not. */
static long hex_field(const char **p, unsigned n, char sep)
{
	long v = 0;

	for (unsigned i = 0; i < n; i++) {
		int d = hex_digit((*p)[i]);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	if ((*p)[n] != sep)
		return -1;
	*p += n + (sep ? 1 : 0);
	return v;
}

int pci_bdf_parse(const char *text, struct pci_bdf *out, char *err,
		  size_t err_size)
{
	const char *p = text;
	long seg = 0, bus, dev, fn;

	if (!*text)
		return fmt_fail(err, err_size, "empty: expected " FORMS);
	if (strlen(text) == 12 && (seg = hex_field(&p, 4, ':')) < 0)
		return fmt_fail(err, err_size, "\"%s\" is not " FORMS, text);
	bus = hex_field(&p, 2, ':');
	dev = bus < 0 ? -1 : hex_field(&p, 2, '.');
	fn = dev < 0 ? -1 : hex_field(&p, 1, '\0');
	if (fn < 0)
		return fmt_fail(err, err_size, "\"%s\" is not " FORMS, text);
	if (dev >= PCI_DEVICES)
		return fmt_fail(err, err_size,
				"device %02lx in \"%s\" is above 1f", dev,
				text);
	if (fn >= PCI_FUNCTIONS)
		return fmt_fail(err, err_size,
				"function %lx in \"%s\" is above 7", fn, text);
	*out = (struct pci_bdf){(uint16_t)seg, (uint8_t)bus, (uint8_t)dev,
				(uint8_t)fn};
	return 0;
}

void pci_bdf_format(const struct pci_bdf *b, char *buf, size_t size)
{
	if (b->segment)
		fmt_snprintf(buf, size, "%04x:%02x:%02x.%x", b->segment, b->bus,
			     b->dev, b->fn);
	else
		fmt_snprintf(buf, size, "%02x:%02x.%x", b->bus, b->dev, b->fn);
}
