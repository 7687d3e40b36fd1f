/*
 * tests/unit/test_acpi.c - kernel/acpi.c (RSDP, RSDT/XSDT, MADT, FADT) and
 * kernel/acpi_s5.c (\_S5 in the DSDT's AML), on the host.
 * Tables are built with correct checksums into a fake physical memory of
 * two malloc'd windows (one below 4 GiB, one above) read through the
 * parser's acpi_map_fn seam, so ASan catches any read past a window.
 * ACPI Specification, "System Description Table Header", "Root System
 * Description Pointer (RSDP) Structure", "Multiple APIC Description Table
 * (MADT)", "Fixed ACPI Description Table (FADT)", "Package Length
 * Encoding".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/support.h"
#include "kernel/acpi.h"
#include "lib/log.h"

/* ---- fake physical memory ------------------------------------------------ */

#define LOW_SIZE  (64 * 1024)
#define HIGH_BASE 0x100000000ULL /* 4 GiB: reachable only through 64 bits */
#define HIGH_SIZE (64 * 1024)
#define OUTSIDE	  0x80000000ULL /* in neither window */

static uint8_t *low_mem, *high_mem;

static uint8_t *window(hpa_t pa, size_t len)
{
	if (pa < LOW_SIZE && len <= LOW_SIZE - pa)
		return low_mem + pa;
	if (pa >= HIGH_BASE && pa - HIGH_BASE < HIGH_SIZE &&
	    len <= HIGH_SIZE - (pa - HIGH_BASE))
		return high_mem + (pa - HIGH_BASE);
	return NULL;
}

static const void *fake_map(hpa_t pa, size_t len)
{
	return window(pa, len);
}

/* ---- the log, captured --------------------------------------------------- */

static char log_text[8192];

static void capture(const char *line, size_t len)
{
	strncat(log_text, line, sizeof(log_text) - strlen(log_text) - 1);
}

#define assert_contains(text, word)                                        \
	do {                                                               \
		if (!strstr((text), (word)))                               \
			fail_msg("\"%s\" does not contain \"%s\"", (text), \
				 (word));                                  \
	} while (0)

static int setup(void **state)
{
	low_mem = calloc(1, LOW_SIZE);
	high_mem = calloc(1, HIGH_SIZE);
	log_text[0] = '\0';
	log_set_sink(capture);
	log_set_level(LOG_INFO);
	alarm(10); /* a parser that loops forever fails instead of hanging */
	return low_mem && high_mem ? 0 : -1;
}

static int teardown(void **state)
{
	alarm(0);
	free(low_mem);
	free(high_mem);
	return 0;
}

/* ---- table builders ------------------------------------------------------ */

static void le_put(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t byte_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

struct table {
	uint8_t b[2048];
	uint32_t len;
};

/* Write bytes little-endian at off, growing the table to cover them. */
static void put(struct table *t, uint32_t off, uint64_t v, unsigned bytes)
{
	assert_true(off + bytes <= sizeof(t->b));
	le_put(t->b + off, v, bytes);
	if (off + bytes > t->len)
		t->len = off + bytes;
}

static void append(struct table *t, uint64_t v, unsigned bytes)
{
	put(t, t->len, v, bytes);
}

static void append_bytes(struct table *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		append(t, p[i], 1);
}

/* "System Description Table Header": everything but length and checksum,
 * which table_place writes. */
static void table_init(struct table *t, const char *sig, uint8_t revision)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = revision;
	memcpy(t->b + 10, "BOCHS ", 6);
	memcpy(t->b + 16, "BXPC    ", 8);
	le_put(t->b + 24, 1, 4);
	memcpy(t->b + 28, "BXPC", 4);
	le_put(t->b + 32, 1, 4);
	t->len = 36;
}

/* Set length and checksum, copy the table to physical address pa. */
static hpa_t table_place(struct table *t, hpa_t pa)
{
	uint8_t *dst = window(pa, t->len);

	assert_non_null(dst);
	le_put(t->b + 4, t->len, 4);
	t->b[9] = 0;
	t->b[9] = (uint8_t)-byte_sum(t->b, t->len);
	memcpy(dst, t->b, t->len);
	return pa;
}

/* Damage a placed table (breaks its checksum unless fixed). */
static void poke(hpa_t pa, uint64_t v, unsigned bytes)
{
	le_put(window(pa, bytes), v, bytes);
}

static void root_table(const char *sig, hpa_t pa, const hpa_t *tables, size_t n)
{
	struct table t;
	unsigned entry = memcmp(sig, "XSDT", 4) == 0 ? 8 : 4;

	table_init(&t, sig, 1);
	for (size_t i = 0; i < n; i++)
		append(&t, tables[i], entry);
	table_place(&t, pa);
}

/* MADT structures, "Multiple APIC Description Table (MADT)" */
#define LAPIC_ENABLED	     1
#define LAPIC_ONLINE_CAPABLE 2

static void madt_init(struct table *t, uint32_t lapic_address)
{
	table_init(t, "APIC", 3);
	put(t, 36, lapic_address, 4);
	put(t, 40, 1, 4); /* PCAT_COMPAT */
}

static void madt_lapic(struct table *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	append(t, 0, 1);
	append(t, 8, 1);
	append(t, uid, 1);
	append(t, id, 1);
	append(t, flags, 4);
}

static void madt_x2apic(struct table *t, uint32_t id, uint32_t flags)
{
	append(t, 9, 1);
	append(t, 16, 1);
	append(t, 0, 2);
	append(t, id, 4);
	append(t, flags, 4);
	append(t, id, 4); /* processor UID */
}

static void madt_ioapic(struct table *t, uint8_t id, uint32_t address,
			uint32_t gsi_base)
{
	append(t, 1, 1);
	append(t, 12, 1);
	append(t, id, 1);
	append(t, 0, 1);
	append(t, address, 4);
	append(t, gsi_base, 4);
}

static void madt_source_override(struct table *t, uint8_t source, uint32_t gsi,
				 uint16_t flags)
{
	append(t, 2, 1);
	append(t, 10, 1);
	append(t, 0, 1); /* bus: ISA */
	append(t, source, 1);
	append(t, gsi, 4);
	append(t, flags, 2);
}

static void madt_lapic_nmi(struct table *t)
{
	append(t, 4, 1);
	append(t, 6, 1);
	append(t, 0xff, 1); /* all processors */
	append(t, 0, 2);
	append(t, 1, 1); /* LINT1 */
}

static void madt_lapic_override(struct table *t, uint64_t address)
{
	append(t, 5, 1);
	append(t, 12, 1);
	append(t, 0, 2);
	append(t, address, 8);
}

/* FADT fields, "Fixed ACPI Description Table (FADT)" */
#define FADT_V1_LEN	   116
#define FADT_V3_LEN	   244
#define FADT_DSDT	   40
#define FADT_SMI_CMD	   48
#define FADT_ACPI_ENABLE   52
#define FADT_PM1A_EVT	   56
#define FADT_PM1A_CNT	   64
#define FADT_PM1B_CNT	   68
#define FADT_PM_TMR	   76
#define FADT_FLAGS	   112
#define FADT_RESET_REG	   116
#define FADT_RESET_VALUE   128
#define FADT_X_DSDT	   140
#define FADT_X_PM1A_CNT	   172
#define FADT_X_PM1B_CNT	   184
#define FADT_X_PM_TMR	   208
#define FLAG_WBINVD	   BIT(0)
#define FLAG_PROC_C1	   BIT(2)
#define FLAG_SLP_BUTTON	   BIT(5)
#define FLAG_TMR_VAL_EXT   BIT(8)
#define FLAG_RESET_REG_SUP BIT(10)
#define GAS_MEMORY	   0
#define GAS_IO		   1

static void fadt_init(struct table *t, uint32_t len)
{
	table_init(t, "FACP", len == FADT_V1_LEN ? 1 : 3);
	t->len = len;
}

/* A "Generic Address Structure" at off. */
static void put_gas(struct table *t, uint32_t off, uint8_t space,
		    uint8_t bit_width, uint64_t address)
{
	put(t, off, space, 1);
	put(t, off + 1, bit_width, 1);
	put(t, off + 2, 0, 1);			/* bit offset */
	put(t, off + 3, bit_width / 8 ?: 1, 1); /* access size */
	put(t, off + 4, address, 8);
}

/* A DSDT whose body is some unrelated AML followed by aml. */
static void dsdt_place(hpa_t pa, const uint8_t *aml, size_t len)
{
	static const uint8_t name_picf[] = {0x08, 'P', 'I', 'C', 'F', 0x00};
	struct table t;

	table_init(&t, "DSDT", 1);
	append_bytes(&t, name_picf, sizeof(name_picf));
	append_bytes(&t, aml, len);
	table_place(&t, pa);
}

/* "Root System Description Pointer (RSDP) Structure" */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

static size_t rsdp_v0(uint8_t *r, uint32_t rsdt)
{
	memset(r, 0, RSDP_V2_LEN);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	le_put(r + 16, rsdt, 4);
	r[8] = (uint8_t)-byte_sum(r, RSDP_V1_LEN);
	return RSDP_V1_LEN;
}

static size_t rsdp_v2(uint8_t *r, uint32_t rsdt, uint64_t xsdt)
{
	memset(r, 0, RSDP_V2_LEN);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "ALASKA", 6);
	r[15] = 2;
	le_put(r + 16, rsdt, 4);
	le_put(r + 20, RSDP_V2_LEN, 4);
	le_put(r + 24, xsdt, 8);
	r[8] = (uint8_t)-byte_sum(r, RSDP_V1_LEN);
	r[32] = (uint8_t)-byte_sum(r, RSDP_V2_LEN);
	return RSDP_V2_LEN;
}

/* ---- parsing ------------------------------------------------------------- */

static struct acpi_info info;
static char err[128];

static int parse(const uint8_t *rsdp, size_t rsdp_len)
{
	memset(&info, 0xa5, sizeof(info)); /* acpi_parse must clear it */
	memset(err, 0, sizeof(err));
	return acpi_parse(rsdp, rsdp_len, fake_map, &info, err, sizeof(err));
}

/* AML for Name(_S5, Package(4) {Zero, Zero, Zero, Zero}), as Bochs has */
static const uint8_t bochs_s5[] = {0x08, '_',  'S',  '5',  '_',	 0x12,
				   0x06, 0x04, 0x00, 0x00, 0x00, 0x00};

/* Where the Bochs-like set lives. The ACPI 1.0 FADT ends the low window,
 * so reading past its 116 bytes is caught by ASan. */
#define BOCHS_RSDT 0x1000
#define BOCHS_MADT 0x3000
#define BOCHS_DSDT 0x4000
#define BOCHS_HPET 0x5000
#define BOCHS_FADT (LOW_SIZE - FADT_V1_LEN)

static void bochs_madt(void)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, LAPIC_ENABLED);
	madt_lapic(&t, 1, 1, LAPIC_ENABLED);
	madt_lapic(&t, 2, 2, 0); /* neither enabled nor online-capable */
	madt_ioapic(&t, 0, 0xfec00000, 0);
	madt_source_override(&t, 0, 2, 0);
	madt_source_override(&t, 9, 9, 0x000d);
	madt_lapic_nmi(&t);
	table_place(&t, BOCHS_MADT);
}

static void bochs_fadt(uint32_t flags)
{
	struct table t;

	fadt_init(&t, FADT_V1_LEN);
	put(&t, FADT_DSDT, BOCHS_DSDT, 4);
	put(&t, FADT_SMI_CMD, 0xb2, 4);
	put(&t, FADT_ACPI_ENABLE, 0xf1, 1);
	put(&t, FADT_PM1A_EVT, 0xb000, 4);
	put(&t, FADT_PM1A_CNT, 0xb004, 4);
	put(&t, FADT_PM_TMR, 0xb008, 4);
	put(&t, FADT_FLAGS, flags, 4);
	table_place(&t, BOCHS_FADT);
}

/* RSDP v0 -> RSDT -> FADT (-> DSDT), MADT, HPET; returns the RSDP length */
static size_t bochs_tables(uint8_t *rsdp)
{
	static const hpa_t list[] = {BOCHS_FADT, BOCHS_MADT, BOCHS_HPET};
	struct table hpet;

	bochs_madt();
	bochs_fadt(FLAG_WBINVD | FLAG_PROC_C1 | FLAG_SLP_BUTTON);
	dsdt_place(BOCHS_DSDT, bochs_s5, sizeof(bochs_s5));
	table_init(&hpet, "HPET", 1);
	append(&hpet, 0x8086a201, 4);
	table_place(&hpet, BOCHS_HPET);
	root_table("RSDT", BOCHS_RSDT, list, ARRAY_SIZE(list));
	return rsdp_v0(rsdp, BOCHS_RSDT);
}

static void test_bochs_tables(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	assert_int_equal(parse(rsdp, len), 0);
	assert_string_equal(info.oem_id, "BOCHS ");
	assert_false(info.xsdt);
	assert_int_equal(info.lapic_address, 0xfee00000);
	assert_int_equal(info.cpu_count, 2);
	assert_int_equal(info.apic_ids[0], 0);
	assert_int_equal(info.apic_ids[1], 1);
	assert_int_equal(info.cpus_ignored, 0);
	assert_int_equal(info.ioapic_count, 1);
	assert_int_equal(info.ioapics[0].id, 0);
	assert_int_equal(info.ioapics[0].address, 0xfec00000);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_true(info.fadt);
	assert_int_equal(info.pm1a_cnt, 0xb004);
	assert_int_equal(info.pm1b_cnt, 0);
	assert_int_equal(info.smi_cmd, 0xb2);
	assert_int_equal(info.acpi_enable, 0xf1);
	assert_int_equal(info.pm_tmr, 0xb008);
	assert_false(info.pm_tmr_32bit);
	assert_false(info.reset_supported);
	assert_int_equal(info.reset_reg.space, 0);
	assert_int_equal(info.reset_reg.bit_width, 0);
	assert_int_equal(info.reset_reg.address, 0);
	assert_int_equal(info.reset_value, 0);
	assert_true(info.s5);
	assert_int_equal(info.slp_typa, 0);
	assert_int_equal(info.slp_typb, 0);
	assert_string_equal(log_text, ""); /* nothing to warn about */
}

/* An ACPI 1.0 FADT (116 bytes) has no reset register even if its flags
 * say so; it ends the low window, so a read past it fails under ASan. */
static void test_fadt_v1_has_no_reset_register(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	bochs_fadt(FLAG_TMR_VAL_EXT | FLAG_RESET_REG_SUP);
	assert_int_equal(parse(rsdp, len), 0);
	assert_true(info.fadt);
	assert_true(info.pm_tmr_32bit);
	assert_false(info.reset_supported);
	assert_int_equal(info.pm1a_cnt, 0xb004);
	assert_true(info.s5);
}

/* RSDP v2 -> XSDT (64-bit entries, tables above 4 GiB); FADT X_ fields */
#define HI(off) (HIGH_BASE + (off))

static void test_rsdp_v2_xsdt_and_fadt_x_fields(void **state)
{
	static const uint8_t decoy_s5[] = {0x08, '_',  'S',  '5',  '_',	 0x12,
					   0x06, 0x04, 0x01, 0x01, 0x00, 0x00};
	static const uint8_t s5[] = {0x08, '_',	 'S',  '5',  '_',  0x12, 0x08,
				     0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
	const hpa_t list[] = {HI(0x2000), HI(0x3000)};
	uint8_t rsdp[RSDP_V2_LEN];
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, LAPIC_ENABLED);
	table_place(&t, HI(0x3000));
	fadt_init(&t, FADT_V3_LEN);
	put(&t, FADT_DSDT, 0x4000, 4); /* the X_DSDT wins over this one */
	put(&t, FADT_X_DSDT, HI(0x4000), 8);
	put(&t, FADT_PM1A_CNT, 0xb004, 4);
	put_gas(&t, FADT_X_PM1A_CNT, GAS_IO, 16, 0x604);
	put_gas(&t, FADT_X_PM1B_CNT, GAS_IO, 16, 0x644);
	put(&t, FADT_PM_TMR, 0x608, 4);
	/* a PM timer in memory space is not a port: the legacy one is used */
	put_gas(&t, FADT_X_PM_TMR, GAS_MEMORY, 32, 0xfed000f0);
	put(&t, FADT_FLAGS, FLAG_TMR_VAL_EXT | FLAG_RESET_REG_SUP, 4);
	put_gas(&t, FADT_RESET_REG, GAS_IO, 8, 0xcf9);
	put(&t, FADT_RESET_VALUE, 6, 1);
	table_place(&t, HI(0x2000));
	dsdt_place(0x4000, decoy_s5, sizeof(decoy_s5));
	dsdt_place(HI(0x4000), s5, sizeof(s5));
	root_table("XSDT", HI(0x1000), list, ARRAY_SIZE(list));
	/* the RSDT address points at zeros: using it would fail */
	assert_int_equal(parse(rsdp, rsdp_v2(rsdp, 0x7000, HI(0x1000))), 0);

	assert_string_equal(info.oem_id, "ALASKA");
	assert_true(info.xsdt);
	assert_int_equal(info.cpu_count, 1);
	assert_true(info.fadt);
	assert_int_equal(info.pm1a_cnt, 0x604);
	assert_int_equal(info.pm1b_cnt, 0x644);
	assert_int_equal(info.pm_tmr, 0x608);
	assert_true(info.pm_tmr_32bit);
	assert_true(info.reset_supported);
	assert_int_equal(info.reset_reg.space, GAS_IO);
	assert_int_equal(info.reset_reg.bit_width, 8);
	assert_int_equal(info.reset_reg.address, 0xcf9);
	assert_int_equal(info.reset_value, 6);
	assert_true(info.s5);
	assert_int_equal(info.slp_typa, 5);
	assert_int_equal(info.slp_typb, 5);
}

/* A revision-2 RSDP of which only the first 20 bytes were copied (the
 * multiboot2 "old RSDP" tag) is read as version 1: through the RSDT. */
static void test_rsdp_v2_short_copy_uses_rsdt(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];

	bochs_tables(rsdp);
	rsdp_v2(rsdp, BOCHS_RSDT, HI(0x9000));
	assert_int_equal(parse(rsdp, RSDP_V1_LEN), 0);
	assert_false(info.xsdt);
	assert_int_equal(info.cpu_count, 2);
}

/* A MADT at BOCHS_MADT, replacing the Bochs one. */
static void parse_with_madt(struct table *madt, int want)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	table_place(madt, BOCHS_MADT);
	assert_int_equal(parse(rsdp, len), want);
}

static void test_x2apic_entries_and_duplicates(void **state)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, LAPIC_ENABLED);
	madt_lapic(&t, 1, 1, LAPIC_ENABLED);
	madt_x2apic(&t, 1, LAPIC_ENABLED); /* the same CPU as APIC ID 1 */
	madt_x2apic(&t, 0x100, LAPIC_ENABLED);
	madt_x2apic(&t, 0x12345678, LAPIC_ENABLED);
	madt_x2apic(&t, 0x200, 0); /* disabled: ignored */
	madt_x2apic(&t, 0x300, LAPIC_ONLINE_CAPABLE);
	parse_with_madt(&t, 0);
	assert_int_equal(info.cpu_count, 5);
	assert_int_equal(info.apic_ids[0], 0);
	assert_int_equal(info.apic_ids[1], 1);
	assert_int_equal(info.apic_ids[2], 0x100);
	assert_int_equal(info.apic_ids[3], 0x12345678);
	assert_int_equal(info.apic_ids[4], 0x300);
	assert_int_equal(info.cpus_ignored, 0);
}

static void test_more_cpus_than_cpus_max(void **state)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	for (uint32_t id = 0; id < CPUS_MAX + 6; id++)
		madt_x2apic(&t, 1000 + id, LAPIC_ENABLED);
	parse_with_madt(&t, 0);
	assert_int_equal(info.cpu_count, CPUS_MAX);
	assert_int_equal(info.apic_ids[0], 1000);
	assert_int_equal(info.apic_ids[CPUS_MAX - 1], 1000 + CPUS_MAX - 1);
	assert_int_equal(info.cpus_ignored, 6);
}

static void test_more_ioapics_than_max(void **state)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, LAPIC_ENABLED);
	for (uint8_t id = 0; id < ACPI_IOAPICS_MAX + 1; id++)
		madt_ioapic(&t, id, 0xfec00000 + id * 0x1000u, id * 24u);
	parse_with_madt(&t, 0);
	assert_int_equal(info.ioapic_count, ACPI_IOAPICS_MAX);
	assert_int_equal(info.ioapics[ACPI_IOAPICS_MAX - 1].id,
			 ACPI_IOAPICS_MAX - 1);
	assert_int_equal(info.ioapics[ACPI_IOAPICS_MAX - 1].gsi_base,
			 (ACPI_IOAPICS_MAX - 1) * 24);
}

static void test_lapic_address_override(void **state)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, LAPIC_ENABLED);
	madt_lapic_override(&t, 0xfed00000);
	parse_with_madt(&t, 0);
	assert_int_equal(info.lapic_address, 0xfed00000);
}

/* ---- errors: -1 and a reason --------------------------------------------- */

static void test_err_no_rsdp_signature(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	assert_int_equal(parse(rsdp, RSDP_V1_LEN - 1), -1); /* too short */
	assert_contains(err, "signature");
	rsdp[7] = '_';
	rsdp[8] = (uint8_t)(rsdp[8] + ' ' - '_'); /* checksum still right */
	assert_int_equal(parse(rsdp, len), -1);
	assert_contains(err, "signature");
}

static void test_err_rsdp_checksum(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	rsdp[8]++;
	assert_int_equal(parse(rsdp, len), -1);
	assert_contains(err, "checksum");
}

static void test_err_rsdp_extended_checksum(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	root_table("XSDT", 0x6000, (hpa_t[]){BOCHS_MADT}, 1);
	len = rsdp_v2(rsdp, BOCHS_RSDT, 0x6000);
	assert_int_equal(parse(rsdp, len), 0); /* the good one parses */
	rsdp[32]++;
	assert_int_equal(parse(rsdp, len), -1);
	assert_contains(err, "extended checksum");
}

static void test_err_rsdt_outside_memory(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];

	bochs_tables(rsdp);
	assert_int_equal(parse(rsdp, rsdp_v0(rsdp, OUTSIDE)), -1);
	assert_contains(err, "RSDT");
	assert_contains(log_text, "outside memory");
}

static void test_err_rsdt_wrong_signature(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];

	bochs_tables(rsdp);
	/* point the RSDP at the MADT: a good table, but not an RSDT */
	assert_int_equal(parse(rsdp, rsdp_v0(rsdp, BOCHS_MADT)), -1);
	assert_contains(err, "RSDT");
	assert_contains(log_text, "\"APIC\", expected RSDT");
}

static void test_err_rsdt_bad_checksum(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	poke(BOCHS_RSDT + 9, window(BOCHS_RSDT + 9, 1)[0] + 1, 1);
	assert_int_equal(parse(rsdp, len), -1);
	assert_contains(err, "RSDT");
	assert_contains(log_text, "bad checksum");
}

static void test_err_no_madt(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	root_table("RSDT", BOCHS_RSDT, (hpa_t[]){BOCHS_FADT, BOCHS_HPET}, 2);
	assert_int_equal(parse(rsdp, len), -1);
	assert_contains(err, "no MADT");
}

static void test_err_madt_entry_length_0_or_1(void **state)
{
	for (uint8_t elen = 0; elen < 2; elen++) {
		struct table t;

		madt_init(&t, 0xfee00000);
		madt_lapic(&t, 0, 0, LAPIC_ENABLED);
		append(&t, 0x7f, 1); /* an unknown type... */
		append(&t, elen, 1); /* ...that would never advance */
		append(&t, 0, 2);
		madt_lapic(&t, 1, 1, LAPIC_ENABLED);
		parse_with_madt(&t, -1);
		assert_contains(err, "MADT entry at offset 52");
		assert_contains(err, elen ? "bad length 1" : "bad length 0");
	}
}

static void test_err_madt_entry_past_end(void **state)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, LAPIC_ENABLED);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	t.b[t.len - 12 + 1] = 13; /* the IOAPIC entry runs one byte past */
	parse_with_madt(&t, -1);
	assert_contains(err, "MADT entry at offset 52 (type 1)");
}

static void test_err_madt_entry_too_short_for_its_type(void **state)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, LAPIC_ENABLED);
	append(&t, 9, 1); /* an x2APIC entry of 8 bytes, not 16 */
	append(&t, 8, 1);
	append(&t, 0, 2);
	append(&t, 5, 4);
	parse_with_madt(&t, -1);
	assert_contains(err, "(type 9) has bad length 8");
}

static void test_err_madt_no_enabled_cpu(void **state)
{
	struct table t;

	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, 0);
	madt_x2apic(&t, 0x100, 0);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	parse_with_madt(&t, -1);
	assert_contains(err, "no enabled CPU");
}

/* ---- tolerated problems: 0 and a warning --------------------------------- */

static void test_fadt_bad_checksum_is_ignored(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	poke(BOCHS_FADT + FADT_PM1A_CNT, 0xb005, 4);
	assert_int_equal(parse(rsdp, len), 0);
	assert_false(info.fadt);
	assert_false(info.s5);
	assert_int_equal(info.pm1a_cnt, 0);
	assert_int_equal(info.cpu_count, 2);
	assert_contains(log_text, "warning: acpi: FACP table at");
	assert_contains(log_text, "bad checksum, ignored");
}

/* A DMAR table (VT-d) is found through the root table: its address and
 * length, for kernel/iommu.c; Bochs's tables have none. */
static void test_dmar_located(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);
	struct table dmar;

	assert_int_equal(parse(rsdp, len), 0);
	assert_int_equal(info.dmar, 0);
	assert_int_equal(info.dmar_len, 0);
	table_init(&dmar, "DMAR", 1);
	append(&dmar, 38, 1); /* host address width - 1 */
	append(&dmar, 0, 1);
	put(&dmar, 47, 0, 1); /* reserved up to 48 */
	table_place(&dmar, 0x6000);
	root_table("RSDT", BOCHS_RSDT,
		   (hpa_t[]){BOCHS_FADT, BOCHS_MADT, 0x6000}, 3);
	assert_int_equal(parse(rsdp, len), 0);
	assert_int_equal(info.dmar, 0x6000);
	assert_int_equal(info.dmar_len, 48);
	/* with a bad checksum it is ignored, with a warning */
	poke(0x6000 + 36, 47, 1);
	assert_int_equal(parse(rsdp, len), 0);
	assert_int_equal(info.dmar, 0);
	assert_contains(log_text, "DMAR table at 0x6000: bad checksum");
}

static void test_table_outside_memory_is_skipped(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	root_table("RSDT", BOCHS_RSDT,
		   (hpa_t[]){OUTSIDE, BOCHS_FADT, BOCHS_MADT}, 3);
	assert_int_equal(parse(rsdp, len), 0);
	assert_true(info.fadt);
	assert_int_equal(info.cpu_count, 2);
	assert_contains(log_text, "table at 0x80000000 is outside memory");
}

static void test_truncated_table_is_skipped(void **state)
{
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);
	struct table t;

	/* a second MADT whose length runs past the end of memory */
	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 7, LAPIC_ENABLED);
	table_place(&t, LOW_SIZE - 2 * 1024);
	poke(LOW_SIZE - 2 * 1024 + 4, 4096, 4);
	root_table("RSDT", BOCHS_RSDT,
		   (hpa_t[]){BOCHS_MADT, LOW_SIZE - 2 * 1024}, 2);
	assert_int_equal(parse(rsdp, len), 0);
	assert_int_equal(info.cpu_count, 2);
	assert_int_equal(info.apic_ids[1], 1);
	assert_contains(log_text, "APIC table at 0xf800: truncated, ignored");
}

static void test_dsdt_without_s5(void **state)
{
	static const uint8_t no_s5[] = {0x08, '_',  'S',  '4',	'_',
					0x12, 0x04, 0x01, 0x0a, 0x04};
	uint8_t rsdp[RSDP_V2_LEN];
	size_t len = bochs_tables(rsdp);

	dsdt_place(BOCHS_DSDT, no_s5, sizeof(no_s5));
	assert_int_equal(parse(rsdp, len), 0);
	assert_true(info.fadt);
	assert_false(info.s5);
}

/* ---- acpi_find_s5 on its own --------------------------------------------- */

static uint8_t typa, typb;

/* The AML at the very end of an exact-size allocation: ASan catches any
 * read past it (or before it). */
static int find_s5(const uint8_t *aml, size_t len)
{
	uint8_t *copy = malloc(len);
	int r;

	assert_non_null(copy);
	memcpy(copy, aml, len);
	typa = typb = 0xee;
	r = acpi_find_s5(copy, len, &typa, &typb);
	free(copy);
	return r;
}

#define FIND_S5(...)                                         \
	({                                                   \
		static const uint8_t aml_[] = {__VA_ARGS__}; \
		find_s5(aml_, sizeof(aml_));                 \
	})

static void test_s5_plain_name(void **state)
{
	assert_int_equal(find_s5(bochs_s5, sizeof(bochs_s5)), 0);
	assert_int_equal(typa, 0);
	assert_int_equal(typb, 0);
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				 0x01, 0x00, 0x00, 0x00),
			 0);
	assert_int_equal(typa, 1);
	assert_int_equal(typb, 0);
}

static void test_s5_root_prefix(void **state)
{
	assert_int_equal(FIND_S5(0x10, 0x05, '_', 'S', 'B', '_', 0x08, 0x5c,
				 '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00,
				 0x01, 0x00, 0x00),
			 0);
	assert_int_equal(typa, 0);
	assert_int_equal(typb, 1);
}

static void test_s5_byte_prefix(void **state)
{
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00),
			 0);
	assert_int_equal(typa, 5);
	assert_int_equal(typb, 5);
}

static void test_s5_one_element_gives_b_equal_a(void **state)
{
	assert_int_equal(
		FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x07),
		0);
	assert_int_equal(typa, 7);
	assert_int_equal(typb, 7);
}

static void test_s5_word_dword_qword_prefixes(void **state)
{
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x0a, 0x02,
				 0x0b, 0x03, 0x00, 0x0c, 0x04, 0x00, 0x00,
				 0x00),
			 0);
	assert_int_equal(typa, 3);
	assert_int_equal(typb, 4);
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x0c, 0x02,
				 0x0e, 0x02, 0, 0, 0, 0, 0, 0, 0x80, 0x01),
			 0);
	assert_int_equal(typa, 2);
	assert_int_equal(typb, 1);
}

static void test_s5_values_masked_to_3_bits(void **state)
{
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02,
				 0x0a, 0x0d, 0xff),
			 0);
	assert_int_equal(typa, 5); /* 0x0d */
	assert_int_equal(typb, 7); /* Ones */
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
				 0x0b, 0x0e, 0x01, 0x01),
			 0);
	assert_int_equal(typa, 6); /* 0x10e */
	assert_int_equal(typb, 1);
}

/* "_S5_" first in a string and as a method name (whose PkgLength byte
 * happens to be 0x08, the NameOp value); then the real Name. */
static void test_s5_not_in_a_name_first(void **state)
{
	assert_int_equal(FIND_S5(0x0d, 'x', '_', 'S', '5', '_', 0x00, /* str */
				 0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xa4,
				 0x00, /* Method(_S5_) {Return(Zero)} */
				 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04,
				 0x0a, 0x03, 0x01, 0x00, 0x00),
			 0);
	assert_int_equal(typa, 3);
	assert_int_equal(typb, 1);
}

static void test_s5_not_a_package(void **state)
{
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x0a, 0x05), -1);
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00),
			 -1); /* Package(0) */
	assert_int_equal(FIND_S5(0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02,
				 0x0d, 'a', 0x00),
			 -1); /* a string element */
}

/* No byte before the start is read when "_S5_" begins the buffer. */
static void test_s5_at_start_of_buffer(void **state)
{
	assert_int_equal(
		FIND_S5('_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05), -1);
	assert_int_equal(
		FIND_S5(0x5c, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05),
		-1);
	assert_int_equal(find_s5((const uint8_t *)"", 0), -1);
}

/* Every prefix of a good Name(_S5) is rejected, without reading past it */
static void test_s5_cut_off_package(void **state)
{
	static const uint8_t full[] = {0x08, '_',  'S',	 '5',  '_',
				       0x12, 0x08, 0x04, 0x0a, 0x05,
				       0x0a, 0x05, 0x00, 0x00};

	for (size_t len = 0; len < sizeof(full); len++)
		if (find_s5(full, len) != -1)
			fail_msg("cut at %zu bytes: found \\_S5 %u/%u", len,
				 typa, typb);
	assert_int_equal(find_s5(full, sizeof(full)), 0);
	assert_int_equal(typa, 5);
}

/* Package length 70 in two bytes: 0x40 | (70 & 0xf), then 70 >> 4. */
static void test_s5_two_byte_pkglength(void **state)
{
	uint8_t aml[5 + 1 + 70];
	size_t n = 6;

	memcpy(aml, (const uint8_t[]){0x08, '_', 'S', '5', '_', 0x12}, n);
	aml[n++] = 0x40 | (70 & 0xf);
	aml[n++] = 70 >> 4;
	aml[n++] = 0x04; /* NumElements */
	aml[n++] = 0x0a;
	aml[n++] = 0x03;
	aml[n++] = 0x0a;
	aml[n++] = 0x04;
	aml[n++] = 0x0d; /* a 60-character string */
	memset(aml + n, 'x', 60);
	n += 60;
	aml[n++] = 0x00;
	aml[n++] = 0x00; /* Zero */
	assert_int_equal(n, sizeof(aml));
	assert_int_equal(find_s5(aml, sizeof(aml)), 0);
	assert_int_equal(typa, 3);
	assert_int_equal(typb, 4);
	assert_int_equal(find_s5(aml, sizeof(aml) - 1), -1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bochs_tables),
		T(test_fadt_v1_has_no_reset_register),
		T(test_rsdp_v2_xsdt_and_fadt_x_fields),
		T(test_rsdp_v2_short_copy_uses_rsdt),
		T(test_x2apic_entries_and_duplicates),
		T(test_more_cpus_than_cpus_max),
		T(test_more_ioapics_than_max),
		T(test_lapic_address_override),
		T(test_err_no_rsdp_signature),
		T(test_err_rsdp_checksum),
		T(test_err_rsdp_extended_checksum),
		T(test_err_rsdt_outside_memory),
		T(test_err_rsdt_wrong_signature),
		T(test_err_rsdt_bad_checksum),
		T(test_err_no_madt),
		T(test_err_madt_entry_length_0_or_1),
		T(test_err_madt_entry_past_end),
		T(test_err_madt_entry_too_short_for_its_type),
		T(test_err_madt_no_enabled_cpu),
		T(test_fadt_bad_checksum_is_ignored),
		T(test_dmar_located),
		T(test_table_outside_memory_is_skipped),
		T(test_truncated_table_is_skipped),
		T(test_dsdt_without_s5),
		T(test_s5_plain_name),
		T(test_s5_root_prefix),
		T(test_s5_byte_prefix),
		T(test_s5_one_element_gives_b_equal_a),
		T(test_s5_word_dword_qword_prefixes),
		T(test_s5_values_masked_to_3_bits),
		T(test_s5_not_in_a_name_first),
		T(test_s5_not_a_package),
		T(test_s5_at_start_of_buffer),
		T(test_s5_cut_off_package),
		T(test_s5_two_byte_pkglength),
	};
#undef T
	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
