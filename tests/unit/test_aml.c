/*
 * tests/unit/test_aml.c - drivers/virt/aml.c on the host: the bytes of
 * each AML construct and resource descriptor as the ACPI specification
 * encodes them (the same bytes iasl writes for the ASL in each comment),
 * PkgLength at the edges of its 1-, 2- and 3-byte forms, counting
 * without a buffer, and a buffer too small.
 * ACPI Specification, "ACPI Machine Language (AML) Specification":
 * "Package Length Encoding", "Data Objects Encoding"; "Resource Data
 * Types for ACPI"; "EISAID".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/aml.h"

static uint8_t buf[8192];

static void expect_bytes(const struct aml *a, const uint8_t *want, size_t n)
{
	assert_false(a->overflow);
	assert_int_equal(a->depth, 0);
	assert_int_equal(a->len, n);
	assert_memory_equal(buf, want, n);
}

static void test_eisaid(void **state)
{
	assert_int_equal(aml_eisaid("PNP0501"), 0x0105d041);
	assert_int_equal(aml_eisaid("PNP0A03"), 0x030ad041);
	assert_int_equal(aml_eisaid("PNP0C0F"), 0x0f0cd041);
	assert_int_equal(aml_eisaid("pnp0501"), 0); /* capitals only */
	assert_int_equal(aml_eisaid("PNP050"), 0);
	assert_int_equal(aml_eisaid("LNRO0005"), 0); /* a string _HID */
	assert_int_equal(aml_eisaid("PNP05G1"), 0);
}

/* Name (\_S5, Package (4) { 5, 5, 0, 0 }) */
static void test_sleep_package(void **state)
{
	static const uint8_t want[] = {0x08, '\\', '_',	 'S',  '5',
				       '_',  0x12, 0x08, 0x04, 0x0a,
				       0x05, 0x0a, 0x05, 0x00, 0x00};
	const uint64_t v[] = {5, 5, 0, 0};
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_name_package(&a, "\\_S5", v, 4);
	expect_bytes(&a, want, sizeof(want));
}

/* Name (X, 0), (X, 1), (X, 0xff), (X, 0x100), (X, 0x10000),
 * (X, 0x100000000): the shortest integer encoding each time */
static void test_integers(void **state)
{
	static const uint8_t want[] = {
		0x08, 'A',  '_',  '_',	'_', 0x00, 0x08, 'B',  '_',
		'_',  '_',  0x01, 0x08, 'C', '_',  '_',	 '_',  0x0a,
		0xff, 0x08, 'D',  '_',	'_', '_',  0x0b, 0x00, 0x01,
		0x08, 'E',  '_',  '_',	'_', 0x0c, 0x00, 0x00, 0x01,
		0x00, 0x08, 'F',  '_',	'_', '_',  0x0e, 0,    0,
		0,    0,    1,	  0,	0,   0,
	};
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_name_integer(&a, "A", 0);
	aml_name_integer(&a, "B", 1);
	aml_name_integer(&a, "C", 0xff);
	aml_name_integer(&a, "D", 0x100);
	aml_name_integer(&a, "E", 0x10000);
	aml_name_integer(&a, "F", 0x100000000ULL);
	expect_bytes(&a, want, sizeof(want));
}

/* Device (VR00) { Name (_HID, "LNRO0005") Name (_HID, EisaId
 * ("PNP0501")) } */
static void test_device_and_strings(void **state)
{
	static const uint8_t want[] = {
		0x5b, 0x82, 0x1e, 'V', 'R', '0',  '0',	0x08, '_',  'H',  'I',
		'D',  0x0d, 'L',  'N', 'R', 'O',  '0',	'0',  '0',  '5',  0x00,
		0x08, '_',  'H',  'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
	};
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_device(&a, "VR00");
	aml_name_string(&a, "_HID", "LNRO0005");
	aml_name_eisaid(&a, "_HID", "PNP0501");
	aml_end(&a);
	expect_bytes(&a, want, sizeof(want));
}

/* Name (_CRS, ResourceTemplate () { IO (Decode16, 0x3F8, 0x3F8, 1, 8)
 * IRQNoFlags () {4} Memory32Fixed (ReadWrite, 0xD0001000, 0x200)
 * Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {6} }) */
static void test_resource_template(void **state)
{
	static const uint8_t want[] = {
		0x08, '_',  'C',  'R',	'S',  0x11, 0x25, 0x0a, 0x22,
		0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08, /* IO */
		0x22, 0x10, 0x00,				/* IRQ 4 */
		0x86, 0x09, 0x00, 0x01, 0x00, 0x10, 0x00, 0xd0, /* Memory32 */
		0x00, 0x02, 0x00, 0x00, 0x89, 0x06, 0x00, 0x01, 0x01,
		0x06, 0x00, 0x00, 0x00, 0x79, 0x00, /* End Tag */
	};
	struct aml_res r;
	struct aml a;

	aml_res_init(&r);
	aml_res_io(&r, 0x3f8, 8);
	aml_res_irq(&r, 4);
	aml_res_mem32_fixed(&r, 0xd0001000, 0x200);
	aml_res_interrupt(&r, 6, true);
	aml_init(&a, buf, sizeof(buf));
	aml_name_resources(&a, "_CRS", &r);
	expect_bytes(&a, want, sizeof(want));
	/* Edge sets the HE bit; an IRQ above 15 cannot be an ISA IRQ */
	aml_res_init(&r);
	aml_res_interrupt(&r, 6, false);
	assert_int_equal(r.b[3], 0x03);
	aml_res_irq(&r, 16);
	assert_true(r.overflow);
}

/* A root bridge's windows, byte for byte as iasl compiles
 * WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, 0,
 * 0, 0, 1), WordIO (..., EntireRange, 0, 0x0D00, 0xFFFF, 0, 0xF300) and
 * DWordMemory (..., NonCacheable, ReadWrite, 0, 0xE0000000, 0xFEBFFFFF,
 * 0, 0x1EC00000). */
static void test_bridge_windows(void **state)
{
	static const uint8_t want[] = {
		/* bus: type 2, flags MIF|MAF, gra, min, max, tra, len */
		0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
		/* I/O: type 1, _RNG entire range */
		0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x0d,
		0xff, 0xff, 0x00, 0x00, 0x00, 0xf3,
		/* memory: type 0, read-write, not cacheable, dwords */
		0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0xe0, 0xff, 0xff, 0xbf, 0xfe, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0xc0, 0x1e};
	struct aml_res r;

	aml_res_init(&r);
	aml_res_word_bus(&r, 0, 0);
	aml_res_word_io(&r, 0x0d00, 0xffff);
	aml_res_dword_mem(&r, 0xe0000000, 0xfebfffff);
	assert_false(r.overflow);
	assert_int_equal(r.len, sizeof(want));
	assert_memory_equal(r.b, want, sizeof(want));
}

/* Name (_PRT, Package (0x01) { Package (0x04) { 0x0003FFFF, Zero, Zero,
 * 0x0B } }): device 3, INTA#, wired to GSI 11. */
static void test_prt(void **state)
{
	static const uint8_t want[] = {0x08, '_',  'P',	 'R',  'T',  0x12, 0x0e,
				       0x01, 0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff,
				       0x03, 0x00, 0x00, 0x00, 0x0a, 0x0b};
	const struct aml_prt_entry e = {0x0003ffff, 0, 11};
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_name_prt(&a, &e, 1);
	assert_int_equal(a.depth, 0);
	expect_bytes(&a, want, sizeof(want));
}

/* Scope (\_SB) holding `body` bytes of Names: the PkgLength in front. */
static size_t scope_of(size_t names)
{
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_scope(&a, "\\_SB");
	for (size_t i = 0; i < names; i++)
		aml_name_integer(&a, "X", 0); /* 6 bytes each */
	aml_end(&a);
	assert_false(a.overflow);
	return a.len;
}

/* PkgLength decoded as an OS does: the length and its own size. */
static size_t pkglen_decode(const uint8_t *p, unsigned *n)
{
	size_t v;

	*n = 1 + (p[0] >> 6);
	if (*n == 1)
		return p[0] & 0x3f;
	v = p[0] & 0xf;
	for (unsigned i = 1; i < *n; i++)
		v |= (size_t)p[i] << (4 + 8 * (i - 1));
	return v;
}

static void test_pkglen_edges(void **state)
{
	/* body = 5 (the NameString) + 6 * names; the PkgLength counts
	 * itself: 1 byte up to 63, 2 up to 4095, then 3 */
	const struct {
		size_t names;
		unsigned n;
	} cases[] = {{9, 1}, {10, 2}, {681, 2}, {682, 3}, {1200, 3}};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t body = 5 + 6 * cases[i].names, len, value;
		unsigned n;

		len = scope_of(cases[i].names);
		assert_int_equal(buf[0], 0x10); /* ScopeOp */
		value = pkglen_decode(buf + 1, &n);
		assert_int_equal(n, cases[i].n);
		assert_int_equal(value, body + n);
		assert_int_equal(len, 1 + n + body);
		assert_memory_equal(buf + 1 + n, "\\_SB_", 5);
	}
}

/* Counting without a buffer gives the length writing gives. */
static void test_count_only(void **state)
{
	struct aml a, b;
	const uint64_t v[] = {5, 5, 0, 0};

	for (int pass = 0; pass < 2; pass++) {
		struct aml *x = pass ? &b : &a;

		aml_init(x, pass ? buf : NULL, pass ? sizeof(buf) : 0);
		aml_name_package(x, "\\_S5", v, 4);
		aml_scope(x, "\\_SB");
		for (int i = 0; i < 20; i++) {
			aml_device(x, "DEV");
			aml_name_string(x, "_HID", "ACPI0007");
			aml_end(x);
		}
		aml_end(x);
	}
	assert_false(a.overflow);
	assert_false(b.overflow);
	assert_int_equal(a.len, b.len);
}

/* Too small a buffer: flagged, and nothing written past its end. */
static void test_overflow(void **state)
{
	struct aml a;

	memset(buf, 0xcc, sizeof(buf));
	aml_init(&a, buf, 10);
	aml_scope(&a, "\\_SB");
	aml_name_integer(&a, "X", 0x12345678);
	aml_end(&a);
	assert_true(a.overflow);
	for (size_t i = 10; i < 64; i++)
		assert_int_equal(buf[i], 0xcc);
	/* an end without a start, and nesting too deep */
	aml_init(&a, buf, sizeof(buf));
	aml_end(&a);
	assert_true(a.overflow);
	aml_init(&a, buf, sizeof(buf));
	for (int i = 0; i <= AML_DEPTH_MAX; i++)
		aml_device(&a, "D");
	assert_true(a.overflow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eisaid),
		cmocka_unit_test(test_sleep_package),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_device_and_strings),
		cmocka_unit_test(test_resource_template),
		cmocka_unit_test(test_bridge_windows),
		cmocka_unit_test(test_prt),
		cmocka_unit_test(test_pkglen_edges),
		cmocka_unit_test(test_count_only),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
