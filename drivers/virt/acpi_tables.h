/*
 * drivers/virt/acpi_tables.h - the ACPI tables a VM gets: RSDP, RSDT,
 * XSDT, FADT, FACS, MADT and a DSDT (\_S0, \_S5, the processors, COM1,
 * the pvpanic port, the virtio-mmio devices and, for a VM with a
 * passed-through PCI function, a PCI root bridge), written into a
 * buffer that will sit at a given guest-physical address.
 * Pure logic; runs on the boot CPU when a VM is built (and on the vCPU's
 * CPU when it restarts); unit-tested on the host with kernel/acpi.c.
 * ACPI Specification, "ACPI Software Programming Model": "Root System
 * Description Pointer (RSDP) Structure", "Extended System Description
 * Table (XSDT)", "Fixed ACPI Description Table (FADT)", "Firmware ACPI
 * Control Structure (FACS)", "Multiple APIC Description Table (MADT)",
 * "Differentiated System Description Table (DSDT)".
 */
#ifndef DRIVERS_VIRT_ACPI_TABLES_H
#define DRIVERS_VIRT_ACPI_TABLES_H

#include "drivers/virt/pc_platform.h"
#include "lib/types.h"

/* Local APIC entries hold 8-bit APIC IDs, 0xff is the broadcast ID. */
#define ACPI_TABLES_VCPUS_MAX 255
#define ACPI_TABLES_MMIO_MAX  PC_VIRTIO_MMIO_MAX /* virtio-mmio devices */

/* A memory-mapped device the DSDT describes: its window and its GSI
 * (level triggered, active high). */
struct acpi_mmio_device {
	uint32_t base, size;
	uint32_t gsi;
};

/* What the tables describe; acpi_platform_pc fills the VM's PC. */
struct acpi_platform {
	unsigned vcpus; /* APIC ID = processor UID = vCPU index */
	uint32_t lapic_address;
	uint8_t ioapic_id;
	uint32_t ioapic_address, ioapic_gsi_base;
	uint8_t sci_irq;
	uint16_t pm1a_evt, pm1a_cnt, pm_tmr; /* I/O ports */
	uint16_t reset_port;
	uint8_t reset_value;
	uint8_t slp_typ_s5;  /* the SLP_TYP the PM1 control block obeys */
	uint8_t rtc_century; /* CMOS index of the century, or 0 */
	bool i8042;	     /* an 8042 keyboard controller is present */
	uint16_t com1_port;  /* a 16550 UART (PNP0501) there, or 0 */
	uint8_t com1_irq;
	uint16_t pvpanic_port; /* QEMU's pvpanic (QEMU0001) there, or 0 */
	unsigned virtio_count; /* virtio-mmio devices (_HID LNRO0005) */
	struct acpi_mmio_device virtio[ACPI_TABLES_MMIO_MAX];
	/* A PCI root bridge (PNP0A03, \_SB.PCI0), when pci_root: segment
	 * 0, bus 0 only, configuration mechanism #1 at 0xcf8-0xcff; its
	 * windows [base, end) for the devices' BARs; every pin of device
	 * pci_slot routed to GSI pci_gsi (level, active low; the MADT
	 * overrides that ISA IRQ to say so). */
	bool pci_root;
	unsigned pci_slot;
	uint32_t pci_gsi;
	uint32_t pci_mem_base, pci_mem_end;
	uint32_t pci_io_base, pci_io_end;
};

/* The VM's platform as drivers/virt/pc_platform.h lays it out, with
 * virtio_count virtio-mmio devices: device k at VIRTIO_MMIO_BASE + k *
 * VIRTIO_MMIO_STRIDE, interrupt PC_GSI_VIRTIO(k). A count above
 * ACPI_TABLES_MMIO_MAX makes acpi_tables_build fail. */
void acpi_platform_pc(struct acpi_platform *p, unsigned vcpus,
		      unsigned virtio_count);

/* The virtio-mmio windows k whose bit is set in mask (k below
 * PC_VIRTIO_MMIO_MAX), in order, each with its GSI: for a VM whose
 * windows in use are not the first ones (a NIC without disk 0). */
void acpi_platform_virtio_windows(struct acpi_platform *p, unsigned mask);

/* A PCI root bridge with one device at pci_slot, with the windows and
 * GSI of drivers/virt/pc_platform.h (PC_PCI_*, PC_GSI_PCI). A slot
 * above 31, a GSI that is not an ISA IRQ other than the PIT's, the
 * SCI's or a virtio device's, or an empty window makes
 * acpi_tables_build fail. */
void acpi_platform_pci(struct acpi_platform *p, unsigned slot);

/*
 * Write the tables into buf (size bytes, zeroed first), which the guest
 * will see at guest-physical gpa; the RSDP is at gpa itself (16-byte
 * aligned, so a scan of the BIOS area finds it). Returns 0 and the bytes
 * used in *used, or -1 with a reason in err when they do not fit (then
 * nothing is written), the area is not 16-byte aligned or below 4 GiB,
 * vcpus is 0 or above ACPI_TABLES_VCPUS_MAX, or there are more virtio
 * devices than ACPI_TABLES_MMIO_MAX.
 */
int acpi_tables_build(void *buf, size_t size, gpa_t gpa,
		      const struct acpi_platform *p, size_t *used, char *err,
		      size_t err_size);

#endif
