/*
 * tests/guests/acpi-probe.c - reads the PC platform a VM gets, the way
 * an OS does: finds the RSDP by scanning 0xe0000-0xfffff, checks the
 * checksum of every table it reaches, counts the CPUs in the MADT, reads
 * the RTC (with the update-in-progress protocol) and the PM timer twice,
 * then powers itself off by writing SLP_TYP | SLP_EN (from the DSDT's
 * \_S5) to the FADT's PM1a control port. Prints FAILED on anything
 * wrong. Multiboot2 guest (docs/guests.md); wants ACPI 2.0 tables.
 * ACPI Specification, "Finding the RSDP on IA-PC Systems", "PM1 Control
 * Registers"; MC146818A data sheet, "Update Cycle".
 */
#include "tests/guests/lib/guest.h"
#include "lib/string.h"

const char guest_name[] = "acpi-probe";

#define BIOS_AREA     0xe0000u
#define BIOS_AREA_END 0x100000u
#define SLP_TYP_SHIFT 10
#define SLP_EN	      0x2000
#define PM_TMR_MASK   0xffffff
#define RTC_INDEX     0x70
#define RTC_DATA      0x71

static unsigned tables_checked;

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool sum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < len; i++)
		s += p[i];
	return s == 0;
}

static const uint8_t *find_rsdp(void)
{
	for (uint32_t a = BIOS_AREA; a < BIOS_AREA_END; a += 16) {
		const uint8_t *p = (const uint8_t *)a;

		if (memcmp(p, "RSD PTR ", 8) == 0 && sum_ok(p, 20))
			return p;
	}
	return NULL;
}

/* A table with its checksum checked, or NULL (and FAILED said). */
static const uint8_t *table(uint32_t addr, const char *sig)
{
	const uint8_t *t = (const uint8_t *)addr;

	if (memcmp(t, sig, 4) != 0 || !sum_ok(t, le32(t + 4))) {
		gprintf("acpi-probe: FAILED: no good %s at 0x%08x\n", sig,
			addr);
		return NULL;
	}
	tables_checked++;
	return t;
}

/* The root table's entry with this signature (XSDT: 8-byte entries). */
static const uint8_t *find_table(const uint8_t *xsdt, const char *sig)
{
	uint32_t n = (le32(xsdt + 4) - 36) / 8;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *t = (const uint8_t *)le32(xsdt + 36 + 8 * i);

		if (memcmp(t, sig, 4) == 0)
			return table(le32(xsdt + 36 + 8 * i), sig);
	}
	gprintf("acpi-probe: FAILED: no %s in the XSDT\n", sig);
	return NULL;
}

static unsigned madt_cpus(const uint8_t *madt, uint32_t *ioapic)
{
	unsigned cpus = 0;

	for (uint32_t off = 44; off + 2 <= le32(madt + 4);
	     off += madt[off + 1]) {
		const uint8_t *e = madt + off;

		if (e[1] < 2)
			break;
		if (e[0] == 0 && (le32(e + 4) & 1))
			cpus++;
		if (e[0] == 1)
			*ioapic = le32(e + 4);
	}
	return cpus;
}

/* \_S5's SLP_TYPa: "_S5_", PackageOp, PkgLength, count, first element. */
static int dsdt_s5(const uint8_t *dsdt)
{
	uint32_t len = le32(dsdt + 4);

	for (uint32_t i = 36; i + 8 < len; i++) {
		const uint8_t *p = dsdt + i;

		if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
			continue;
		if (p[7] == 0x0a)
			return p[8]; /* BytePrefix */
		if (p[7] <= 1)
			return p[7]; /* ZeroOp, OneOp */
	}
	return -1;
}

static uint8_t cmos(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 0xf);
}

static void print_rtc(uint8_t century_reg)
{
	bool bin;

	while (cmos(0x0a) & 0x80)
		; /* update in progress */
	bin = cmos(0x0b) & 0x04;
	gprintf("acpi-probe: RTC %02u%02u-%02u-%02u %02u:%02u:%02u\n",
		century_reg ? from_bcd(cmos(century_reg), bin) : 20,
		from_bcd(cmos(0x09), bin), from_bcd(cmos(0x08), bin),
		from_bcd(cmos(0x07), bin), from_bcd(cmos(0x04), bin),
		from_bcd(cmos(0x02), bin), from_bcd(cmos(0x00), bin));
}

static bool check_pm_timer(uint16_t port)
{
	uint32_t a = inl(port) & PM_TMR_MASK, b;

	for (volatile int i = 0; i < 200000; i++)
		;
	b = inl(port) & PM_TMR_MASK;
	gprintf("acpi-probe: PM timer at port 0x%x: %u then %u\n", port, a, b);
	return b != a;
}

int main(uint32_t magic, uint32_t info)
{
	const uint8_t *rsdp, *xsdt, *fadt, *madt, *dsdt;
	uint32_t ioapic = 0;
	uint16_t pm1a_cnt;
	unsigned cpus;
	int s5;

	gprintf("acpi-probe: starting\n");
	rsdp = find_rsdp();
	if (!rsdp) {
		gprintf("acpi-probe: FAILED: no RSDP in 0xe0000-0xfffff\n");
		return 1;
	}
	if (rsdp[15] < 2 || !sum_ok(rsdp, 36)) {
		gprintf("acpi-probe: FAILED: RSDP not ACPI 2.0 or bad "
			"checksum\n");
		return 1;
	}
	gprintf("acpi-probe: RSDP at 0x%08x, OEM \"%.6s\", revision %u\n",
		(uint32_t)rsdp, (const char *)rsdp + 9, rsdp[15]);
	if (!(xsdt = table(le32(rsdp + 24), "XSDT")) ||
	    !(fadt = find_table(xsdt, "FACP")) ||
	    !(madt = find_table(xsdt, "APIC")) ||
	    !(dsdt = table(le32(fadt + 140), "DSDT")) ||
	    !table(le32(rsdp + 16), "RSDT"))
		return 1;
	if (memcmp((const void *)le32(fadt + 36), "FACS", 4) != 0) {
		gprintf("acpi-probe: FAILED: no FACS\n");
		return 1;
	}
	cpus = madt_cpus(madt, &ioapic);
	gprintf("acpi-probe: %u tables, all checksums good\n", tables_checked);
	gprintf("acpi-probe: MADT: %u CPU(s), IOAPIC at 0x%08x\n", cpus,
		ioapic);
	pm1a_cnt = (uint16_t)le32(fadt + 64);
	s5 = dsdt_s5(dsdt);
	gprintf("acpi-probe: FADT: SCI IRQ %u, PM1a_CNT 0x%x, PM timer 0x%x, "
		"reset 0x%x <- 0x%02x; DSDT \\_S5 SLP_TYP %d\n",
		fadt[46], pm1a_cnt, le32(fadt + 76), le32(fadt + 120),
		fadt[128], s5);
	print_rtc(fadt[108]);
	if (!check_pm_timer((uint16_t)le32(fadt + 76))) {
		gprintf("acpi-probe: FAILED: the PM timer stands still\n");
		return 1;
	}
	if (s5 < 0) {
		gprintf("acpi-probe: FAILED: no \\_S5 in the DSDT\n");
		return 1;
	}
	gprintf("acpi-probe: powering off through PM1a_CNT\n");
	serial_flush();
	outw(pm1a_cnt, (uint16_t)(s5 << SLP_TYP_SHIFT | SLP_EN));
	gprintf("acpi-probe: FAILED: still running after S5\n");
	return 1;
}
