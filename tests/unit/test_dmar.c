/*
 * tests/unit/test_dmar.c - drivers/iommu/dmar.c and dmar_scope.c (the
 * ACPI DMAR table and device-scope matching), on the host. Tables are
 * built byte by byte as firmware lays them out (the shape of real
 * laptops' tables: an integrated-graphics unit, an INCLUDE_PCI_ALL unit,
 * RMRRs for USB and graphics), then damaged one field at a time; each
 * damage must give its own clear error. Buffers are malloc'd to the exact
 * size so that ASan catches any read past the table.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "DMA Remapping Reporting Structure", "DMA Remapping
 * Hardware Unit Definition Structure", "Device Scope Structure",
 * "Reserved Memory Region Reporting Structure".
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/iommu/dmar.h"

static uint8_t buf[4096];
static size_t blen;

static void put8(uint8_t v)
{
	buf[blen++] = v;
}

static void put16(uint16_t v)
{
	put8(v & 0xff);
	put8(v >> 8);
}

static void put32(uint32_t v)
{
	put16(v & 0xffff);
	put16(v >> 16);
}

static void put64(uint64_t v)
{
	put32((uint32_t)v);
	put32((uint32_t)(v >> 32));
}

static void set16(size_t at, uint16_t v)
{
	buf[at] = v & 0xff;
	buf[at + 1] = v >> 8;
}

/* ACPI header + DMAR fields: HAW 0x26 (39 bits), flags 5. */
static void begin(uint8_t haw)
{
	memset(buf, 0, sizeof(buf));
	blen = 0;
	memcpy(buf, "DMAR", 4);
	blen = 36;
	put8(haw);
	put8(5);
	blen = 48;
}

static size_t drhd(uint8_t flags, uint16_t seg, uint64_t base)
{
	size_t at = blen;

	put16(0);
	put16(16);
	put8(flags);
	put8(0);
	put16(seg);
	put64(base);
	return at;
}

static size_t rmrr(uint16_t seg, uint64_t base, uint64_t limit)
{
	size_t at = blen;

	put16(1);
	put16(24);
	put16(0);
	put16(seg);
	put64(base);
	put64(limit);
	return at;
}

/* A device scope appended to the structure starting at `parent`. */
static void scope(size_t parent, uint8_t type, uint8_t id, uint8_t bus,
		  unsigned hops, const uint8_t *path)
{
	size_t len = 6 + 2 * hops;

	put8(type);
	put8((uint8_t)len);
	put16(0);
	put8(id);
	put8(bus);
	for (unsigned i = 0; i < hops; i++) {
		put8(path[2 * i]);
		put8(path[2 * i + 1]);
	}
	set16(parent + 2, (uint16_t)(blen - parent));
}

static void finish(void)
{
	uint8_t sum = 0;

	buf[4] = blen & 0xff;
	buf[5] = (blen >> 8) & 0xff;
	buf[9] = 0;
	for (size_t i = 0; i < blen; i++)
		sum += buf[i];
	buf[9] = (uint8_t)-sum;
}

static const uint8_t P_GFX[] = {2, 0};
static const uint8_t P_IOAPIC[] = {0x1e, 7};
static const uint8_t P_USB[] = {0x14, 0};
static const uint8_t P_NIC[] = {0x1c, 0, 0, 0}; /* 00:1c.0 -> 03:00.0 */
static const uint8_t P_BRIDGE[] = {0x1d, 0};	/* 00:1d.0, buses 4-5 */

/* Offsets of the structures in the reference table. */
static size_t at_gfx, at_all, at_nic, at_rmrr_usb;

static void build_reference(void)
{
	begin(0x26);
	at_gfx = drhd(0, 0, 0xfed90000);
	scope(at_gfx, 1, 0, 0, 1, P_GFX);
	at_nic = drhd(0, 0, 0xfed92000);
	scope(at_nic, 1, 0, 0, 2, P_NIC);
	scope(at_nic, 2, 0, 0, 1, P_BRIDGE);
	at_all = drhd(1, 0, 0xfed91000);
	scope(at_all, 3, 2, 0xf0, 1, P_IOAPIC);
	scope(at_all, 4, 0, 0, 1, P_IOAPIC);
	at_rmrr_usb = rmrr(0, 0x7c000000, 0x7c7fffff);
	scope(at_rmrr_usb, 1, 0, 0, 1, P_USB);
	{
		size_t r = rmrr(0, 0x7d000000, 0x7f7fffff);

		scope(r, 1, 0, 0, 1, P_GFX);
	}
	/* ATSR (type 2) and RHSA (type 3): skipped. */
	put16(2);
	put16(8);
	put32(0);
	put16(3);
	put16(20);
	blen += 16;
	finish();
}

/* Parse exactly blen bytes from a buffer of that size. */
static int parse(struct dmar_info *info, char *err, size_t err_size)
{
	uint8_t *copy = malloc(blen ? blen : 1);
	int rc;

	memcpy(copy, buf, blen);
	rc = dmar_parse(copy, blen, info, err, err_size);
	free(copy);
	return rc;
}

static struct dmar_info info;

static void test_reference_table(void **state)
{
	char err[160];
	const struct dmar_drhd *u;
	const struct dmar_rmrr *r;

	build_reference();
	assert_int_equal(parse(&info, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(info.host_addr_width, 39);
	assert_int_equal(info.flags, 5);
	assert_int_equal(info.drhd_count, 3);
	assert_int_equal(info.rmrr_count, 2);
	assert_int_equal(info.other_count, 2);

	u = &info.drhd[0];
	assert_int_equal(u->reg_base, 0xfed90000);
	assert_int_equal(u->reg_pages, 1);
	assert_false(u->include_pci_all);
	assert_int_equal(u->scope_count, 1);
	assert_int_equal(u->scopes[0].type, DMAR_SCOPE_ENDPOINT);
	assert_int_equal(u->scopes[0].path_len, 1);
	assert_int_equal(u->scopes[0].path[0], 0x10); /* 02.0 */

	u = &info.drhd[1];
	assert_int_equal(u->scope_count, 2);
	assert_int_equal(u->scopes[0].path_len, 2);
	assert_int_equal(u->scopes[0].path[0], 0xe0); /* 1c.0 */
	assert_int_equal(u->scopes[0].path[1], 0x00);
	assert_int_equal(u->scopes[1].type, DMAR_SCOPE_BRIDGE);

	u = &info.drhd[2];
	assert_int_equal(u->reg_base, 0xfed91000);
	assert_true(u->include_pci_all);
	assert_int_equal(u->scopes[0].type, DMAR_SCOPE_IOAPIC);
	assert_int_equal(u->scopes[0].enum_id, 2);
	assert_int_equal(u->scopes[0].bus, 0xf0);
	assert_int_equal(u->scopes[0].path[0], 0xf7); /* 1e.7 */
	assert_int_equal(u->scopes[1].type, DMAR_SCOPE_HPET);

	r = &info.rmrr[0];
	assert_int_equal(r->base, 0x7c000000);
	assert_int_equal(r->limit, 0x7c7fffff);
	assert_int_equal(r->scope_count, 1);
	assert_int_equal(r->scopes[0].path[0], 0xa0); /* 14.0 */
}

/* A fake PCI topology: 00:1c.0 is a bridge to bus 3, 00:1d.0 to 4-5. */
static uint32_t fake_pci(void *ctx, uint16_t seg, uint8_t bus, uint8_t devfn,
			 unsigned off)
{
	assert_int_equal(off, 0x18);
	if (seg == 0 && bus == 0 && devfn == 0xe0)
		return 0x00030300;
	if (seg == 0 && bus == 0 && devfn == 0xe8)
		return 0x00050400;
	return 0xffffffff;
}

static int unit(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	return dmar_unit_for_device(&info, seg, bus, (uint8_t)(dev << 3 | fn),
				    fake_pci, NULL);
}

static void test_unit_for_device(void **state)
{
	char err[160];

	build_reference();
	assert_int_equal(parse(&info, err, sizeof(err)), 0);
	assert_int_equal(unit(0, 0, 2, 0), 0); /* graphics */
	assert_int_equal(unit(0, 0, 2, 1), 2); /* another function */
	assert_int_equal(unit(0, 3, 0, 0), 1); /* through the bridge */
	assert_int_equal(unit(0, 3, 0, 1), 2);
	assert_int_equal(unit(0, 0, 0x1d, 0), 1); /* the bridge itself */
	assert_int_equal(unit(0, 4, 0, 0), 1);	  /* below it */
	assert_int_equal(unit(0, 5, 3, 2), 1);
	assert_int_equal(unit(0, 6, 0, 0), 2); /* INCLUDE_PCI_ALL */
	assert_int_equal(unit(0, 0, 0x14, 0), 2);
	assert_int_equal(unit(1, 0, 2, 0), -1); /* no unit on segment 1 */
}

static void test_rmrr_for_device(void **state)
{
	char err[160];

	build_reference();
	assert_int_equal(parse(&info, err, sizeof(err)), 0);
	assert_int_equal(
		dmar_rmrr_for_device(&info, 0, 0, 0xa0, fake_pci, NULL, -1), 0);
	assert_int_equal(
		dmar_rmrr_for_device(&info, 0, 0, 0xa0, fake_pci, NULL, 0), -1);
	assert_int_equal(
		dmar_rmrr_for_device(&info, 0, 0, 0x10, fake_pci, NULL, -1), 1);
	assert_int_equal(
		dmar_rmrr_for_device(&info, 0, 3, 0, fake_pci, NULL, -1), -1);
}

/* Damage one thing; parsing must fail with `want` in the message. */
static void assert_refused(const char *want)
{
	char err[200];

	memset(&info, 0x5a, sizeof(info));
	assert_int_equal(parse(&info, err, sizeof(err)), -1);
	if (!strstr(err, want) || strncmp(err, "DMAR: ", 6) != 0)
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
}

static void test_bad_header(void **state)
{
	build_reference();
	blen = 47;
	assert_refused("shorter than its 48-byte header");
	build_reference();
	buf[0] = 'X';
	finish();
	assert_refused("signature is not \"DMAR\"");
	build_reference();
	blen -= 1; /* the length field claims one byte more */
	assert_refused("outside 48..");
	build_reference();
	buf[4] = 40;
	buf[5] = 0;
	assert_refused("length field 40");
	build_reference();
	buf[40] ^= 1;
	assert_refused("checksum");
	begin(20);
	drhd(1, 0, 0xfed90000);
	finish();
	assert_refused("host address width 21 bits");
	begin(0x26);
	finish();
	assert_refused("no remapping unit");
}

static void test_bad_structures(void **state)
{
	size_t at;

	begin(0x26);
	at = drhd(1, 0, 0xfed90000);
	set16(at + 2, 0); /* length 0: must not loop forever */
	finish();
	assert_refused("length 0 is outside 4..");

	begin(0x26);
	at = drhd(1, 0, 0xfed90000);
	set16(at + 2, 17);
	finish();
	assert_refused("length 17 is outside 4..16");

	begin(0x26);
	drhd(1, 0, 0xfed90000);
	put16(0);
	put16(3); /* a header of 3 bytes */
	finish();
	assert_refused("length 3 is outside");

	begin(0x26);
	drhd(1, 0, 0xfed90000);
	put8(0);
	put8(0); /* 2 bytes left: no room for a header */
	finish();
	assert_refused("a header needs 4");

	begin(0x26);
	at = drhd(1, 0, 0xfed90000);
	set16(at + 2, 12);
	blen -= 4;
	finish();
	assert_refused("DRHD at 0x30: length 12, below the 16 bytes");

	begin(0x26);
	drhd(1, 0, 0xfed90800);
	finish();
	assert_refused("register base 0xfed90800 is not a 4 KiB aligned");

	begin(0x26);
	drhd(1, 0, 0);
	finish();
	assert_refused("register base 0x0");

	begin(0x26);
	drhd(1, 0, 0xfed90000);
	drhd(1, 0, 0xfed91000);
	finish();
	assert_refused("second INCLUDE_PCI_ALL unit for segment 0");

	begin(0x26);
	for (unsigned i = 0; i < DMAR_DRHD_MAX + 1; i++)
		drhd(0, 0, 0xfed90000 + i * 0x1000ULL);
	finish();
	assert_refused("more than 8 remapping units");

	begin(0x26);
	drhd(1, 0, 0xfed90000);
	at = rmrr(0, 0x7c000000, 0x7bffffff);
	finish();
	assert_refused("region 0x7c000000-0x7bffffff");
	begin(0x26);
	drhd(1, 0, 0xfed90000);
	rmrr(0, 0x7c000800, 0x7c7fffff);
	finish();
	assert_refused("not whole 4 KiB pages");
	begin(0x26);
	drhd(1, 0, 0xfed90000);
	at = rmrr(0, 0x7c000000, 0x7c7fffff);
	set16(at + 2, 20);
	blen -= 4;
	finish();
	assert_refused("RMRR at 0x40: length 20, below the 24 bytes");

	begin(0x26);
	drhd(1, 0, 0xfed90000);
	for (unsigned i = 0; i < DMAR_RMRR_MAX + 1; i++)
		rmrr(0, 0x7c000000 + i * 0x1000ULL, 0x7c000fff + i * 0x1000ULL);
	finish();
	assert_refused("RMRR at 0x1c0: more than 16 reserved regions");
}

static void test_bad_scopes(void **state)
{
	size_t at;

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	scope(at, 1, 0, 0, 1, P_GFX);
	buf[at + 16 + 1] = 5; /* scope length 5 */
	finish();
	assert_refused("length 5 is not 6 + 2 per path hop");

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	scope(at, 1, 0, 0, 1, P_GFX);
	buf[at + 16 + 1] = 9; /* odd */
	finish();
	assert_refused("length 9 is not 6 + 2");

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	scope(at, 1, 0, 0, 1, P_GFX);
	buf[at + 16 + 1] = 10; /* past its DRHD */
	finish();
	assert_refused("length 10 runs past its structure (8 bytes left)");

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	scope(at, 1, 0, 0, 0, NULL);
	finish();
	assert_refused("a path of 0 hops");

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	{
		uint8_t long_path[2 * (DMAR_PATH_MAX + 1)] = {0};

		scope(at, 1, 0, 0, DMAR_PATH_MAX + 1, long_path);
	}
	finish();
	assert_refused("a path of 9 hops (1 to 8 accepted)");

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	{
		const uint8_t bad[] = {0x20, 0};

		scope(at, 1, 0, 0, 1, bad);
	}
	finish();
	assert_refused("hop 0 is 20.0, beyond device 1f function 7");

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	scope(at, 1, 0, 0, 1, P_GFX);
	set16(at + 2, 16 + 4); /* the DRHD ends inside its scope */
	blen = at + 20;
	finish();
	assert_refused("device scope at 0x40: 4 bytes left, a scope needs 6");

	begin(0x26);
	at = drhd(0, 0, 0xfed90000);
	for (unsigned i = 0; i < DMAR_SCOPES_MAX + 1; i++)
		scope(at, 1, 0, (uint8_t)i, 1, P_GFX);
	finish();
	assert_refused("more than 16 device scopes");
}

/* Every cut of the reference table, made self-consistent again (length
 * and checksum), is refused or parses, and never reads past the cut. */
static void test_every_cut(void **state)
{
	size_t full;
	unsigned ok = 0;
	char err[200];

	build_reference();
	full = blen;
	for (size_t cut = 0; cut <= full; cut++) {
		build_reference();
		blen = cut;
		if (cut >= 10)
			finish();
		if (parse(&info, err, sizeof(err)) == 0)
			ok++;
		else
			assert_true(strncmp(err, "DMAR: ", 6) == 0);
	}
	/* Cuts at structure ends that keep a DRHD parse. */
	assert_true(ok >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_table),
		cmocka_unit_test(test_unit_for_device),
		cmocka_unit_test(test_rmrr_for_device),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_structures),
		cmocka_unit_test(test_bad_scopes),
		cmocka_unit_test(test_every_cut),
	};
	return cmocka_run_group_tests_name("dmar", tests, NULL, NULL);
}
