/*
 * tests/fuzz/fuzz_vpci.c - libFuzzer target for drivers/virt/vpci.c (a
 * VM's PCI host bridge), built for the host with clang
 * -fsanitize=fuzzer,address,undefined.
 * The input is a guest's port accesses to 0xcf8-0xcff (8 bytes each:
 * kind, port, size, value) through the VM's port bus. Whatever the
 * guest does: the passed-through function only sees aligned accesses
 * of 1, 2 or 4 bytes inside its 256-byte space, and only while the
 * address register selects 00:03.0 with the enable bit; the reset
 * register only sees byte accesses; the host bridge's IDs never change.
 */
#include <stdio.h>
#include <stdlib.h>
#include "drivers/virt/vpci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "fuzz_vpci: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                           \
			abort();                                            \
		}                                                           \
	} while (0)

static struct vpci vp;

static void check_fn_access(unsigned off, unsigned n)
{
	CHECK((n == 1 || n == 2 || n == 4) && off % n == 0 && off + n <= 256);
	CHECK(vp.address >> 31);
	CHECK(((vp.address >> 11) & 0x1f) == VPCI_PT_DEV);
	CHECK(((vp.address >> 16) & 0xff) == 0);
	CHECK(((vp.address >> 8) & 7) == 0);
}

static uint32_t fn_read(void *ctx, unsigned off, unsigned n)
{
	check_fn_access(off, n);
	return 0xa5a5a5a5;
}

static void fn_write(void *ctx, unsigned off, unsigned n, uint32_t v)
{
	check_fn_access(off, n);
	CHECK(n == 4 || v >> (8 * n) == 0);
}

static uint32_t reset_read(void *opaque, uint16_t off, unsigned n)
{
	CHECK(off == 0 && n == 1);
	return 0;
}

static void reset_write(void *opaque, uint16_t off, unsigned n, uint32_t v)
{
	CHECK(off == 0 && n == 1 && v <= 0xff);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[] = {1, 2, 4, 3};
	const struct port_device reset = {"reset",    0xcf9,	   1,
					  reset_read, reset_write, NULL};
	const struct vpci_fn_ops fn = {fn_read, fn_write, NULL};
	struct port_bus bus = {0};
	struct port_device d;

	vpci_init(&vp, &reset);
	vpci_attach(&vp, &fn);
	d = vpci_device(&vp);
	CHECK(portbus_add(&bus, &d) == 0);
	for (size_t i = 0; i + 8 <= size; i += 8) {
		uint16_t port = 0xcf8 + (data[i + 1] & 7);
		unsigned n = sizes[data[i + 2] & 3];
		uint32_t v = data[i + 4] | data[i + 5] << 8 |
			     data[i + 6] << 16 | (uint32_t)data[i + 7] << 24;

		if (data[i] & 1)
			portbus_write(&bus, port, n, v);
		else
			(void)portbus_read(&bus, port, n);
	}
	CHECK(vpci_cfg_read(&vp, 0, 0, 0, 0, 4) == 0x12378086);
	CHECK(vpci_cfg_read(&vp, 0, 0, 0, 0x08, 4) >> 8 == 0x060000);
	return 0;
}
