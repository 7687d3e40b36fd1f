/*
 * tests/unit/test_acpi_tables.c - drivers/virt/acpi_tables.c on the host:
 * the tables a VM gets are read back the way a guest and the hypervisor
 * read firmware tables: the RSDP found by scanning the area on 16-byte
 * boundaries, then kernel/acpi.c (through its acpi_map_fn seam onto the
 * buffer) and kernel/acpi_s5.c. Every checksum is verified; when iasl
 * (Debian's acpica-tools, installed by scripts/install-deps) is present,
 * it must disassemble every table without complaint.
 * ACPI Specification, "Root System Description Pointer (RSDP)
 * Structure", "Fixed ACPI Description Table (FADT)", "Multiple APIC
 * Description Table (MADT)", "Finding the RSDP on IA-PC Systems".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/support.h"
#include "drivers/virt/acpi_tables.h"
#include "drivers/virt/virtio_mmio.h"
#include "drivers/virt/pc_platform.h"
#include "kernel/acpi.h"
#include "lib/bytes.h"

#define AREA	  PC_ACPI_AREA
#define AREA_SIZE PC_ACPI_AREA_SIZE

/* The guest's view of the area: a buffer, read through acpi_map_fn. */
static uint8_t *area;

static const void *area_map(hpa_t pa, size_t len)
{
	if (pa < AREA || pa - AREA > AREA_SIZE || len > AREA_SIZE - (pa - AREA))
		return NULL;
	return area + (pa - AREA);
}

static int setup(void **state)
{
	area = calloc(1, AREA_SIZE);
	return area ? 0 : -1;
}

static int teardown(void **state)
{
	free(area);
	return 0;
}

static size_t build_with(unsigned vcpus, unsigned virtio)
{
	struct acpi_platform p;
	char err[128] = "";
	size_t used = 0;

	acpi_platform_pc(&p, vcpus, virtio);
	memset(area, 0xa5, AREA_SIZE); /* the builder must clear it */
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, &p, &used,
					   err, sizeof(err)),
			 0);
	assert_string_equal(err, "");
	assert_true(used > 0 && used <= AREA_SIZE);
	return used;
}

static size_t build(unsigned vcpus)
{
	return build_with(vcpus, 0);
}

/* "Finding the RSDP on IA-PC Systems": 16-byte boundaries, signature and
 * the checksum of the first 20 bytes. */
static const uint8_t *scan_rsdp(void)
{
	for (size_t off = 0; off + 36 <= AREA_SIZE; off += 16) {
		const uint8_t *p = area + off;
		uint8_t sum = 0;

		if (memcmp(p, "RSD PTR ", 8) != 0)
			continue;
		for (int i = 0; i < 20; i++)
			sum += p[i];
		if (sum == 0)
			return p;
	}
	return NULL;
}

static uint8_t sum_of(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* A table the guest can reach: inside the area, with a sane length. */
static const uint8_t *table_at(uint64_t gpa, const char *sig)
{
	const uint8_t *t = area_map(gpa, 36);
	uint32_t len;

	assert_non_null(t);
	assert_memory_equal(t, sig, 4);
	len = get_le32(t + 4);
	assert_true(len >= 36);
	assert_non_null(area_map(gpa, len));
	assert_memory_equal(t + 10, "HVHV  ", 6);
	return t;
}

static struct acpi_info parse(const uint8_t *rsdp, size_t len)
{
	struct acpi_info info;
	char err[128] = "";

	if (acpi_parse(rsdp, len, area_map, &info, err, sizeof(err)))
		fail_msg("acpi_parse: %s", err);
	return info;
}

static void check_parsed(const struct acpi_info *info, unsigned vcpus)
{
	assert_string_equal(info->oem_id, "HVHV  ");
	assert_int_equal(info->cpu_count, vcpus);
	for (unsigned i = 0; i < vcpus; i++)
		assert_int_equal(info->apic_ids[i], i);
	assert_int_equal(info->lapic_address, PC_LAPIC_ADDRESS);
	assert_int_equal(info->ioapic_count, 1);
	assert_int_equal(info->ioapics[0].id, PC_IOAPIC_ID);
	assert_int_equal(info->ioapics[0].address, PC_IOAPIC_ADDRESS);
	assert_int_equal(info->ioapics[0].gsi_base, 0);
	assert_true(info->fadt);
	assert_int_equal(info->pm1a_cnt, PC_PM1A_CNT);
	assert_int_equal(info->pm1b_cnt, 0);
	assert_int_equal(info->pm_tmr, PC_PM_TMR);
	assert_false(info->pm_tmr_32bit);
	assert_int_equal(info->smi_cmd, 0); /* no SMM: always in ACPI mode */
	assert_true(info->reset_supported);
	assert_int_equal(info->reset_reg.space, 1); /* system I/O */
	assert_int_equal(info->reset_reg.bit_width, 8);
	assert_int_equal(info->reset_reg.address, PC_RESET_PORT);
	assert_int_equal(info->reset_value, PC_RESET_VALUE);
	assert_true(info->s5);
	assert_int_equal(info->slp_typa, PC_SLP_TYP_S5);
	assert_int_equal(info->slp_typb, PC_SLP_TYP_S5);
}

/* The hypervisor's parser finds everything, through the XSDT. */
static void parses_back(unsigned vcpus)
{
	struct acpi_info info;
	const uint8_t *rsdp;

	build(vcpus);
	rsdp = scan_rsdp();
	assert_ptr_equal(rsdp, area); /* at the start of the area */
	info = parse(rsdp, 36);
	assert_true(info.xsdt);
	check_parsed(&info, vcpus);
}

static void test_parse_1_vcpu(void **state)
{
	parses_back(1);
}

static void test_parse_2_vcpus(void **state)
{
	parses_back(2);
}

static void test_parse_4_vcpus(void **state)
{
	parses_back(4);
}

/* An ACPI 1.0 reader (the 20-byte RSDP) gets the same through the RSDT. */
static void test_parse_through_rsdt(void **state)
{
	struct acpi_info info;

	build(3);
	info = parse(scan_rsdp(), 20);
	assert_false(info.xsdt);
	check_parsed(&info, 3);
}

/* Every checksum, every table reachable from the RSDP. */
static void test_checksums(void **state)
{
	const uint8_t *rsdp, *xsdt, *rsdt, *fadt, *facs;
	uint64_t facs_gpa;

	build(4);
	rsdp = scan_rsdp();
	assert_int_equal(rsdp[15], 2); /* revision: ACPI 2.0+ */
	assert_int_equal(get_le32(rsdp + 20), 36);
	assert_int_equal(sum_of(rsdp, 20), 0);
	assert_int_equal(sum_of(rsdp, 36), 0);
	xsdt = table_at(get_le64(rsdp + 24), "XSDT");
	rsdt = table_at(get_le32(rsdp + 16), "RSDT");
	assert_int_equal(sum_of(xsdt, get_le32(xsdt + 4)), 0);
	assert_int_equal(sum_of(rsdt, get_le32(rsdt + 4)), 0);
	assert_int_equal(get_le32(xsdt + 4), 36 + 2 * 8);
	for (unsigned i = 0; i < 2; i++) {
		uint64_t gpa = get_le64(xsdt + 36 + 8 * i);
		const uint8_t *t = area_map(gpa, 36);

		assert_non_null(t);
		assert_int_equal(get_le32(rsdt + 36 + 4 * i), gpa);
		assert_int_equal(sum_of(t, get_le32(t + 4)), 0);
	}
	fadt = table_at(get_le64(xsdt + 36), "FACP");
	assert_int_equal(fadt[8], 6); /* FADT revision */
	assert_int_equal(get_le32(fadt + 4), 276);
	/* X_DSDT and DSDT, X_FIRMWARE_CTRL and FIRMWARE_CTRL agree */
	assert_int_equal(get_le64(fadt + 140), get_le32(fadt + 40));
	assert_int_equal(get_le64(fadt + 132), get_le32(fadt + 36));
	const uint8_t *dsdt = table_at(get_le64(fadt + 140), "DSDT");
	assert_int_equal(sum_of(dsdt, get_le32(dsdt + 4)), 0);
	facs_gpa = get_le64(fadt + 132);
	assert_int_equal(facs_gpa % 64, 0); /* "FACS": 64-byte aligned */
	facs = area_map(facs_gpa, 64);
	assert_non_null(facs);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(get_le32(facs + 4), 64);
}

/* The FADT fields the parser does not read, as a guest's OS reads them. */
static void test_fadt_fields(void **state)
{
	const uint8_t *fadt;
	uint32_t flags;

	build(1);
	fadt = table_at(
		get_le64(table_at(get_le64(scan_rsdp() + 24), "XSDT") + 36),
		"FACP");
	assert_int_equal(get_le16(fadt + 46), PC_IRQ_SCI);
	assert_int_equal(get_le32(fadt + 48), 0); /* SMI_CMD */
	assert_int_equal(fadt[52] | fadt[53], 0); /* ACPI_ENABLE/DISABLE */
	assert_int_equal(get_le32(fadt + 56), PC_PM1A_EVT);
	assert_int_equal(get_le32(fadt + 64), PC_PM1A_CNT);
	assert_int_equal(get_le32(fadt + 76), PC_PM_TMR);
	assert_int_equal(fadt[88], 4); /* PM1_EVT_LEN */
	assert_int_equal(fadt[89], 2); /* PM1_CNT_LEN */
	assert_int_equal(fadt[91], 4); /* PM_TMR_LEN */
	assert_int_equal(fadt[108], PC_RTC_CENTURY);
	assert_int_equal(get_le16(fadt + 109) & 0x3, 0x3); /* legacy, 8042 */
	flags = get_le32(fadt + 112);
	assert_true(flags & BIT(10));  /* RESET_REG_SUP */
	assert_false(flags & BIT(8));  /* TMR_VAL_EXT: 24-bit timer */
	assert_false(flags & BIT(20)); /* not HW_REDUCED_ACPI */
	assert_int_equal(fadt[128], PC_RESET_VALUE);
	/* the X_ blocks: system I/O, widths of the legacy lengths */
	const struct {
		unsigned off, port, bits;
	} gas[] = {{148, PC_PM1A_EVT, 32},
		   {172, PC_PM1A_CNT, 16},
		   {208, PC_PM_TMR, 32},
		   {116, PC_RESET_PORT, 8}};
	for (unsigned i = 0; i < ARRAY_SIZE(gas); i++) {
		assert_int_equal(fadt[gas[i].off], 1);
		assert_int_equal(fadt[gas[i].off + 1], gas[i].bits);
		assert_int_equal(get_le64(fadt + gas[i].off + 4), gas[i].port);
	}
}

/* The MADT's entries beyond the CPUs: overrides and PCAT_COMPAT. */
static void test_madt_overrides(void **state)
{
	const uint8_t *xsdt, *madt;
	unsigned isos = 0, lapics = 0;

	build(2);
	xsdt = area_map(get_le64(scan_rsdp() + 24), 36);
	madt = table_at(get_le64(xsdt + 36 + 8), "APIC");
	assert_int_equal(get_le32(madt + 40) & 1, 1); /* PCAT_COMPAT */
	for (uint32_t off = 44; off < get_le32(madt + 4);
	     off += madt[off + 1]) {
		const uint8_t *e = madt + off;

		assert_true(e[1] >= 2);
		if (e[0] == 0) {
			assert_int_equal(e[2], lapics); /* UID = APIC ID */
			assert_int_equal(e[3], lapics);
			assert_int_equal(get_le32(e + 4), 1);
			lapics++;
		}
		if (e[0] != 2)
			continue;
		assert_int_equal(e[2], 0); /* ISA */
		if (e[3] == 0) {
			assert_int_equal(get_le32(e + 4), 2);
			assert_int_equal(get_le16(e + 8), 0);
		} else {
			assert_int_equal(e[3], PC_IRQ_SCI);
			assert_int_equal(get_le32(e + 4), PC_IRQ_SCI);
			assert_int_equal(get_le16(e + 8),
					 0xd); /* level, high */
		}
		isos++;
	}
	assert_int_equal(lapics, 2);
	assert_int_equal(isos, 2);
}

static void test_too_small_and_bad_arguments(void **state)
{
	struct acpi_platform p;
	char err[128] = "";
	size_t used, need;

	need = build(4);
	acpi_platform_pc(&p, 4, 0);
	memset(area, 0x5a, AREA_SIZE);
	assert_int_equal(acpi_tables_build(area, need - 1, AREA, &p, &used, err,
					   sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "the area has"));
	assert_int_equal(area[0], 0x5a); /* nothing written */
	assert_int_equal(acpi_tables_build(area, need, AREA, &p, &used, err,
					   sizeof(err)),
			 0);
	assert_int_equal(used, need);
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA + 8, &p, &used,
					   err, sizeof(err)),
			 -1);
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, 0xfffff000ULL, &p,
					   &used, err, sizeof(err)),
			 -1);
	acpi_platform_pc(&p, 0, 0);
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, &p, &used,
					   err, sizeof(err)),
			 -1);
	acpi_platform_pc(&p, ACPI_TABLES_VCPUS_MAX + 1, 0);
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, &p, &used,
					   err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "vCPUs"));
	acpi_platform_pc(&p, 1, ACPI_TABLES_MMIO_MAX + 1);
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, &p, &used,
					   err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "virtio-mmio"));
	/* the most vCPUs and devices still fit the area and parse */
	acpi_platform_pc(&p, ACPI_TABLES_VCPUS_MAX, ACPI_TABLES_MMIO_MAX);
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, &p, &used,
					   err, sizeof(err)),
			 0);
	struct acpi_info info = parse(scan_rsdp(), 36);
	assert_int_equal(info.cpu_count + info.cpus_ignored,
			 ACPI_TABLES_VCPUS_MAX);
	assert_true(info.s5); /* found in the larger DSDT too */
	assert_int_equal(info.slp_typa, PC_SLP_TYP_S5);
}

/* ---- iasl: the reference disassembler must accept every table -------- */

static void write_file(const char *path, const uint8_t *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fclose(f);
}

/* Disassemble one table; fails on a non-zero status or any complaint. */
static void iasl_check(const char *dir, const char *name, const uint8_t *t,
		       const char *want)
{
	char path[256], cmd[640];
	static char out[65536];
	size_t n;
	FILE *f;
	int status;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	write_file(path, t, get_le32(t + 4));
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat 2>&1", dir, name);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	status = pclose(f);
	if (status != 0 || strstr(out, "Error") || strstr(out, "Warning") ||
	    strstr(out, "Invalid") || strstr(out, "ncorrect"))
		fail_msg("iasl -d %s (status %d):\n%s", name, status, out);
	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	if (!strstr(out, want))
		fail_msg("%s.dsl lacks \"%s\":\n%s", name, want, out);
}

static void test_iasl_disassembles(void **state)
{
	char dir[] = "/tmp/test_acpi_tables.XXXXXX";
	const uint8_t *rsdp, *xsdt, *fadt;
	char cmd[300];

	if (system("command -v iasl >/dev/null 2>&1") != 0)
		fail_msg("iasl is missing: run scripts/install-deps "
			 "(package acpica-tools)");
	build_with(2, 2);
	rsdp = scan_rsdp();
	xsdt = area_map(get_le64(rsdp + 24), 36);
	fadt = area_map(get_le64(xsdt + 36), 36);
	assert_non_null(mkdtemp(dir));
	iasl_check(dir, "dsdt", area_map(get_le64(fadt + 140), 36),
		   "Name (\\_S5, Package (0x04)");
	iasl_check(dir, "dsdt", area_map(get_le64(fadt + 140), 36),
		   "0xD0001000,         // Address Base");
	iasl_check(dir, "facp", fadt, "PM1A Control Block Address : 00000604");
	iasl_check(dir, "apic", area_map(get_le64(xsdt + 44), 36),
		   "Interrupt Source Override");
	iasl_check(dir, "xsdt", xsdt, "XSDT");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Where `needle` first occurs in [p, p+len), or NULL. */
static const uint8_t *find_bytes(const uint8_t *p, size_t len,
				 const void *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return p + i;
	return NULL;
}

/* The DSDT built for `p`, and its length. */
static const uint8_t *dsdt_of(const struct acpi_platform *p, size_t *len)
{
	char err[128] = "";
	size_t used = 0;
	const uint8_t *xsdt, *fadt, *dsdt;

	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, p, &used, err,
					   sizeof(err)),
			 0);
	xsdt = table_at(get_le64(area + 24), "XSDT");
	fadt = table_at(get_le64(xsdt + 36), "FACP");
	dsdt = table_at(get_le64(fadt + 140), "DSDT");
	*len = get_le32(dsdt + 4);
	return dsdt;
}

/* Device (PEVT), as QEMU's DSDT declares its pvpanic device, so Linux's
 * pvpanic-mmio driver binds: _HID "QEMU0001", _CRS with IO (Decode16,
 * 0x505, 0x505, 1, 1), _STA 0x0F; and nothing of it when the platform
 * has no pvpanic port. */
/* The windows a VM uses, not only the first ones: a NIC (window 1) and
 * two more disks (windows 2 and 4), each with its own GSI. */
static void test_virtio_windows(void **state)
{
	struct acpi_platform p;

	acpi_platform_pc(&p, 1, 0);
	acpi_platform_virtio_windows(&p, BIT(1) | BIT(2) | BIT(4));
	assert_int_equal(p.virtio_count, 3);
	assert_int_equal(p.virtio[0].base, VIRTIO_MMIO_BASE + 0x1000);
	assert_int_equal(p.virtio[0].gsi, 6);
	assert_int_equal(p.virtio[1].base, VIRTIO_MMIO_BASE + 0x2000);
	assert_int_equal(p.virtio[1].gsi, 7);
	assert_int_equal(p.virtio[2].base, VIRTIO_MMIO_BASE + 0x4000);
	assert_int_equal(p.virtio[2].gsi, 11);
	acpi_platform_virtio_windows(&p, 0);
	assert_int_equal(p.virtio_count, 0);
	acpi_platform_pc(&p, 1, 2); /* the first two */
	assert_int_equal(p.virtio_count, 2);
	assert_int_equal(p.virtio[1].gsi, PC_GSI_VIRTIO(1));
}

static void test_dsdt_pvpanic(void **state)
{
	/* AML: NameOp "_HID" StringPrefix "QEMU0001" NUL */
	static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0d, 'Q', 'E',
				      'M',  'U', '0', '0', '0', '1',  0};
	/* "I/O Port Descriptor": decode 16, min 0x505, max 0x505, align 1,
	 * length 1, then the End Tag (0x79) */
	static const uint8_t io[] = {0x47, 0x01, 0x05, 0x05, 0x05,
				     0x05, 0x01, 0x01, 0x79};
	/* NameOp "_STA" BytePrefix 0x0f */
	static const uint8_t sta[] = {0x08, '_', 'S', 'T', 'A', 0x0a, 0x0f};
	struct acpi_platform p;
	const uint8_t *dsdt, *dev;
	size_t len;

	acpi_platform_pc(&p, 2, 1);
	assert_int_equal(p.pvpanic_port, PC_PVPANIC_PORT);
	dsdt = dsdt_of(&p, &len);
	/* DeviceOp (0x5b 0x82), a one-byte PkgLength (it counts itself),
	 * the name, then the body the checks below search */
	dev = find_bytes(dsdt, len, "PEVT", 4);
	assert_non_null(dev);
	assert_int_equal(dev[-3], 0x5b);
	assert_int_equal(dev[-2], 0x82);
	assert_true(dev[-1] < 0x40);
	len = (size_t)dev[-1] - 1;
	assert_non_null(find_bytes(dev, len, hid, sizeof(hid)));
	assert_non_null(find_bytes(dev, len, io, sizeof(io)));
	assert_non_null(find_bytes(dev, len, sta, sizeof(sta)));

	p.pvpanic_port = 0;
	dsdt = dsdt_of(&p, &len);
	assert_null(find_bytes(dsdt, len, "PEVT", 4));
	assert_null(find_bytes(dsdt, len, "QEMU0001", 8));
}

/* The MADT's override of ISA IRQ `irq`: its flags, or -1 when none. */
static int madt_iso_flags(uint8_t irq)
{
	const uint8_t *xsdt = table_at(get_le64(area + 24), "XSDT");
	const uint8_t *madt = table_at(get_le64(xsdt + 36 + 8), "APIC");

	for (uint32_t off = 44; off < get_le32(madt + 4);
	     off += madt[off + 1]) {
		assert_true(madt[off + 1] >= 2);
		if (madt[off] == 2 && madt[off + 3] == irq) {
			assert_int_equal(get_le32(madt + off + 4), irq);
			return get_le16(madt + off + 8);
		}
	}
	return -1;
}

/* _PRT's Package (4) { 0x0003FFFF, pin, Zero, 0x0B } for pins 0 to 3:
 * the pin is ZeroOp, OneOp, then BytePrefix 2 and 3, so the length
 * differs. */
static const uint8_t prt_entry[4][13] = {
	{0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff, 0x03, 0x00, 0x00, 0x00, 0x0a,
	 0x0b},
	{0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff, 0x03, 0x00, 0x01, 0x00, 0x0a,
	 0x0b},
	{0x12, 0x0c, 0x04, 0x0c, 0xff, 0xff, 0x03, 0x00, 0x0a, 0x02, 0x00, 0x0a,
	 0x0b},
	{0x12, 0x0c, 0x04, 0x0c, 0xff, 0xff, 0x03, 0x00, 0x0a, 0x03, 0x00, 0x0a,
	 0x0b},
};
static const size_t prt_len[4] = {12, 12, 13, 13};

/* A VM with a passed-through PCI function: \_SB.PCI0, a PNP0A03 root
 * bridge of segment 0, bus 0, whose _CRS gives bus 0 only, the
 * configuration ports, the I/O and memory windows of pc_platform.h,
 * and whose _PRT wires all four pins of device 3 to GSI 11, which the
 * MADT makes level, active low. Without it: none of that. */
static void test_pci_root(void **state)
{
	/* NameOp "_HID" DWordPrefix EisaId ("PNP0A03") */
	static const uint8_t hid[] = {0x08, '_',  'H',	'I',  'D',
				      0x0c, 0x41, 0xd0, 0x0a, 0x03};
	static const uint8_t seg[] = {0x08, '_', 'S', 'E', 'G', 0x00};
	static const uint8_t bbn[] = {0x08, '_', 'B', 'B', 'N', 0x00};
	/* WordBusNumber 0-0; IO (Decode16, 0xcf8, 0xcf8, 1, 8); WordIO
	 * 0xd00-0xffff; DWordMemory 0xe0000000-0xfebfffff */
	static const uint8_t bus[] = {0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00,
				      0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				      0x00, 0x00, 0x01, 0x00};
	static const uint8_t cfg[] = {0x47, 0x01, 0xf8, 0x0c,
				      0xf8, 0x0c, 0x01, 0x08};
	static const uint8_t io[] = {0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03,
				     0x00, 0x00, 0x00, 0x0d, 0xff, 0xff,
				     0x00, 0x00, 0x00, 0xf3};
	static const uint8_t mem[] = {0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00,
				      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0,
				      0xff, 0xff, 0xbf, 0xfe, 0x00, 0x00, 0x00,
				      0x00, 0x00, 0x00, 0xc0, 0x1e};
	struct acpi_platform p;
	struct acpi_info info;
	const uint8_t *dsdt, *dev;
	char err[128] = "";
	size_t len, used;

	acpi_platform_pc(&p, 2, 0);
	acpi_platform_virtio_windows(&p, BIT(PC_VIRTIO_NIC_WINDOW));
	dsdt = dsdt_of(&p, &len);
	assert_null(find_bytes(dsdt, len, "PCI0", 4));
	assert_null(find_bytes(dsdt, len, hid + 5, 5));
	assert_null(find_bytes(dsdt, len, "_PRT", 4));
	assert_int_equal(madt_iso_flags(PC_GSI_PCI), -1);

	acpi_platform_pci(&p, 3);
	dsdt = dsdt_of(&p, &len);
	dev = find_bytes(dsdt, len, "PCI0", 4);
	assert_non_null(dev);
	assert_int_equal(dev[-4], 0x5b); /* DeviceOp, 2-byte PkgLength */
	assert_int_equal(dev[-3], 0x82);
	len -= (size_t)(dev - dsdt);
	assert_non_null(find_bytes(dev, len, hid, sizeof(hid)));
	assert_non_null(find_bytes(dev, len, seg, sizeof(seg)));
	assert_non_null(find_bytes(dev, len, bbn, sizeof(bbn)));
	assert_non_null(find_bytes(dev, len, bus, sizeof(bus)));
	assert_non_null(find_bytes(dev, len, cfg, sizeof(cfg)));
	assert_non_null(find_bytes(dev, len, io, sizeof(io)));
	assert_non_null(find_bytes(dev, len, mem, sizeof(mem)));
	assert_non_null(find_bytes(dev, len, "_PRT\x12", 5));
	for (unsigned pin = 0; pin < 4; pin++)
		if (!find_bytes(dev, len, prt_entry[pin], prt_len[pin]))
			fail_msg("_PRT lacks the entry of pin %u", pin);
	assert_int_equal(madt_iso_flags(PC_GSI_PCI), 0xf); /* level, low */
	assert_int_equal(madt_iso_flags(PC_IRQ_SCI), 0xd); /* unchanged */
	info = parse(scan_rsdp(), 36); /* the MADT still parses */
	check_parsed(&info, 2);

	/* refused: GSI 11 is also virtio window 4's; a slot beyond 31 */
	acpi_platform_virtio_windows(&p, BIT(4));
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, &p, &used,
					   err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "PCI device 3 on GSI 11"));
	acpi_platform_virtio_windows(&p, 0);
	p.pci_slot = 32;
	assert_int_equal(acpi_tables_build(area, AREA_SIZE, AREA, &p, &used,
					   err, sizeof(err)),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_1_vcpu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_parse_2_vcpus, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_parse_4_vcpus, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_parse_through_rsdt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checksums, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fadt_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_madt_overrides, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_too_small_and_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iasl_disassembles, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_virtio_windows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dsdt_pvpanic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pci_root, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
