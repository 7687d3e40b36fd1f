/*
 * kernel/acpi_boot.c - the hardware side of ACPI: reading this machine's
 * tables at boot, and entering S5 (soft off).
 * acpi_init runs once on the boot CPU after paging_init; acpi_power_off
 * on any CPU with interrupts off.
 * ACPI Specification, "PM1 Control Registers", "Sleeping States".
 */
#define LOG_PREFIX "acpi: "
#include "arch/x86_64/cpu.h"
#include "kernel/acpi.h"
#include "kernel/memory.h"
#include "kernel/paging.h"
#include "lib/fmt.h"
#include "lib/log.h"

/* "PM1 Control Registers" */
#define PM1_SCI_EN	  BIT(0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN	  BIT(13)
#define ACPI_ENABLE_WAIT  1000000

struct acpi_info acpi;

static const void *acpi_map(hpa_t pa, size_t len)
{
	if (pa == 0 || pa + len < pa || pa + len > paging_mapped_end)
		return NULL;
	return phys_to_virt(pa);
}

static void log_tables(void)
{
	char ids[96];
	int n = 0;

	for (unsigned i = 0; i < acpi.cpu_count && n < (int)sizeof(ids); i++)
		n += fmt_snprintf(ids + n, sizeof(ids) - n, "%s%u",
				  i ? " " : "", acpi.apic_ids[i]);
	pr_info("%s tables via %s: %u CPUs (APIC IDs %s), %u IOAPICs, "
		"local APIC at 0x%x",
		acpi.oem_id, acpi.xsdt ? "XSDT" : "RSDT", acpi.cpu_count, ids,
		acpi.ioapic_count, acpi.lapic_address);
	if (acpi.cpus_ignored)
		pr_warn("%u more CPUs ignored (the hypervisor supports %d)",
			acpi.cpus_ignored, CPUS_MAX);
	if (!acpi.fadt)
		pr_warn("no FADT: power-off through ACPI is not possible");
	else
		pr_info("PM1a_CNT port 0x%x, PM timer port 0x%x (%s), "
			"S5 %s SLP_TYP %u/%u",
			acpi.pm1a_cnt, acpi.pm_tmr,
			acpi.pm_tmr_32bit ? "32-bit" : "24-bit",
			acpi.s5 ? "found," : "not found in the DSDT,",
			acpi.slp_typa, acpi.slp_typb);
}

void acpi_init(const struct boot_info *bi)
{
	char err[128];

	if (!bi->acpi_rsdp_len) {
		pr_warn("the firmware gave no ACPI tables: only the boot CPU "
			"will run and power-off uses emulator ports");
		return;
	}
	if (acpi_parse(bi->acpi_rsdp, bi->acpi_rsdp_len, acpi_map, &acpi, err,
		       sizeof(err))) {
		pr_warn("ACPI tables unusable (%s): only the boot CPU will run",
			err);
		acpi.cpu_count = 0;
		return;
	}
	log_tables();
}

/* Ask the firmware to hand over to ACPI (SCI_EN set) if it has not. */
static void acpi_enable_mode(void)
{
	if (inw((uint16_t)acpi.pm1a_cnt) & PM1_SCI_EN)
		return;
	if (!acpi.smi_cmd || !acpi.acpi_enable)
		return;
	outb((uint16_t)acpi.smi_cmd, acpi.acpi_enable);
	for (int i = 0; i < ACPI_ENABLE_WAIT; i++)
		if (inw((uint16_t)acpi.pm1a_cnt) & PM1_SCI_EN)
			return;
}

void acpi_power_off(void)
{
	if (!acpi.fadt || !acpi.s5 || !acpi.pm1a_cnt)
		return;
	acpi_enable_mode();
	outw((uint16_t)acpi.pm1a_cnt,
	     (uint16_t)(acpi.slp_typa << PM1_SLP_TYP_SHIFT | PM1_SLP_EN));
	if (acpi.pm1b_cnt)
		outw((uint16_t)acpi.pm1b_cnt,
		     (uint16_t)(acpi.slp_typb << PM1_SLP_TYP_SHIFT |
				PM1_SLP_EN));
	for (int i = 0; i < ACPI_ENABLE_WAIT; i++)
		cpu_relax();
}
