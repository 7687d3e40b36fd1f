/*
 * drivers/virt/pc_platform.h - the fixed map of the PC every VM sees: the
 * ports, addresses and IRQs of its legacy devices and interrupt
 * controllers, and where its ACPI tables sit. One place, so that the
 * tables (acpi_tables.c), the device models and the VM builder agree.
 * Definitions only; any context.
 * ACPI Specification, "Fixed ACPI Description Table (FADT)", "Multiple
 * APIC Description Table (MADT)"; docs/virtual-platform.md.
 */
#ifndef DRIVERS_VIRT_PC_PLATFORM_H
#define DRIVERS_VIRT_PC_PLATFORM_H

#include "lib/types.h"

/* Interrupt controllers (the IOAPIC and local APIC models use these). */
#define PC_LAPIC_ADDRESS   0xfee00000u
#define PC_IOAPIC_ADDRESS  0xfec00000u
#define PC_IOAPIC_ID	   0 /* vCPU APIC IDs are 0..n-1: no clash on a PC */
#define PC_IOAPIC_GSI_BASE 0
#define PC_IRQ_PIT	   0 /* ISA IRQ 0, wired to IOAPIC pin 2 */
#define PC_GSI_PIT	   2
#define PC_IRQ_KEYBOARD	   1
#define PC_IRQ_COM1	   4
#define PC_IRQ_RTC	   8
#define PC_IRQ_SCI	   9 /* level, active high */
#define PC_IRQ_MOUSE	   12

/* The interrupt of virtio-mmio device k (its window at VIRTIO_MMIO_BASE
 * + k * VIRTIO_MMIO_STRIDE, drivers/virt/virtio_mmio.h): IOAPIC pin
 * PC_GSI_VIRTIO(k) = 5, 6, 7, 10, 11, ISA IRQs no device of this PC
 * uses (no LPT, floppy or COM2; 8 is the RTC, 9 the SCI). Level
 * triggered, active high: the line is up while the device's
 * InterruptStatus is not 0. The DSDT gives each device this GSI in its
 * _CRS, so the device wiring and the tables must both use this macro. */
#define PC_VIRTIO_MMIO_MAX 5
#define PC_GSI_VIRTIO(k)   ((k) < 3 ? 5 + (k) : 7 + (k))
#define PC_IRQ_VIRTIO_NET  PC_GSI_VIRTIO(1) /* the NIC (docs/networking.md) */

/* The window of a VM's disk d (its `disk` lines in order: vda, vdb,
 * ...): 0, then 2, 3, 4, around the NIC's 1 (docs/virtio.md). */
#define PC_VIRTIO_NIC_WINDOW	 1
#define PC_VIRTIO_DISK_WINDOW(d) ((d) == 0 ? 0 : (d) + 1)

/* A VM with a passed-through PCI function (docs/passthrough.md) has a
 * PCI host bridge on bus 0 (drivers/virt/vpci.c, mechanism #1 at
 * 0xcf8-0xcff). Its windows, as the DSDT's root bridge declares them
 * and where the hypervisor places the function's BARs: memory from
 * PC_PCI_MEM_BASE up to PC_PCI_MEM_END (above the virtio-mmio windows,
 * below the IOAPIC), I/O ports from PC_PCI_IO_BASE to 0xffff (QEMU's:
 * above the legacy ports and the configuration ports). Every interrupt
 * pin of the function is mirrored on PC_GSI_PCI, level triggered,
 * active low as PCI INTx is (the VM's IOAPIC model treats "asserted"
 * alike for both polarities). */
#define PC_PCI_MEM_BASE 0xe0000000u
#define PC_PCI_MEM_END	0xfec00000u /* exclusive */
#define PC_PCI_IO_BASE	0x0d00u
#define PC_PCI_IO_END	0x10000u /* exclusive */
#define PC_GSI_PCI	11

/* The ACPI PM block (the ports of QEMU's q35 machine: 0x600). */
#define PC_PM_BASE     0x600
#define PC_PM1A_EVT    (PC_PM_BASE + 0) /* PM1_STS (2), PM1_EN (2) */
#define PC_PM1_EVT_LEN 4
#define PC_PM1A_CNT    (PC_PM_BASE + 4) /* PM1_CNT (2) */
#define PC_PM1_CNT_LEN 2
#define PC_PM_TMR      (PC_PM_BASE + 8) /* PM_TMR (4, 24 bits used) */
#define PC_PM_TMR_LEN  4
#define PC_PM_LEN      12

/* SLP_TYP values of PM1_CNT: what \_S0 and \_S5 in the DSDT say. */
#define PC_SLP_TYP_S0 0
#define PC_SLP_TYP_S5 5

/* The reset control register (Intel PCH "Reset Control Register"), also
 * the FADT's RESET_REG: writing RESET_VALUE resets the machine. */
#define PC_RESET_PORT  0xcf9
#define PC_RESET_VALUE 0x06

/* Legacy ISA devices. */
#define PC_PIT_PORT    0x40 /* 0x40-0x43 */
#define PC_PORT61      0x61 /* NMI status and control / PIT gate 2 */
#define PC_I8042_DATA  0x60
#define PC_I8042_CMD   0x64
#define PC_RTC_PORT    0x70 /* index 0x70, data 0x71 */
#define PC_RTC_CENTURY 0x32 /* the CMOS byte the FADT names */

/* The pvpanic device (drivers/virt/pvpanic.h), at QEMU's ISA port: the
 * DSDT names it QEMU0001 with this port in its _CRS. */
#define PC_PVPANIC_PORT 0x505

/* The guest-physical area for the ACPI tables: the top of the BIOS area,
 * where a guest that scans 0xe0000-0xfffff for the RSDP finds it, and the
 * loader marks as ACPI in the e820 map. The RSDP is at its start. */
#define PC_ACPI_AREA	  0xe0000u
#define PC_ACPI_AREA_SIZE 0x20000u

#endif
