/*
 * tests/fuzz/fuzz_dmar.c - libFuzzer target for drivers/iommu/dmar.c and
 * dmar_scope.c, built for the host with clang
 * -fsanitize=fuzzer,address,undefined.
 * The input is the body of a DMAR table (its remapping structures): the
 * target puts a valid header in front (length and checksum right, host
 * address width from the first byte) so the fuzzer spends its time in
 * the structures; when the first byte's top bit is set the input is
 * taken whole, header included. The table sits in a buffer of exactly
 * its size (ASan catches a read past it). On success it checks what the
 * VT-d code relies on: counts and path lengths in bounds, register bases
 * and RMRRs page-aligned, at most one INCLUDE_PCI_ALL unit per segment,
 * and that device lookup answers with a unit that exists; on failure,
 * that the error says "DMAR: ...". Parsing twice gives the same result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/iommu/dmar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "fuzz_dmar: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                           \
			abort();                                            \
		}                                                           \
	} while (0)

#define HEADER 48

static struct dmar_info info, again;
static const uint8_t *bus_data;
static size_t bus_size;

/* Bridges' bus numbers come from the input too. */
static uint32_t fake_pci(void *ctx, uint16_t seg, uint8_t bus, uint8_t devfn,
			 unsigned off)
{
	size_t i = (size_t)bus * 7 + devfn;

	CHECK(off == 0x18);
	if (!bus_size)
		return 0xffffffff;
	return (uint32_t)bus_data[i % bus_size] << 8 |
	       (uint32_t)bus_data[(i + 1) % bus_size] << 16;
}

static void check_scopes(const struct dmar_scope *s, unsigned count)
{
	CHECK(count <= DMAR_SCOPES_MAX);
	for (unsigned i = 0; i < count; i++) {
		CHECK(s[i].path_len >= 1 && s[i].path_len <= DMAR_PATH_MAX);
	}
}

static void check_info(void)
{
	CHECK(info.host_addr_width >= 32 && info.host_addr_width <= 64);
	CHECK(info.drhd_count >= 1 && info.drhd_count <= DMAR_DRHD_MAX);
	CHECK(info.rmrr_count <= DMAR_RMRR_MAX);
	for (unsigned i = 0; i < info.drhd_count; i++) {
		const struct dmar_drhd *u = &info.drhd[i];

		CHECK(u->reg_base && !(u->reg_base & 0xfff));
		CHECK(u->reg_pages >= 1 && u->reg_pages <= 32768 &&
		      !(u->reg_pages & (u->reg_pages - 1)));
		check_scopes(u->scopes, u->scope_count);
		for (unsigned j = 0; j < i; j++)
			CHECK(!(u->include_pci_all &&
				info.drhd[j].include_pci_all &&
				info.drhd[j].segment == u->segment));
	}
	for (unsigned i = 0; i < info.rmrr_count; i++) {
		const struct dmar_rmrr *r = &info.rmrr[i];

		CHECK(!(r->base & 0xfff) && !((r->limit + 1) & 0xfff));
		CHECK(r->base <= r->limit);
		check_scopes(r->scopes, r->scope_count);
	}
}

static void check_lookups(void)
{
	for (unsigned bus = 0; bus < 8; bus++) {
		for (unsigned devfn = 0; devfn < 256; devfn += 9) {
			int u = dmar_unit_for_device(&info, 0, (uint8_t)bus,
						     (uint8_t)devfn, fake_pci,
						     NULL);
			int r = dmar_rmrr_for_device(&info, 0, (uint8_t)bus,
						     (uint8_t)devfn, fake_pci,
						     NULL, -1);

			CHECK(u >= -1 && u < (int)info.drhd_count);
			CHECK(r >= -1 && r < (int)info.rmrr_count);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool whole = size && (data[0] & 0x80);
	size_t len = whole ? size : HEADER + (size ? size - 1 : 0);
	uint8_t *t = malloc(len ? len : 1);
	char err[160];
	uint8_t sum = 0;
	int rc;

	if (whole) {
		memcpy(t, data, size);
	} else {
		memset(t, 0, HEADER);
		memcpy(t, "DMAR", 4);
		t[4] = len & 0xff;
		t[5] = (len >> 8) & 0xff;
		t[36] = size ? data[0] : 0;
		if (size)
			memcpy(t + HEADER, data + 1, size - 1);
		for (size_t i = 0; i < len; i++)
			sum += t[i];
		t[9] = (uint8_t)-sum;
	}
	bus_data = data;
	bus_size = size;
	rc = dmar_parse(t, len, &info, err, sizeof(err));
	if (rc == 0) {
		check_info();
		check_lookups();
	} else {
		CHECK(rc == -1);
		CHECK(strncmp(err, "DMAR: ", 6) == 0 && strlen(err) > 6);
	}
	CHECK(dmar_parse(t, len, &again, err, sizeof(err)) == rc);
	CHECK(memcmp(&info, &again, sizeof(info)) == 0);
	free(t);
	return 0;
}
