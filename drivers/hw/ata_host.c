/*
 * drivers/hw/ata_host.c - the hardware half of the ATA driver: PCI IDE
 * controllers, their ports, port I/O for drivers/hw/ata.c, the TSC as
 * its clock, and the table of disks.
 * ata_host_init: boot CPU at start-up; ata_poll: any CPU.
 * Intel PIIX3/PIIX4 datasheets, "PCI IDE Controller"; PCI IDE Controller
 * Specification, "Programming Interface"; SFF-8038i.
 */
#define LOG_PREFIX "ata: "
#include "arch/x86_64/cpu.h"
#include "drivers/hw/ata_host.h"
#include "lib/log.h"
#include "lib/string.h"

#define PRD_TABLE_BYTES (ATA_PRD_MAX * sizeof(struct ata_prd))
_Static_assert(ATA_HOST_PRD_BYTES == ATA_HOST_CHANNELS * PRD_TABLE_BYTES,
	       "ATA_HOST_PRD_BYTES holds every channel's PRD table");
_Static_assert(ATA_PRD_BOUNDARY % ATA_HOST_PRD_BYTES == 0,
	       "the PRD tables, aligned to their size, cross no 64 KiB");

static struct ata_channel channels[ATA_HOST_CHANNELS];
static uint16_t channel_bdf[ATA_HOST_CHANNELS]; /* its controller */
static unsigned channel_count;
static struct ata_drive *disks[2 * ATA_HOST_CHANNELS];
static unsigned disk_count;

static uint8_t port_in8(void *ctx, uint16_t port)
{
	return inb(port);
}

static void port_out8(void *ctx, uint16_t port, uint8_t value)
{
	outb(port, value);
}

static void port_out32(void *ctx, uint16_t port, uint32_t value)
{
	outl(port, value);
}

static void port_in16_rep(void *ctx, uint16_t port, uint16_t *buf,
			  unsigned words)
{
	insw(port, buf, words);
}

static void port_out16_rep(void *ctx, uint16_t port, const uint16_t *buf,
			   unsigned words)
{
	outsw(port, buf, words);
}

static const struct ata_port_ops port_ops = {
	.in8 = port_in8,
	.out8 = port_out8,
	.out32 = port_out32,
	.in16_rep = port_in16_rep,
	.out16_rep = port_out16_rep,
};

/* Where a channel's registers are: its BARs in native mode, the legacy
 * ports in compatibility mode. */
struct channel_ports {
	uint16_t cmd, ctl, bm;
};

static const struct {
	uint8_t native_bit;
	unsigned cmd_bar, ctl_bar;
	uint16_t legacy_cmd, legacy_ctl;
} channel_layout[2] = {
	{ATA_PROGIF_PRIMARY_NATIVE, ATA_BAR_PRIMARY_CMD, ATA_BAR_PRIMARY_CTL,
	 ATA_PRIMARY_CMD, ATA_PRIMARY_CTL},
	{ATA_PROGIF_SECONDARY_NATIVE, ATA_BAR_SECONDARY_CMD,
	 ATA_BAR_SECONDARY_CTL, ATA_SECONDARY_CMD, ATA_SECONDARY_CTL},
};

static int channel_ports(const struct pci_device *d, unsigned c,
			 struct channel_ports *p)
{
	const struct pci_bar *bm = &d->bar[ATA_BAR_BUS_MASTER];

	p->cmd = channel_layout[c].legacy_cmd;
	p->ctl = channel_layout[c].legacy_ctl;
	if (d->prog_if & channel_layout[c].native_bit) {
		const struct pci_bar *cmd = &d->bar[channel_layout[c].cmd_bar];
		const struct pci_bar *ctl = &d->bar[channel_layout[c].ctl_bar];

		if (cmd->kind != PCI_BAR_PORTS || ctl->kind != PCI_BAR_PORTS)
			return -1;
		p->cmd = (uint16_t)cmd->base;
		p->ctl = (uint16_t)(ctl->base + ATA_NATIVE_CTL_OFF);
	}
	p->bm = 0;
	if (bm->kind == PCI_BAR_PORTS)
		p->bm = (uint16_t)(bm->base + c * ATA_BM_CHANNEL_STRIDE);
	return 0;
}

static void log_drive(const struct ata_drive *d)
{
	char size[24];

	if (d->atapi) {
		pr_info("%s: ATAPI (packet) device, not driven", d->name);
		return;
	}
	if (!d->present)
		return;
	ata_format_size(d->id.sectors, size, sizeof(size));
	pr_info("%s: disk \"%s\", %lu sectors (%s), %s, %s", d->name,
		d->id.model, (unsigned long)d->id.sectors, size,
		d->id.lba48 ? "LBA48" : "LBA28",
		d->use_dma ? "bus-master DMA" : "PIO");
}

static void add_channel(const struct pci_device *dev, unsigned c,
			uint8_t *dma_page, hpa_t dma_page_pa,
			uint64_t ticks_per_ms)
{
	unsigned i = channel_count;
	struct ata_channel *ch = &channels[i];
	struct channel_ports p;

	if (channel_ports(dev, c, &p)) {
		pr_warn("ata%u: native-mode channel without I/O BARs, skipped",
			i);
		return;
	}
	channel_count++;
	channel_bdf[i] = dev->bdf;
	ata_channel_init(ch, i, p.cmd, p.ctl, p.bm, &port_ops,
			 (struct ata_prd *)(dma_page + i * PRD_TABLE_BYTES),
			 (uint32_t)(dma_page_pa + i * PRD_TABLE_BYTES),
			 ticks_per_ms);
	ata_channel_probe(ch);
	for (unsigned u = 0; u < 2; u++) {
		log_drive(&ch->drive[u]);
		if (ch->drive[u].present)
			disks[disk_count++] = &ch->drive[u];
	}
}

static void add_controller(const struct pci_cfg_ops *pci,
			   const struct pci_device *dev, uint8_t *dma_page,
			   hpa_t dma_page_pa, uint64_t ticks_per_ms)
{
	struct channel_ports p0, p1;
	bool ok0 = !channel_ports(dev, 0, &p0),
	     ok1 = !channel_ports(dev, 1, &p1);

	pci_enable(pci, dev->bdf, PCI_CMD_IO | PCI_CMD_BUS_MASTER);
	pr_info("%02x:%02x.%x: channels ata%u at 0x%x/0x%x, ata%u at "
		"0x%x/0x%x (%s mode), bus master %s0x%x",
		PCI_BDF_BUS(dev->bdf), PCI_BDF_DEV(dev->bdf),
		PCI_BDF_FN(dev->bdf), channel_count, ok0 ? p0.cmd : 0,
		ok0 ? p0.ctl : 0, channel_count + 1, ok1 ? p1.cmd : 0,
		ok1 ? p1.ctl : 0,
		dev->prog_if & (ATA_PROGIF_PRIMARY_NATIVE |
				ATA_PROGIF_SECONDARY_NATIVE)
			? "native"
			: "compatibility",
		p0.bm ? "at " : "none ", p0.bm);
	for (unsigned c = 0; c < 2; c++)
		add_channel(dev, c, dma_page, dma_page_pa, ticks_per_ms);
}

unsigned ata_host_init(const struct pci_cfg_ops *pci,
		       const struct pci_scan *scan, void *dma_page,
		       hpa_t dma_page_pa, uint64_t ticks_per_ms)
{
	const struct pci_device *dev;

	for (unsigned i = 0; i < ATA_HOST_CONTROLLERS; i++) {
		dev = pci_find_class(scan, PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE,
				     i);
		if (!dev)
			break;
		add_controller(pci, dev, dma_page, dma_page_pa, ticks_per_ms);
	}
	if (!channel_count)
		pr_info("no IDE controller on PCI");
	return disk_count;
}

void ata_poll(void)
{
	uint64_t now = rdtsc();

	for (unsigned i = 0; i < channel_count; i++)
		ata_channel_poll(&channels[i], now);
}

unsigned ata_disk_count(void)
{
	return disk_count;
}

struct ata_drive *ata_disk(unsigned index)
{
	return index < disk_count ? disks[index] : NULL;
}

struct ata_drive *ata_disk_find(const char *name)
{
	for (unsigned i = 0; i < disk_count; i++)
		if (!strcmp(disks[i]->name, name))
			return disks[i];
	return NULL;
}

uint16_t ata_host_bdf(const struct ata_drive *d)
{
	return channel_bdf[d->chan - channels];
}
