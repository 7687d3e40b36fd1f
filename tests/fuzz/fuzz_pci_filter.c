/*
 * tests/fuzz/fuzz_pci_filter.c - libFuzzer target for
 * drivers/virt/pci_filter.c and pci_filter_setup.c, built for the host
 * with clang -fsanitize=fuzzer,address,undefined.
 * The input is a guest's configuration accesses to a passed-through NIC
 * (8 bytes each: kind, offset, size, value). Whatever the guest does, it
 * must not reach the real device except through the command bits it may
 * change, the status error bits it may clear and the cache-line/latency
 * bytes: the device's BARs, MSI and MSI-X registers, IDs and hidden
 * capabilities never change; its MSI/MSI-X stay disabled; hidden bytes
 * read 0 and BAR flag bits keep their values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virt/pci_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_pci_filter: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

static uint8_t cfg[256], initial[256];
static unsigned writes[256];

static uint32_t dev_read(void *ctx, unsigned off, unsigned n)
{
	uint32_t v = 0;

	CHECK((n == 1 || n == 2 || n == 4) && off % n == 0 && off + n <= 256);
	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

/* BAR0: 64 KiB memory. The others: none. Writes land as a device
 * would take them, so probing works. */
static void dev_write(void *ctx, unsigned off, unsigned n, uint32_t v)
{
	CHECK((n == 1 || n == 2 || n == 4) && off % n == 0 && off + n <= 256);
	for (unsigned i = 0; i < n; i++) {
		unsigned o = off + i;
		uint8_t b = v >> (8 * i);

		writes[o]++;
		if (o >= 0x10 && o < 0x14)
			cfg[o] = o == 0x10 ? 0 : o == 0x11 ? 0 : b;
		else if (o >= 0x14 && o < 0x28)
			cfg[o] = 0;
		else if (o == 7)
			cfg[o] &= ~(b & 0xf9);
		else
			cfg[o] = b;
	}
}

static const struct pci_cfg_ops ops = {dev_read, dev_write, NULL};

static void put32(unsigned off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		cfg[off + i] = v >> (8 * i);
}

static void build(void)
{
	memset(cfg, 0, sizeof(cfg));
	put32(0x00, 0x10d38086);
	put32(0x04, 0x20100006);
	put32(0x08, 0x02000000);
	put32(0x10, 0xfebc0000);
	cfg[0x34] = 0x40;
	put32(0x40, 0xc8235001); /* PM -> MSI */
	put32(0x50, 0x01877005); /* MSI 64-bit masking -> 0x70 */
	put32(0x70, 0x0002a010); /* PCIe -> MSI-X */
	put32(0xa0, 0x0004e011); /* MSI-X -> vendor */
	put32(0xa4, 0x00003000);
	put32(0xe0, 0x00140009);
}

static bool guest_may_write(unsigned o)
{
	return o == 4 || o == 5 || o == 7 || o == 0x0c || o == 0x0d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[] = {1, 2, 4, 3};
	struct pci_filter f;
	char err[128];

	build();
	CHECK(pci_filter_init(&f, &ops, NULL, NULL, err, sizeof(err)) == 0);
	memcpy(initial, cfg, sizeof(cfg));
	memset(writes, 0, sizeof(writes));
	for (size_t i = 0; i + 8 <= size; i += 8) {
		unsigned off = (data[i + 1] | data[i + 2] << 8) & 0x1fff;
		unsigned n = sizes[data[i + 3] & 3];
		uint32_t v;

		memcpy(&v, data + i + 4, 4);
		if (data[i] & 1)
			pci_filter_write(&f, off, n, v);
		else
			(void)pci_filter_read(&f, off, n);
	}
	for (unsigned o = 0; o < 256; o++) {
		if (!guest_may_write(o)) {
			CHECK(writes[o] == 0);
			CHECK(cfg[o] == initial[o]);
		}
	}
	CHECK((cfg[4] & ~0x47) == (initial[4] & ~0x47));
	CHECK((cfg[5] & ~0x05) == (initial[5] & ~0x05));
	CHECK(pci_filter_read(&f, 0x00, 4) == 0x10d38086);
	CHECK(pci_filter_read(&f, 0x40, 4) == 0);
	CHECK(pci_filter_read(&f, 0x70, 4) == 0);
	CHECK(pci_filter_read(&f, 0x30, 4) == 0);
	CHECK((pci_filter_read(&f, 0x10, 4) & 0xffff) == 0);
	CHECK(pci_filter_read(&f, 0x14, 4) == 0);
	CHECK(pci_filter_read(&f, 0x34, 1) == 0x50);
	CHECK(pci_filter_read(&f, 0x51, 1) == 0xa0);
	CHECK(pci_filter_read(&f, 0xa1, 1) == 0);
	CHECK((pci_filter_read(&f, 0x52, 2) & ~0x71U) == 0x0186);
	return 0;
}
