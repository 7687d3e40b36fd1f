/*
 * drivers/hw/ahci_host.c - the hardware half of the AHCI driver: PCI
 * AHCI controllers, their ABAR as 32-bit memory accesses, the TSC as
 * the core's clock, the DMA shares of the ports, and the table of
 * disks.
 * ahci_host_init: boot CPU at start-up; ahci_poll: any CPU.
 * Serial ATA AHCI 1.3.1, "PCI Header" ("ABAR - AHCI Base Address"),
 * "System Software Initialization"; PCI Local Bus Specification,
 * "Command Register".
 */
#define LOG_PREFIX "ahci: "
#include "arch/x86_64/cpu.h"
#include "drivers/hw/ahci_host.h"
#include "drivers/hw/ata.h"
#include "lib/log.h"
#include "lib/string.h"

static struct ahci_hba hbas[AHCI_HOST_CONTROLLERS];
static struct ahci_mmio_ops mmio[AHCI_HOST_CONTROLLERS];
static unsigned hba_count;
static struct ahci_port *disks[AHCI_HOST_DISKS];
static unsigned disk_count;

static uint32_t abar_read32(void *ctx, uint32_t offset)
{
	return ((volatile uint32_t *)ctx)[offset / 4];
}

static void abar_write32(void *ctx, uint32_t offset, uint32_t value)
{
	((volatile uint32_t *)ctx)[offset / 4] = value;
}

static uint64_t tsc_clock(void *ctx)
{
	return rdtsc();
}

static const char *const found_names[] = {
	[AHCI_FOUND_ATAPI] = "ATAPI (packet) device, not driven",
	[AHCI_FOUND_OTHER] = "a port multiplier or enclosure bridge, not "
			     "driven",
};

static void log_port(const struct ahci_port *p)
{
	char size[24];

	switch (p->found) {
	case AHCI_FOUND_NOTHING: return;
	case AHCI_FOUND_FAILED:
		pr_warn("%s: a device that did not come up: %s", p->name,
			p->why);
		return;
	case AHCI_FOUND_ATAPI:
	case AHCI_FOUND_OTHER:
		pr_info("%s: %s", p->name, found_names[p->found]);
		return;
	case AHCI_FOUND_DISK: break;
	}
	ata_format_size(p->id.sectors, size, sizeof(size));
	pr_info("%s: disk \"%s\", %lu sectors (%s), %s, AHCI DMA, SATA gen %u "
		"link",
		p->name, p->id.model, (unsigned long)p->id.sectors, size,
		p->id.lba48 ? "LBA48" : "LBA28", p->link_gen);
}

static void probe_ports(struct ahci_hba *hba, uint8_t *dma, hpa_t dma_pa)
{
	for (unsigned p = 0; p < AHCI_PORTS_MAX; p++) {
		uint64_t off = (uint64_t)disk_count * AHCI_PORT_DMA_BYTES;
		struct ahci_port_dma share = {dma + off, dma_pa + off};

		if (!ahci_port_implemented(hba, p))
			continue;
		if (disk_count == AHCI_HOST_DISKS) {
			pr_warn("%s: more than %u disks; port %u and after "
				"not probed",
				hba->name, AHCI_HOST_DISKS, p);
			return;
		}
		if (ahci_port_probe(hba, p, &share) == AHCI_FOUND_DISK)
			disks[disk_count++] = &hba->port[p];
		log_port(&hba->port[p]);
	}
}

static void add_controller(const struct pci_cfg_ops *pci,
			   const struct pci_device *dev, ahci_map_fn map,
			   uint8_t *dma, hpa_t dma_pa, uint64_t ticks_per_ms)
{
	const struct pci_bar *bar = &dev->bar[AHCI_PCI_ABAR];
	struct ahci_hba *hba = &hbas[hba_count];
	void *abar = NULL;
	char why[64];

	if ((bar->kind == PCI_BAR_MEM32 || bar->kind == PCI_BAR_MEM64) &&
	    bar->base)
		abar = map(bar->base, AHCI_ABAR_BYTES);
	if (!abar) {
		pr_warn("%02x:%02x.%x: ABAR (BAR5) is not a memory BAR the "
			"hypervisor maps; controller skipped",
			PCI_BDF_BUS(dev->bdf), PCI_BDF_DEV(dev->bdf),
			PCI_BDF_FN(dev->bdf));
		return;
	}
	pci_enable(pci, dev->bdf, PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER);
	mmio[hba_count] = (struct ahci_mmio_ops){abar_read32, abar_write32,
						 tsc_clock, abar};
	if (ahci_hba_init(hba, hba_count, &mmio[hba_count], ticks_per_ms, why,
			  sizeof(why))) {
		pr_warn("%02x:%02x.%x: %s; controller skipped",
			PCI_BDF_BUS(dev->bdf), PCI_BDF_DEV(dev->bdf),
			PCI_BDF_FN(dev->bdf), why);
		return;
	}
	hba_count++;
	pr_info("%02x:%02x.%x: %s, AHCI %x.%x at 0x%lx, ports 0x%x, %u "
		"command slots, %s DMA%s",
		PCI_BDF_BUS(dev->bdf), PCI_BDF_DEV(dev->bdf),
		PCI_BDF_FN(dev->bdf), hba->name, hba->version >> 16,
		(hba->version >> 8) & 0xff, (unsigned long)bar->base, hba->pi,
		hba->slots, hba->addr64 ? "64-bit" : "32-bit",
		hba->bios_owned ? ", taken over from the firmware" : "");
	probe_ports(hba, dma, dma_pa);
}

unsigned ahci_host_init(const struct pci_cfg_ops *pci,
			const struct pci_scan *scan, ahci_map_fn map, void *dma,
			hpa_t dma_pa, uint64_t ticks_per_ms)
{
	for (unsigned i = 0; hba_count < AHCI_HOST_CONTROLLERS; i++) {
		const struct pci_device *dev = pci_find_class(
			scan, PCI_CLASS_STORAGE, AHCI_PCI_SUBCLASS_SATA, i);

		if (!dev)
			break;
		if (dev->prog_if != AHCI_PCI_PROGIF_AHCI)
			continue;
		add_controller(pci, dev, map, dma, dma_pa, ticks_per_ms);
	}
	return disk_count;
}

void ahci_poll(void)
{
	uint64_t now = rdtsc();

	for (unsigned i = 0; i < disk_count; i++)
		ahci_port_poll(disks[i], now);
}

unsigned ahci_disk_count(void)
{
	return disk_count;
}

struct ahci_port *ahci_disk(unsigned index)
{
	return index < disk_count ? disks[index] : NULL;
}

struct ahci_port *ahci_disk_find(const char *name)
{
	for (unsigned i = 0; i < disk_count; i++)
		if (!strcmp(disks[i]->name, name))
			return disks[i];
	return NULL;
}
