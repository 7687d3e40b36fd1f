/*
 * kernel/acpi.c - reading the firmware's ACPI tables.
 * acpi_parse is pure logic over an acpi_map_fn seam (unit-tested with
 * damaged tables on the host); acpi_init runs once on the boot CPU.
 * ACPI Specification, "ACPI Software Programming Model": "Root System
 * Description Pointer (RSDP) Structure", "System Description Table
 * Header", "Multiple APIC Description Table (MADT)", "Fixed ACPI
 * Description Table (FADT)".
 */
#define LOG_PREFIX "acpi: "
#include "lib/bytes.h"
#include "kernel/acpi.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

#define ACPI_TABLE_MAX (4 * MIB) /* a sanity bound on one table's length */

/* "System Description Table Header" */
#define HDR_SIGNATURE 0
#define HDR_LENGTH    4
#define HDR_OEM_ID    10
#define HDR_SIZE      36

/* "Root System Description Pointer (RSDP) Structure" */
#define RSDP_V1_SIZE  20
#define RSDP_V2_SIZE  36
#define RSDP_OEM_ID   9
#define RSDP_REVISION 15
#define RSDP_RSDT     16
#define RSDP_LENGTH   20
#define RSDP_XSDT     24

/* "Multiple APIC Description Table (MADT)": structure types */
#define MADT_LAPIC_ADDRESS	36
#define MADT_ENTRIES		44
#define MADT_LOCAL_APIC		0
#define MADT_IO_APIC		1
#define MADT_LAPIC_OVERRIDE	5
#define MADT_LOCAL_X2APIC	9
#define MADT_CPU_ENABLED	BIT(0)
#define MADT_CPU_ONLINE_CAPABLE BIT(1)

/* "Fixed ACPI Description Table (FADT)": field offsets */
#define FADT_DSDT		40
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_PM_TMR		76
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140
#define FADT_X_PM1A_CNT		172
#define FADT_X_PM1B_CNT		184
#define FADT_X_PM_TMR		208
#define FADT_FLAG_TMR_VAL_EXT	BIT(8)
#define FADT_FLAG_RESET_REG_SUP BIT(10)
#define GAS_SPACE_IO		1

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

__attribute__((format(printf, 3, 4))) static int
acpi_fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

/* Map a whole table whose header checks out, or NULL with a warning. */
static const uint8_t *map_table(acpi_map_fn map, hpa_t pa, const char *want)
{
	const uint8_t *hdr = map(pa, HDR_SIZE);
	uint32_t len;
	const uint8_t *t;

	if (!hdr) {
		pr_warn("table at 0x%lx is outside memory", (unsigned long)pa);
		return NULL;
	}
	if (want && memcmp(hdr + HDR_SIGNATURE, want, 4) != 0) {
		pr_warn("table at 0x%lx is \"%.4s\", expected %s",
			(unsigned long)pa, (const char *)hdr, want);
		return NULL;
	}
	len = get_le32(hdr + HDR_LENGTH);
	if (len < HDR_SIZE || len > ACPI_TABLE_MAX) {
		pr_warn("%.4s table at 0x%lx has bad length %u",
			(const char *)hdr, (unsigned long)pa, len);
		return NULL;
	}
	t = map(pa, len);
	if (!t || !checksum_ok(t, len)) {
		pr_warn("%.4s table at 0x%lx: %s, ignored", (const char *)hdr,
			(unsigned long)pa, t ? "bad checksum" : "truncated");
		return NULL;
	}
	return t;
}

static void madt_add_cpu(struct acpi_info *info, uint32_t apic_id,
			 uint32_t flags)
{
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;
	for (unsigned i = 0; i < info->cpu_count; i++)
		if (info->apic_ids[i] == apic_id)
			return; /* listed as both LAPIC and x2APIC */
	if (info->cpu_count == CPUS_MAX) {
		info->cpus_ignored++;
		return;
	}
	info->apic_ids[info->cpu_count++] = apic_id;
}

static void madt_add_ioapic(struct acpi_info *info, const uint8_t *e)
{
	struct acpi_ioapic *io;

	if (info->ioapic_count == ACPI_IOAPICS_MAX)
		return;
	io = &info->ioapics[info->ioapic_count++];
	io->id = e[2];
	io->address = get_le32(e + 4);
	io->gsi_base = get_le32(e + 8);
}

/* One MADT structure; false when its length is impossible. */
static bool madt_entry(struct acpi_info *info, const uint8_t *e, uint8_t len)
{
	switch (e[0]) {
	case MADT_LOCAL_APIC:
		if (len < 8)
			return false;
		madt_add_cpu(info, e[3], get_le32(e + 4));
		break;
	case MADT_LOCAL_X2APIC:
		if (len < 16)
			return false;
		madt_add_cpu(info, get_le32(e + 4), get_le32(e + 8));
		break;
	case MADT_IO_APIC:
		if (len < 12)
			return false;
		madt_add_ioapic(info, e);
		break;
	case MADT_LAPIC_OVERRIDE:
		if (len < 12)
			return false;
		info->lapic_address = (uint32_t)get_le64(e + 4);
		break;
	default: break;
	}
	return true;
}

static int parse_madt(const uint8_t *t, struct acpi_info *info, char *err,
		      size_t err_size)
{
	uint32_t len = get_le32(t + HDR_LENGTH);

	if (len < MADT_ENTRIES)
		return acpi_fail(err, err_size, "MADT too short (%u bytes)",
				 len);
	info->lapic_address = get_le32(t + MADT_LAPIC_ADDRESS);
	for (uint32_t off = MADT_ENTRIES; off + 2 <= len;) {
		uint8_t elen = t[off + 1];

		if (elen < 2 || off + elen > len ||
		    !madt_entry(info, t + off, elen))
			return acpi_fail(err, err_size,
					 "MADT entry at offset %u (type %u) "
					 "has bad length %u",
					 off, t[off], elen);
		off += elen;
	}
	if (info->cpu_count == 0)
		return acpi_fail(err, err_size, "MADT lists no enabled CPU");
	return 0;
}

/* An I/O port from a FADT block field, preferring the X_ generic address. */
static uint32_t fadt_port(const uint8_t *t, uint32_t len, uint32_t legacy,
			  uint32_t extended)
{
	if (extended + 12 <= len && t[extended] == GAS_SPACE_IO &&
	    get_le64(t + extended + 4))
		return (uint32_t)get_le64(t + extended + 4);
	return legacy + 4 <= len ? get_le32(t + legacy) : 0;
}

static void parse_dsdt(acpi_map_fn map, hpa_t pa, struct acpi_info *info)
{
	const uint8_t *dsdt = map_table(map, pa, "DSDT");

	if (!dsdt)
		return;
	info->s5 = acpi_find_s5(dsdt + HDR_SIZE,
				get_le32(dsdt + HDR_LENGTH) - HDR_SIZE,
				&info->slp_typa, &info->slp_typb) == 0;
}

static void parse_fadt(const uint8_t *t, acpi_map_fn map,
		       struct acpi_info *info)
{
	uint32_t len = get_le32(t + HDR_LENGTH);
	uint32_t flags = len >= FADT_FLAGS + 4 ? get_le32(t + FADT_FLAGS) : 0;
	hpa_t dsdt = len >= FADT_DSDT + 4 ? get_le32(t + FADT_DSDT) : 0;

	info->fadt = true;
	info->pm1a_cnt = fadt_port(t, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
	info->pm1b_cnt = fadt_port(t, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT);
	info->pm_tmr = fadt_port(t, len, FADT_PM_TMR, FADT_X_PM_TMR);
	info->pm_tmr_32bit = flags & FADT_FLAG_TMR_VAL_EXT;
	if ((flags & FADT_FLAG_RESET_REG_SUP) && len >= FADT_RESET_VALUE + 1) {
		info->reset_supported = true;
		info->reset_reg.space = t[FADT_RESET_REG];
		info->reset_reg.bit_width = t[FADT_RESET_REG + 1];
		info->reset_reg.address = get_le64(t + FADT_RESET_REG + 4);
		info->reset_value = t[FADT_RESET_VALUE];
	}
	if (len >= FADT_X_DSDT + 8 && get_le64(t + FADT_X_DSDT))
		dsdt = get_le64(t + FADT_X_DSDT);
	if (len >= FADT_ACPI_ENABLE + 1) {
		info->smi_cmd = get_le32(t + FADT_SMI_CMD);
		info->acpi_enable = t[FADT_ACPI_ENABLE];
	}
	if (dsdt)
		parse_dsdt(map, dsdt, info);
}

static int check_rsdp(const uint8_t *rsdp, size_t len, char *err,
		      size_t err_size)
{
	if (len < RSDP_V1_SIZE || memcmp(rsdp, "RSD PTR ", 8) != 0)
		return acpi_fail(err, err_size, "no RSDP signature");
	if (!checksum_ok(rsdp, RSDP_V1_SIZE))
		return acpi_fail(err, err_size, "RSDP checksum is wrong");
	if (rsdp[RSDP_REVISION] >= 2 && len >= RSDP_V2_SIZE &&
	    get_le32(rsdp + RSDP_LENGTH) >= RSDP_V2_SIZE &&
	    !checksum_ok(rsdp, RSDP_V2_SIZE))
		return acpi_fail(err, err_size,
				 "RSDP extended checksum is wrong");
	return 0;
}

/* Visit every table the RSDT/XSDT lists; returns the MADT's result. */
static int walk_root(const uint8_t *root, bool xsdt, acpi_map_fn map,
		     struct acpi_info *info, char *err, size_t err_size)
{
	uint32_t entry = xsdt ? 8 : 4;
	uint32_t count = (get_le32(root + HDR_LENGTH) - HDR_SIZE) / entry;
	int madt = acpi_fail(err, err_size, "no MADT (APIC) table");

	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *p = root + HDR_SIZE + i * entry;
		hpa_t pa = xsdt ? get_le64(p) : get_le32(p);
		const uint8_t *t = map_table(map, pa, NULL);

		if (!t)
			continue;
		if (memcmp(t, "APIC", 4) == 0)
			madt = parse_madt(t, info, err, err_size);
		else if (memcmp(t, "FACP", 4) == 0)
			parse_fadt(t, map, info);
		else if (memcmp(t, "DMAR", 4) == 0 && !info->dmar) {
			info->dmar = pa;
			info->dmar_len = get_le32(t + HDR_LENGTH);
		}
	}
	return madt;
}

int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map,
	       struct acpi_info *info, char *err, size_t err_size)
{
	const uint8_t *root;
	hpa_t root_pa;

	memset(info, 0, sizeof(*info));
	if (check_rsdp(rsdp, rsdp_len, err, err_size))
		return -1;
	memcpy(info->oem_id, rsdp + RSDP_OEM_ID, 6);
	info->xsdt = rsdp[RSDP_REVISION] >= 2 && rsdp_len >= RSDP_V2_SIZE &&
		     get_le64(rsdp + RSDP_XSDT) != 0;
	root_pa = info->xsdt ? get_le64(rsdp + RSDP_XSDT)
			     : get_le32(rsdp + RSDP_RSDT);
	root = map_table(map, root_pa, info->xsdt ? "XSDT" : "RSDT");
	if (!root)
		return acpi_fail(err, err_size, "the %s at 0x%lx is unusable",
				 info->xsdt ? "XSDT" : "RSDT",
				 (unsigned long)root_pa);
	return walk_root(root, info->xsdt, map, info, err, err_size);
}
