/*
 * drivers/hw/pci_bdf.h - a PCI function's address, bus:device.function
 * (with its segment), as the `passthrough = BB:DD.F` key of a VM's
 * configuration names it and as lspci prints it. Pure logic; any
 * context; tests/unit/test_pci_bdf.c.
 * PCI Local Bus Specification: "Configuration Space Organization" (bus,
 * device 0-31, function 0-7). PCI Firmware Specification (segment
 * groups).
 */
#ifndef DRIVERS_HW_PCI_BDF_H
#define DRIVERS_HW_PCI_BDF_H

#include "lib/types.h"

struct pci_bdf {
	uint16_t segment;
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

#define PCI_BDF_TEXT_MAX 16 /* "ssss:bb:dd.f" and a terminator */

/*
 * Parse "BB:DD.F" or "SSSS:BB:DD.F" (hex; bus and device two digits,
 * function one, segment four; upper or lower case), as lspci prints
 * them. 0 and *out; -1 with a message in err saying what is wrong and
 * what is accepted.
 */
int pci_bdf_parse(const char *text, struct pci_bdf *out, char *err,
		  size_t err_size);

/* devfn: device << 3 | function (a byte of the requester id). */
static inline uint8_t pci_bdf_devfn(const struct pci_bdf *b)
{
	return (uint8_t)(b->dev << 3 | b->fn);
}

/* The requester id a device's DMA carries (VT-d's source-id). */
static inline uint16_t pci_bdf_rid(const struct pci_bdf *b)
{
	return (uint16_t)(b->bus << 8 | pci_bdf_devfn(b));
}

/* "03:00.0", or "0001:03:00.0" off segment 0. */
void pci_bdf_format(const struct pci_bdf *b, char *buf, size_t size);

#endif
