/*
 * tests/acpi/acpi_tables_dump.c - a host program that builds a VM's ACPI
 * tables exactly as the hypervisor does (drivers/virt/acpi_tables.c,
 * acpi_platform_pc, at PC_ACPI_AREA) and writes each one as a binary
 * file, for ACPICA's tools (iasl -d, acpiexec) and for a student to look
 * at; and that plays an OS's soft-off on the VM's PM1 control block
 * (drivers/virt/acpi_pm.c, set up as vmx/vm.c does).
 * Runs on the host; tests/acpi/run drives it; docs/virtual-platform.md.
 * ACPI Specification, "Root System Description Pointer (RSDP)
 * Structure", "Fixed ACPI Description Table (FADT)", "PM1 Control
 * Registers", "Sleeping and Soft-off State (S5)".
 *
 *   acpi_tables_dump DIR VCPUS VIRTIO_DEVICES [PCI_SLOT]
 *       DIR/{rsdp,xsdt,rsdt,facp,facs,apic,dsdt}.dat and DIR/area.bin
 *       (the whole area as the guest sees it at 0xE0000); with PCI_SLOT,
 *       a PCI root bridge with a passed-through function in that slot
 *       (acpi_platform_pci, as vmx/vm.c does for `passthrough`)
 *   acpi_tables_dump --write PORT SIZE VALUE
 *       an OUT of SIZE bytes (1, 2, 4) to PORT on a port bus with the
 *       VM's PM block at PC_PM_BASE, reset register at PC_RESET_PORT
 *       and pvpanic port at PC_PVPANIC_PORT, as an OS writes SLP_TYP |
 *       SLP_EN to PM1a_CNT, RESET_VALUE to RESET_REG or PANICKED to
 *       pvpanic; prints "powered off", "reset", "panicked" or "still
 *       running"
 *   acpi_tables_dump --read PORT SIZE
 *       an IN on the same bus; prints the value in hex
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virt/acpi_pm.h"
#include "drivers/virt/acpi_tables.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/virt/pvpanic.h"
#include "lib/bytes.h"
#include "lib/panic.h"

/* Offsets the tool follows (ACPI Specification, as in acpi_tables.c) */
#define RSDP_RSDT	     16
#define RSDP_XSDT	     24
#define RSDP_SIZE	     36
#define HDR_SIZE	     36
#define HDR_LENGTH	     4
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT	     140
#define FACS_LENGTH	     4

static uint8_t area[PC_ACPI_AREA_SIZE];

/* A kernel bug in the linked code (lib/math64.c checks its divisor). */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static const uint8_t *at(uint64_t gpa, size_t len)
{
	if (gpa < PC_ACPI_AREA || gpa - PC_ACPI_AREA > PC_ACPI_AREA_SIZE ||
	    len > PC_ACPI_AREA_SIZE - (gpa - PC_ACPI_AREA)) {
		fprintf(stderr,
			"acpi_tables_dump: 0x%llx+%zu is outside the "
			"area\n",
			(unsigned long long)gpa, len);
		exit(1);
	}
	return area + (gpa - PC_ACPI_AREA);
}

static void write_file(const char *dir, const char *name, const uint8_t *p,
		       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* A table with a standard header: as many bytes as its Length says. */
static const uint8_t *write_table(const char *dir, const char *name,
				  uint64_t gpa)
{
	const uint8_t *t = at(gpa, HDR_SIZE);
	uint32_t len = get_le32(t + HDR_LENGTH);

	write_file(dir, name, at(gpa, len), len);
	return t;
}

static int dump(const char *dir, unsigned vcpus, unsigned virtio,
		const char *pci_slot)
{
	struct acpi_platform p;
	const uint8_t *xsdt, *fadt, *facs, *t;
	char err[160], name[16];
	size_t used;

	acpi_platform_pc(&p, vcpus, virtio);
	if (pci_slot)
		acpi_platform_pci(&p, (unsigned)strtoul(pci_slot, NULL, 0));
	if (acpi_tables_build(area, sizeof(area), PC_ACPI_AREA, &p, &used, err,
			      sizeof(err))) {
		fprintf(stderr, "acpi_tables_dump: %s\n", err);
		return 1;
	}
	write_file(dir, "area.bin", area, sizeof(area));
	write_file(dir, "rsdp.dat", area, RSDP_SIZE);
	xsdt = write_table(dir, "xsdt.dat", get_le64(area + RSDP_XSDT));
	write_table(dir, "rsdt.dat", get_le32(area + RSDP_RSDT));
	/* every table the XSDT lists, named by its signature */
	for (uint32_t off = HDR_SIZE; off < get_le32(xsdt + HDR_LENGTH);
	     off += 8) {
		uint64_t gpa = get_le64(xsdt + off);

		t = at(gpa, HDR_SIZE);
		snprintf(name, sizeof(name), "%.4s.dat", (const char *)t);
		for (char *c = name; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		write_table(dir, name, gpa);
	}
	fadt = at(get_le64(xsdt + HDR_SIZE), HDR_SIZE);
	write_table(dir, "dsdt.dat", get_le64(fadt + FADT_X_DSDT));
	facs = at(get_le64(fadt + FADT_X_FIRMWARE_CTRL), FACS_LENGTH + 4);
	write_file(dir, "facs.dat", facs, get_le32(facs + FACS_LENGTH));
	printf("%zu bytes of tables at 0x%x: %u vCPUs, %u virtio-mmio "
	       "devices\n",
	       used, PC_ACPI_AREA, vcpus, virtio);
	return 0;
}

static const char *outcome = "still running";

static void on_power_off(void *ctx)
{
	outcome = "powered off";
}

static void on_reset(void *ctx, const char *how)
{
	outcome = "reset";
}

static void on_panicked(void *ctx)
{
	outcome = "panicked";
}

static struct port_bus bus;
static struct acpi_pm pm;
static struct pvpanic pvpanic;

/* The PM block and the pvpanic port as vm_add_platform_devices
 * (vmx/vm.c) sets them up; 0, or 2 for a bad port or size. */
static int bus_setup(unsigned port, unsigned size)
{
	const struct acpi_pm_ops ops = {.power_off = on_power_off,
					.reset = on_reset};
	const struct pvpanic_ops pv_ops = {.panicked = on_panicked};
	struct port_device d;

	acpi_pm_init(&pm, &ops, PC_SLP_TYP_S5);
	d = acpi_pm_device(&pm, PC_PM_BASE);
	portbus_add(&bus, &d);
	d = acpi_pm_reset_device(&pm, PC_RESET_PORT);
	portbus_add(&bus, &d);
	pvpanic_init(&pvpanic, &pv_ops);
	d = pvpanic_device(&pvpanic, PC_PVPANIC_PORT);
	portbus_add(&bus, &d);
	if (port > 0xffff || (size != 1 && size != 2 && size != 4)) {
		fprintf(stderr, "acpi_tables_dump: bad port or size\n");
		return 2;
	}
	return 0;
}

static int write_test(unsigned port, unsigned size, uint32_t value)
{
	if (bus_setup(port, size))
		return 2;
	portbus_write(&bus, (uint16_t)port, size, value);
	printf("%s\n", outcome);
	return 0;
}

static int read_test(unsigned port, unsigned size)
{
	if (bus_setup(port, size))
		return 2;
	printf("0x%x\n", portbus_read(&bus, (uint16_t)port, size));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--write") == 0)
		return write_test((unsigned)strtoul(argv[2], NULL, 0),
				  (unsigned)strtoul(argv[3], NULL, 0),
				  (uint32_t)strtoul(argv[4], NULL, 0));
	if (argc == 4 && strcmp(argv[1], "--read") == 0)
		return read_test((unsigned)strtoul(argv[2], NULL, 0),
				 (unsigned)strtoul(argv[3], NULL, 0));
	if (argc == 4 || argc == 5)
		return dump(argv[1], (unsigned)strtoul(argv[2], NULL, 0),
			    (unsigned)strtoul(argv[3], NULL, 0),
			    argc == 5 ? argv[4] : NULL);
	fprintf(stderr,
		"usage: %s DIR VCPUS VIRTIO_DEVICES [PCI_SLOT]\n"
		"       %s --write PORT SIZE VALUE\n"
		"       %s --read PORT SIZE\n",
		argv[0], argv[0], argv[0]);
	return 2;
}
