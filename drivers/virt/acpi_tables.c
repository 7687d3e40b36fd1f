/*
 * drivers/virt/acpi_tables.c - writing a VM's ACPI tables.
 * Pure logic; runs when a VM is built or restarted; unit-tested on the
 * host by parsing the result with kernel/acpi.c.
 * ACPI Specification, "ACPI Software Programming Model": "Root System
 * Description Pointer (RSDP) Structure", "System Description Table
 * Header", "Root System Description Table (RSDT)", "Extended System
 * Description Table (XSDT)", "Fixed ACPI Description Table (FADT)",
 * "Firmware ACPI Control Structure (FACS)", "Multiple APIC Description
 * Table (MADT)", "Generic Address Structure (GAS)"; "ACPI Machine
 * Language (AML) Specification" (written by drivers/virt/aml.c);
 * "Device Configuration": "_PRT (PCI Routing Table)", "_BBN (Base Bus
 * Number)", "_SEG (Segment)"; PCI Firmware Specification, "PCI Host
 * Bridge" (PNP0A03, its _CRS windows).
 *
 * Layout in the area (each table aligned as noted):
 *   RSDP (at the start, 16) | XSDT | RSDT | FACS (64) | FADT | MADT | DSDT
 */
#include "drivers/virt/acpi_tables.h"
#include "drivers/virt/aml.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/virt/pvpanic.h"
#include "drivers/virt/uart8250.h"
#include "drivers/virt/virtio_mmio.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define OEM_ID		 "HVHV  "
#define OEM_TABLE_ID	 "HVPCPLAT"
#define OEM_REVISION	 1
#define CREATOR_ID	 "HVHV"
#define CREATOR_REVISION 1
#define TABLE_ALIGN	 16
#define FACS_ALIGN	 64 /* "FACS": 64-byte aligned */
#define GPA_32BIT_LIMIT	 0x100000000ULL

/* "Root System Description Pointer (RSDP) Structure" */
#define RSDP_SIGNATURE	   0 /* "RSD PTR " */
#define RSDP_CHECKSUM	   8 /* over the first 20 bytes */
#define RSDP_OEM_ID	   9
#define RSDP_REVISION	   15
#define RSDP_RSDT	   16
#define RSDP_LENGTH	   20
#define RSDP_XSDT	   24
#define RSDP_EXT_CHECKSUM  32 /* over all 36 bytes */
#define RSDP_V1_SIZE	   20
#define RSDP_SIZE	   36
#define RSDP_REVISION_ACPI 2 /* ACPI 2.0 and later */

/* "System Description Table Header" */
#define HDR_SIGNATURE	     0
#define HDR_LENGTH	     4
#define HDR_REVISION	     8
#define HDR_CHECKSUM	     9
#define HDR_OEM_ID	     10
#define HDR_OEM_TABLE_ID     16
#define HDR_OEM_REVISION     24
#define HDR_CREATOR_ID	     28
#define HDR_CREATOR_REVISION 32
#define HDR_SIZE	     36

#define RSDT_REVISION 1
#define XSDT_REVISION 1
#define XSDT_ENTRIES  2 /* FADT, MADT; the FADT points at FACS and DSDT */

/* "Firmware ACPI Control Structure (FACS)": no checksum, no header. */
#define FACS_SIGNATURE 0
#define FACS_LENGTH    4
#define FACS_VERSION   32
#define FACS_SIZE      64
#define FACS_VERSION_2 2

/* "Fixed ACPI Description Table (FADT)" fields, ACPI 6.0 layout */
#define FADT_FIRMWARE_CTRL	  36
#define FADT_DSDT		  40
#define FADT_PREFERRED_PM_PROFILE 45
#define FADT_SCI_INT		  46
#define FADT_SMI_CMD		  48
#define FADT_PM1A_EVT_BLK	  56
#define FADT_PM1A_CNT_BLK	  64
#define FADT_PM_TMR_BLK		  76
#define FADT_PM1_EVT_LEN	  88
#define FADT_PM1_CNT_LEN	  89
#define FADT_PM_TMR_LEN		  91
#define FADT_P_LVL2_LAT		  96
#define FADT_P_LVL3_LAT		  98
#define FADT_CENTURY		  108
#define FADT_IAPC_BOOT_ARCH	  109
#define FADT_FLAGS		  112
#define FADT_RESET_REG		  116
#define FADT_RESET_VALUE	  128
#define FADT_MINOR_VERSION	  131
#define FADT_X_FIRMWARE_CTRL	  132
#define FADT_X_DSDT		  140
#define FADT_X_PM1A_EVT_BLK	  148
#define FADT_X_PM1A_CNT_BLK	  172
#define FADT_X_PM_TMR_BLK	  208
#define FADT_HYPERVISOR_VENDOR	  268
#define FADT_SIZE		  276
#define FADT_REVISION		  6
#define FADT_P_LVL2_NOT_SUPPORTED 101  /* > 100: no C2 */
#define FADT_P_LVL3_NOT_SUPPORTED 1001 /* > 1000: no C3 */
/* FADT Flags */
#define FADT_WBINVD	   BIT(0)
#define FADT_PROC_C1	   BIT(2)
#define FADT_SLP_BUTTON	   BIT(5) /* 1: no fixed sleep button */
#define FADT_FIX_RTC	   BIT(6) /* 1: no RTC wake status */
#define FADT_RESET_REG_SUP BIT(10)
/* "IA-PC Boot Architecture Flags" */
#define IAPC_BOOT_LEGACY_DEVICES  BIT(0)
#define IAPC_BOOT_8042		  BIT(1)
#define IAPC_BOOT_VGA_NOT_PRESENT BIT(2)

/* "Generic Address Structure (GAS)" */
#define GAS_SPACE	 0
#define GAS_BIT_WIDTH	 1
#define GAS_BIT_OFFSET	 2
#define GAS_ACCESS_SIZE	 3
#define GAS_ADDRESS	 4
#define GAS_SPACE_IO	 1
#define GAS_ACCESS_BYTE	 1
#define GAS_ACCESS_WORD	 2
#define GAS_ACCESS_DWORD 3

/* "Multiple APIC Description Table (MADT)" */
#define MADT_LAPIC_ADDRESS   36
#define MADT_FLAGS	     40
#define MADT_ENTRIES	     44
#define MADT_REVISION	     5 /* ACPI 6.x */
#define MADT_PCAT_COMPAT     BIT(0)
#define MADT_LOCAL_APIC	     0
#define MADT_LOCAL_APIC_LEN  8
#define MADT_IO_APIC	     1
#define MADT_IO_APIC_LEN     12
#define MADT_ISO	     2 /* Interrupt Source Override */
#define MADT_ISO_LEN	     10
#define MADT_LAPIC_NMI	     4
#define MADT_LAPIC_NMI_LEN   6
#define MADT_CPU_ENABLED     BIT(0)
#define MADT_ALL_PROCESSORS  0xff
#define MADT_LINT1	     1
#define MPS_INTI_CONFORMS    0x0 /* polarity and trigger of the bus */
#define MPS_INTI_ACTIVE_HIGH 0x1
#define MPS_INTI_ACTIVE_LOW  0x3
#define MPS_INTI_LEVEL	     (0x3 << 2)
#define MADT_ISA_BUS	     0

#define DSDT_REVISION 2 /* 64-bit integers in AML */

/* The DSDT's devices ("Device Identification Objects") */
#define HID_PROCESSOR	  "ACPI0007" /* "Processor Device" */
#define HID_UART_16550	  "PNP0501"  /* EisaId: 16550A-compatible COM port */
#define HID_VIRTIO_MMIO	  "LNRO0005" /* Linux's virtio_mmio ACPI match */
#define HID_PVPANIC	  "QEMU0001" /* Linux's pvpanic-mmio ACPI match */
#define STA_PRESENT_ALL	  0x0f	     /* _STA: present, enabled, shown, works */
#define COM1_UID	  1
#define UART_PORTS	  8
#define SLEEP_PACKAGE_LEN 4	    /* SLP_TYPa, SLP_TYPb, two reserved */
#define HID_PCI_HOST	  "PNP0A03" /* EisaId: PCI bus (root bridge) */
#define PCI_SEGMENT	  0
#define PCI_ROOT_BUS	  0
#define PCI_CFG_PORT	  0xcf8 /* mechanism #1: CONFIG_ADDRESS, _DATA */
#define PCI_CFG_PORTS	  8
#define PCI_PINS	  4 /* INTA# to INTD# */
#define PCI_SLOTS	  32
#define PCI_ANY_FUNCTION  0xffff /* _PRT address: device << 16 | this */
#define ISA_IRQS	  16
#define PCI_IO_LIMIT	  0x10000u /* 16-bit port addresses */

/* The ISA IRQ overrides: the PIT's, the SCI's and, with a PCI root
 * bridge, its GSI's (level, active low). */
#define MADT_ISOS(p) (2 + ((p)->pci_root ? 1 : 0))
#define MADT_SIZE(p)                                                          \
	(MADT_ENTRIES + (p)->vcpus * MADT_LOCAL_APIC_LEN + MADT_IO_APIC_LEN + \
	 MADT_ISOS(p) * MADT_ISO_LEN + MADT_LAPIC_NMI_LEN)

/* A bump allocator over the caller's buffer. */
struct area {
	uint8_t *buf;
	size_t used;
};

static size_t area_alloc(struct area *a, size_t len, size_t align)
{
	size_t off = ALIGN_UP(a->used, align);

	a->used = off + len;
	return off;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v)); /* x86 and ACPI are both little-endian */
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint8_t checksum_of(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return (uint8_t)-sum;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t + HDR_SIGNATURE, sig, 4);
	put32(t + HDR_LENGTH, len);
	t[HDR_REVISION] = rev;
	memcpy(t + HDR_OEM_ID, OEM_ID, 6);
	memcpy(t + HDR_OEM_TABLE_ID, OEM_TABLE_ID, 8);
	put32(t + HDR_OEM_REVISION, OEM_REVISION);
	memcpy(t + HDR_CREATOR_ID, CREATOR_ID, 4);
	put32(t + HDR_CREATOR_REVISION, CREATOR_REVISION);
}

/* Last, once the table's body is written. */
static void seal(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + HDR_LENGTH, sizeof(len));
	t[HDR_CHECKSUM] = 0;
	t[HDR_CHECKSUM] = checksum_of(t, len);
}

static void gas_io(uint8_t *g, uint16_t port, unsigned bytes, uint8_t access)
{
	g[GAS_SPACE] = GAS_SPACE_IO;
	g[GAS_BIT_WIDTH] = (uint8_t)(8 * bytes);
	g[GAS_BIT_OFFSET] = 0;
	g[GAS_ACCESS_SIZE] = access;
	put64(g + GAS_ADDRESS, port);
}

/* Device (CNNN): processor i, its _UID the MADT's processor UID. */
static void dsdt_processor(struct aml *a, unsigned i)
{
	char name[8];

	fmt_snprintf(name, sizeof(name), "C%03X", i);
	aml_device(a, name);
	aml_name_string(a, "_HID", HID_PROCESSOR);
	aml_name_integer(a, "_UID", i);
	aml_end(a);
}

static void dsdt_com1(struct aml *a, const struct acpi_platform *p)
{
	struct aml_res r;

	aml_device(a, "COM1");
	aml_name_eisaid(a, "_HID", HID_UART_16550);
	aml_name_integer(a, "_UID", COM1_UID);
	aml_res_init(&r);
	aml_res_io(&r, p->com1_port, UART_PORTS);
	aml_res_irq(&r, p->com1_irq);
	aml_name_resources(a, "_CRS", &r);
	aml_end(a);
}

/* Device (PEVT): QEMU's pvpanic device, as QEMU's own DSDT names it
 * (name, _HID, one I/O port, always there). Linux binds its pvpanic-mmio
 * driver to it by _HID; the driver takes an I/O port as well as memory. */
static void dsdt_pvpanic(struct aml *a, const struct acpi_platform *p)
{
	struct aml_res r;

	aml_device(a, "PEVT");
	aml_name_string(a, "_HID", HID_PVPANIC);
	aml_res_init(&r);
	aml_res_io(&r, p->pvpanic_port, PVPANIC_PORTS);
	aml_name_resources(a, "_CRS", &r);
	aml_name_integer(a, "_STA", STA_PRESENT_ALL);
	aml_end(a);
}

/* Device (VRnn): what Linux's virtio_mmio driver matches by _HID. */
static void dsdt_virtio(struct aml *a, unsigned k,
			const struct acpi_mmio_device *d)
{
	struct aml_res r;
	char name[8];

	fmt_snprintf(name, sizeof(name), "VR%02u", k);
	aml_device(a, name);
	aml_name_string(a, "_HID", HID_VIRTIO_MMIO);
	aml_name_integer(a, "_UID", k);
	aml_res_init(&r);
	aml_res_mem32_fixed(&r, d->base, d->size);
	aml_res_interrupt(&r, d->gsi, true);
	aml_name_resources(a, "_CRS", &r);
	aml_end(a);
}

/* Device (PCI0): the root bridge of bus 0. Linux scans a PCI bus only
 * behind such a device (with ACPI it does not probe 0xcf8 by itself),
 * takes the windows of its _CRS as the ranges it may give BARs, and the
 * interrupt of a device from _PRT. */
static void dsdt_pci_root(struct aml *a, const struct acpi_platform *p)
{
	struct aml_prt_entry prt[PCI_PINS];
	struct aml_res r;

	aml_device(a, "PCI0");
	aml_name_eisaid(a, "_HID", HID_PCI_HOST);
	aml_name_integer(a, "_UID", 0);
	aml_name_integer(a, "_SEG", PCI_SEGMENT);
	aml_name_integer(a, "_BBN", PCI_ROOT_BUS);
	aml_res_init(&r);
	aml_res_word_bus(&r, PCI_ROOT_BUS, PCI_ROOT_BUS);
	aml_res_io(&r, PCI_CFG_PORT, PCI_CFG_PORTS);
	aml_res_word_io(&r, (uint16_t)p->pci_io_base,
			(uint16_t)(p->pci_io_end - 1));
	aml_res_dword_mem(&r, p->pci_mem_base, p->pci_mem_end - 1);
	aml_name_resources(a, "_CRS", &r);
	for (unsigned pin = 0; pin < PCI_PINS; pin++)
		prt[pin] = (struct aml_prt_entry){
			.address = p->pci_slot << 16 | PCI_ANY_FUNCTION,
			.pin = (uint8_t)pin,
			.gsi = p->pci_gsi,
		};
	aml_name_prt(a, prt, PCI_PINS);
	aml_end(a);
}

/*
 * \_S0 and \_S5 (the SLP_TYP values PM1_CNT takes for working and soft
 * off) and, under \_SB, the devices an OS cannot find by itself: the
 * processors (matched to the MADT by _UID), COM1, the pvpanic port,
 * the virtio-mmio windows, the PCI root bridge. The PC's other legacy
 * devices sit at their fixed ports.
 */
static void dsdt_aml(struct aml *a, const struct acpi_platform *p)
{
	const uint64_t s0[SLEEP_PACKAGE_LEN] = {PC_SLP_TYP_S0, PC_SLP_TYP_S0};
	const uint64_t s5[SLEEP_PACKAGE_LEN] = {p->slp_typ_s5, p->slp_typ_s5};

	aml_name_package(a, "\\_S0", s0, SLEEP_PACKAGE_LEN);
	aml_name_package(a, "\\_S5", s5, SLEEP_PACKAGE_LEN);
	aml_scope(a, "\\_SB");
	for (unsigned i = 0; i < p->vcpus; i++)
		dsdt_processor(a, i);
	if (p->com1_port)
		dsdt_com1(a, p);
	if (p->pvpanic_port)
		dsdt_pvpanic(a, p);
	for (unsigned k = 0; k < p->virtio_count; k++)
		dsdt_virtio(a, k, &p->virtio[k]);
	if (p->pci_root)
		dsdt_pci_root(a, p);
	aml_end(a);
}

static size_t dsdt_aml_size(const struct acpi_platform *p)
{
	struct aml a;

	aml_init(&a, NULL, 0);
	dsdt_aml(&a, p);
	return a.len;
}

/* aml_len: what dsdt_aml_size said, the room after the header. */
static int build_dsdt(uint8_t *t, const struct acpi_platform *p, size_t aml_len)
{
	struct aml a;

	header(t, "DSDT", (uint32_t)(HDR_SIZE + aml_len), DSDT_REVISION);
	aml_init(&a, t + HDR_SIZE, aml_len);
	dsdt_aml(&a, p);
	if (a.overflow || a.len != aml_len || a.depth != 0)
		return -1;
	seal(t);
	return 0;
}

static void build_facs(uint8_t *t)
{
	memcpy(t + FACS_SIGNATURE, "FACS", 4);
	put32(t + FACS_LENGTH, FACS_SIZE);
	t[FACS_VERSION] = FACS_VERSION_2;
}

/* No SMM: SMI_CMD, ACPI_ENABLE and ACPI_DISABLE stay 0, which says the
 * machine is always in ACPI mode (PM1_CNT.SCI_EN reads 1). No GPE
 * blocks, no C2/C3, no fixed sleep button, a fixed power button. */
static void build_fadt(uint8_t *t, const struct acpi_platform *p, uint32_t facs,
		       uint32_t dsdt)
{
	uint16_t boot_arch = IAPC_BOOT_LEGACY_DEVICES |
			     IAPC_BOOT_VGA_NOT_PRESENT |
			     (p->i8042 ? IAPC_BOOT_8042 : 0);

	header(t, "FACP", FADT_SIZE, FADT_REVISION);
	put32(t + FADT_FIRMWARE_CTRL, facs);
	put32(t + FADT_DSDT, dsdt);
	put16(t + FADT_SCI_INT, p->sci_irq);
	put32(t + FADT_PM1A_EVT_BLK, p->pm1a_evt);
	put32(t + FADT_PM1A_CNT_BLK, p->pm1a_cnt);
	put32(t + FADT_PM_TMR_BLK, p->pm_tmr);
	t[FADT_PM1_EVT_LEN] = PC_PM1_EVT_LEN;
	t[FADT_PM1_CNT_LEN] = PC_PM1_CNT_LEN;
	t[FADT_PM_TMR_LEN] = PC_PM_TMR_LEN;
	put16(t + FADT_P_LVL2_LAT, FADT_P_LVL2_NOT_SUPPORTED);
	put16(t + FADT_P_LVL3_LAT, FADT_P_LVL3_NOT_SUPPORTED);
	t[FADT_CENTURY] = p->rtc_century;
	put16(t + FADT_IAPC_BOOT_ARCH, boot_arch);
	put32(t + FADT_FLAGS, FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON |
				      FADT_FIX_RTC | FADT_RESET_REG_SUP);
	gas_io(t + FADT_RESET_REG, p->reset_port, 1, GAS_ACCESS_BYTE);
	t[FADT_RESET_VALUE] = p->reset_value;
	put64(t + FADT_X_FIRMWARE_CTRL, facs);
	put64(t + FADT_X_DSDT, dsdt);
	gas_io(t + FADT_X_PM1A_EVT_BLK, p->pm1a_evt, PC_PM1_EVT_LEN,
	       GAS_ACCESS_WORD);
	gas_io(t + FADT_X_PM1A_CNT_BLK, p->pm1a_cnt, PC_PM1_CNT_LEN,
	       GAS_ACCESS_WORD);
	gas_io(t + FADT_X_PM_TMR_BLK, p->pm_tmr, PC_PM_TMR_LEN,
	       GAS_ACCESS_DWORD);
	memcpy(t + FADT_HYPERVISOR_VENDOR, CREATOR_ID, 4);
	seal(t);
}

static uint8_t *madt_entry(uint8_t *e, uint8_t type, uint8_t len)
{
	e[0] = type;
	e[1] = len;
	return e + len;
}

static uint8_t *madt_iso(uint8_t *e, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	e[2] = MADT_ISA_BUS;
	e[3] = irq;
	put32(e + 4, gsi);
	put16(e + 8, flags);
	return madt_entry(e, MADT_ISO, MADT_ISO_LEN);
}

/* The 8259 pair is there (masked until a guest uses it): PCAT_COMPAT. */
static void build_madt(uint8_t *t, const struct acpi_platform *p)
{
	uint8_t *e = t + MADT_ENTRIES;

	header(t, "APIC", MADT_SIZE(p), MADT_REVISION);
	put32(t + MADT_LAPIC_ADDRESS, p->lapic_address);
	put32(t + MADT_FLAGS, MADT_PCAT_COMPAT);
	for (unsigned i = 0; i < p->vcpus; i++) {
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC ID */
		put32(e + 4, MADT_CPU_ENABLED);
		e = madt_entry(e, MADT_LOCAL_APIC, MADT_LOCAL_APIC_LEN);
	}
	e[2] = p->ioapic_id;
	put32(e + 4, p->ioapic_address);
	put32(e + 8, p->ioapic_gsi_base);
	e = madt_entry(e, MADT_IO_APIC, MADT_IO_APIC_LEN);
	e = madt_iso(e, PC_IRQ_PIT, p->ioapic_gsi_base + PC_GSI_PIT,
		     MPS_INTI_CONFORMS);
	e = madt_iso(e, p->sci_irq, p->ioapic_gsi_base + p->sci_irq,
		     MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL);
	/* the PCI interrupt on an ISA IRQ: level, active low, as PCI INTx
	 * (without this an OS takes the ISA default, edge, active high) */
	if (p->pci_root)
		e = madt_iso(e, (uint8_t)p->pci_gsi,
			     p->ioapic_gsi_base + p->pci_gsi,
			     MPS_INTI_ACTIVE_LOW | MPS_INTI_LEVEL);
	/* LINT1 of every local APIC is the NMI input, as on a PC. */
	e[2] = MADT_ALL_PROCESSORS;
	put16(e + 3, MPS_INTI_CONFORMS);
	e[5] = MADT_LINT1;
	madt_entry(e, MADT_LAPIC_NMI, MADT_LAPIC_NMI_LEN);
	seal(t);
}

static void build_roots(struct area *a, size_t xsdt, size_t rsdt,
			const uint32_t *tables)
{
	header(a->buf + xsdt, "XSDT", HDR_SIZE + 8 * XSDT_ENTRIES,
	       XSDT_REVISION);
	header(a->buf + rsdt, "RSDT", HDR_SIZE + 4 * XSDT_ENTRIES,
	       RSDT_REVISION);
	for (unsigned i = 0; i < XSDT_ENTRIES; i++) {
		put64(a->buf + xsdt + HDR_SIZE + 8 * i, tables[i]);
		put32(a->buf + rsdt + HDR_SIZE + 4 * i, tables[i]);
	}
	seal(a->buf + xsdt);
	seal(a->buf + rsdt);
}

static void build_rsdp(uint8_t *r, uint32_t rsdt, uint64_t xsdt)
{
	memcpy(r + RSDP_SIGNATURE, "RSD PTR ", 8);
	memcpy(r + RSDP_OEM_ID, OEM_ID, 6);
	r[RSDP_REVISION] = RSDP_REVISION_ACPI;
	put32(r + RSDP_RSDT, rsdt);
	put32(r + RSDP_LENGTH, RSDP_SIZE);
	put64(r + RSDP_XSDT, xsdt);
	r[RSDP_CHECKSUM] = checksum_of(r, RSDP_V1_SIZE);
	r[RSDP_EXT_CHECKSUM] = checksum_of(r, RSDP_SIZE);
}

void acpi_platform_pc(struct acpi_platform *p, unsigned vcpus,
		      unsigned virtio_count)
{
	*p = (struct acpi_platform){
		.vcpus = vcpus,
		.lapic_address = PC_LAPIC_ADDRESS,
		.ioapic_id = PC_IOAPIC_ID,
		.ioapic_address = PC_IOAPIC_ADDRESS,
		.ioapic_gsi_base = PC_IOAPIC_GSI_BASE,
		.sci_irq = PC_IRQ_SCI,
		.pm1a_evt = PC_PM1A_EVT,
		.pm1a_cnt = PC_PM1A_CNT,
		.pm_tmr = PC_PM_TMR,
		.reset_port = PC_RESET_PORT,
		.reset_value = PC_RESET_VALUE,
		.slp_typ_s5 = PC_SLP_TYP_S5,
		.rtc_century = PC_RTC_CENTURY,
		.i8042 = true,
		.com1_port = UART8250_COM1,
		.com1_irq = PC_IRQ_COM1,
		.pvpanic_port = PC_PVPANIC_PORT,
	};
	if (virtio_count > ACPI_TABLES_MMIO_MAX) {
		p->virtio_count = virtio_count; /* acpi_tables_build refuses */
		return;
	}
	acpi_platform_virtio_windows(p, (unsigned)BIT(virtio_count) - 1);
}

void acpi_platform_virtio_windows(struct acpi_platform *p, unsigned mask)
{
	p->virtio_count = 0;
	for (unsigned k = 0; k < PC_VIRTIO_MMIO_MAX; k++) {
		if (!(mask & BIT(k)) || p->virtio_count == ACPI_TABLES_MMIO_MAX)
			continue;
		p->virtio[p->virtio_count++] = (struct acpi_mmio_device){
			.base = (uint32_t)(VIRTIO_MMIO_BASE +
					   k * VIRTIO_MMIO_STRIDE),
			.size = VIRTIO_MMIO_SIZE,
			.gsi = PC_GSI_VIRTIO(k),
		};
	}
}

void acpi_platform_pci(struct acpi_platform *p, unsigned slot)
{
	p->pci_root = true;
	p->pci_slot = slot;
	p->pci_gsi = PC_GSI_PCI;
	p->pci_mem_base = PC_PCI_MEM_BASE;
	p->pci_mem_end = PC_PCI_MEM_END;
	p->pci_io_base = PC_PCI_IO_BASE;
	p->pci_io_end = PC_PCI_IO_END;
}

/* The GSI must be an ISA IRQ (its MADT override names one) that no
 * other device of the tables uses. */
static bool pci_gsi_free(const struct acpi_platform *p)
{
	if (p->pci_gsi >= ISA_IRQS || p->pci_gsi == PC_IRQ_PIT ||
	    p->pci_gsi == PC_GSI_PIT || p->pci_gsi == p->sci_irq)
		return false;
	for (unsigned k = 0; k < p->virtio_count && k < ACPI_TABLES_MMIO_MAX;
	     k++)
		if (p->virtio[k].gsi == p->pci_gsi)
			return false;
	return true;
}

static int check_pci(const struct acpi_platform *p, char *err, size_t n)
{
	if (!p->pci_root)
		return 0;
	if (p->pci_slot >= PCI_SLOTS || !pci_gsi_free(p)) {
		fmt_snprintf(err, n,
			     "PCI device %u on GSI %u: a slot is 0 to 31, the "
			     "GSI an ISA IRQ no other device uses",
			     p->pci_slot, p->pci_gsi);
		return -1;
	}
	if (p->pci_mem_base >= p->pci_mem_end ||
	    p->pci_io_base >= p->pci_io_end || p->pci_io_end > PCI_IO_LIMIT) {
		fmt_snprintf(err, n,
			     "PCI windows 0x%x-0x%x, I/O 0x%x-0x%x: empty, or "
			     "I/O beyond 0xffff",
			     p->pci_mem_base, p->pci_mem_end, p->pci_io_base,
			     p->pci_io_end);
		return -1;
	}
	return 0;
}

static int check_args(size_t size, gpa_t gpa, const struct acpi_platform *p,
		      char *err, size_t n)
{
	if (p->vcpus == 0 || p->vcpus > ACPI_TABLES_VCPUS_MAX) {
		fmt_snprintf(err, n, "%u vCPUs: the MADT can list 1 to %u",
			     p->vcpus, ACPI_TABLES_VCPUS_MAX);
		return -1;
	}
	if (p->virtio_count > ACPI_TABLES_MMIO_MAX) {
		fmt_snprintf(
			err, n,
			"%u virtio-mmio devices: the DSDT can list at most "
			"%u",
			p->virtio_count, ACPI_TABLES_MMIO_MAX);
		return -1;
	}
	if (check_pci(p, err, n))
		return -1;
	if (gpa % TABLE_ALIGN || gpa >= GPA_32BIT_LIMIT ||
	    size > GPA_32BIT_LIMIT - gpa) {
		fmt_snprintf(err, n,
			     "the area at 0x%lx is not 16-byte aligned below "
			     "4 GiB (the RSDT and FADT hold 32-bit addresses)",
			     (unsigned long)gpa);
		return -1;
	}
	return 0;
}

int acpi_tables_build(void *buf, size_t size, gpa_t gpa,
		      const struct acpi_platform *p, size_t *used, char *err,
		      size_t n)
{
	struct area a = {buf, 0};
	size_t rsdp, xsdt, rsdt, facs, fadt, madt, dsdt, aml_len;
	uint32_t tables[XSDT_ENTRIES];

	if (check_args(size, gpa, p, err, n))
		return -1;
	aml_len = dsdt_aml_size(p);
	rsdp = area_alloc(&a, RSDP_SIZE, TABLE_ALIGN);
	xsdt = area_alloc(&a, HDR_SIZE + 8 * XSDT_ENTRIES, TABLE_ALIGN);
	rsdt = area_alloc(&a, HDR_SIZE + 4 * XSDT_ENTRIES, TABLE_ALIGN);
	facs = area_alloc(&a, FACS_SIZE, FACS_ALIGN);
	fadt = area_alloc(&a, FADT_SIZE, TABLE_ALIGN);
	madt = area_alloc(&a, MADT_SIZE(p), TABLE_ALIGN);
	dsdt = area_alloc(&a, HDR_SIZE + aml_len, TABLE_ALIGN);
	if (a.used > size) {
		fmt_snprintf(err, n,
			     "the ACPI tables need %lu bytes, the area has %lu",
			     (unsigned long)a.used, (unsigned long)size);
		return -1;
	}
	memset(buf, 0, size);
	if (build_dsdt(a.buf + dsdt, p, aml_len)) {
		fmt_snprintf(err, n,
			     "the DSDT's AML did not come out as sized");
		return -1;
	}
	build_facs(a.buf + facs);
	build_fadt(a.buf + fadt, p, (uint32_t)(gpa + facs),
		   (uint32_t)(gpa + dsdt));
	build_madt(a.buf + madt, p);
	tables[0] = (uint32_t)(gpa + fadt);
	tables[1] = (uint32_t)(gpa + madt);
	build_roots(&a, xsdt, rsdt, tables);
	build_rsdp(a.buf + rsdp, (uint32_t)(gpa + rsdt), gpa + xsdt);
	*used = a.used;
	return 0;
}
