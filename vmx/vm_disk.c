/*
 * vmx/vm_disk.c - building a VM's disk: its backend (a RAM image, or a
 * raw or thin image on an area of a host ATA disk) and the virtio-blk
 * device in front of it.
 * Runs on the boot CPU while VMs are built (see vmx/vm_disk.h). The
 * guest's requests then run in the VM exit of its queue notify
 * (drivers/virt/virtio_blk.c), on whichever CPU runs its vCPU; a host
 * disk's queue has its own lock (drivers/block/ata_disk.c).
 */
#define LOG_PREFIX ""
#include "drivers/block/ata_disk.h"
#include "drivers/block/mbr.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/hw/ata_host.h"
#include "kernel/memory.h"
#include "kernel/pmm.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vm_disk.h"

#define HOST_DISKS_MAX 8 /* ata0-master to ata3-slave */
#define CLAIMS_MAX     VMS_MAX

/* One sector device per host disk, whichever VMs use it. */
static struct host_disk {
	struct ata_drive *drive;
	struct ata_disk dev;
} host_disks[HOST_DISKS_MAX];

/* The host-disk areas VMs have, to refuse overlapping writers. */
static struct disk_claim {
	const struct vm_config *cfg;
	struct ata_drive *drive;
	uint64_t first, sectors;
} claims[CLAIMS_MAX];
static unsigned claim_count;

/* The disk's virtio-mmio line (level) */
static void vm_blk_irq(void *ctx, bool level)
{
	vm_set_irq(ctx, PC_IRQ_VIRTIO_BLK, level);
}

static void *vm_ram_map(void *ctx, gpa_t gpa, uint64_t len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
}

static struct sector_dev *host_disk_dev(struct ata_drive *drive)
{
	for (unsigned i = 0; i < HOST_DISKS_MAX; i++) {
		struct host_disk *h = &host_disks[i];

		if (h->drive == drive)
			return &h->dev.dev;
		if (!h->drive) {
			h->drive = drive;
			ata_disk_init(&h->dev, drive, virt_to_phys, ata_poll);
			return &h->dev.dev;
		}
	}
	return NULL;
}

/* Sector 0 of the disk, read into a page below 4 GiB (for DMA). */
static int read_mbr(struct sector_dev *dev, uint8_t mbr[MBR_SIZE])
{
	hpa_t page = pmm_alloc_range(&host_pmm, 1, PAGE_SIZE, 4 * GIB);
	struct sector_extent whole = {dev, 0, dev->sectors};
	int r;

	if (!page)
		return -1;
	r = sector_extent_io(&whole, SECTOR_READ, 0, phys_to_virt(page), 1);
	memcpy(mbr, phys_to_virt(page), MBR_SIZE);
	page_free(page, 1);
	return r;
}

/* The area of the host disk that the spec names. */
static int host_area(const struct disk_spec *d, struct sector_dev *dev,
		     struct sector_extent *ext, char *err, size_t n)
{
	uint8_t mbr[MBR_SIZE];
	char why[128];

	*ext = (struct sector_extent){dev, 0, dev->sectors};
	switch (d->area) {
	case DISK_WHOLE: return 0;
	case DISK_EXTENT:
		ext->first = d->first;
		ext->sectors = d->sectors;
		if (sector_extent_valid(ext))
			return 0;
		return fmt_fail(err, n,
				"the extent @%llu+%llu ends past the end of "
				"%s (%llu sectors)",
				(unsigned long long)d->first,
				(unsigned long long)d->sectors, d->name,
				(unsigned long long)dev->sectors);
	case DISK_PARTITION: break;
	}
	if (read_mbr(dev, mbr))
		return fmt_fail(err, n, "cannot read sector 0 of %s", d->name);
	if (mbr_partition(mbr, d->partition, dev->sectors, &ext->first,
			  &ext->sectors, why, sizeof(why)))
		return fmt_fail(err, n, "%s: %s", d->name, why);
	return 0;
}

static bool overlap(const struct disk_claim *c, struct ata_drive *drive,
		    const struct sector_extent *e)
{
	return c->drive == drive && c->first < e->first + e->sectors &&
	       e->first < c->first + c->sectors;
}

/* No other VM may write sectors this one has, nor have sectors this one
 * writes, unless both say `shared`. */
static int claim_area(const struct vm_config *cfg, struct ata_drive *drive,
		      const struct sector_extent *e, char *err, size_t n)
{
	for (unsigned i = 0; i < claim_count; i++) {
		const struct disk_claim *c = &claims[i];
		const struct disk_spec *o = &c->cfg->disk;

		if (!overlap(c, drive, e) ||
		    (o->read_only && cfg->disk.read_only) ||
		    (o->shared && cfg->disk.shared))
			continue;
		return fmt_fail(err, n,
				"sectors %llu to %llu of %s are also the "
				"disk of vm %s (line %u); give each VM its "
				"own area, or say shared on both",
				(unsigned long long)MAX(e->first, c->first),
				(unsigned long long)MIN(e->first + e->sectors,
							c->first + c->sectors) -
					1,
				drive->name, c->cfg->name, c->cfg->disk_line);
	}
	if (claim_count == CLAIMS_MAX)
		return fmt_fail(err, n, "too many VMs with host disks");
	claims[claim_count++] =
		(struct disk_claim){cfg, drive, e->first, e->sectors};
	return 0;
}

void vm_disk_release(const struct vm_config *cfg)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < claim_count; i++)
		if (claims[i].cfg != cfg)
			claims[kept++] = claims[i];
	claim_count = kept;
}

static int open_thin(struct vm *vm, const struct sector_extent *e,
		     const char *name, bool ro, char *err, size_t n)
{
	struct thin_header h;
	char why[128];
	hpa_t mem;
	uint64_t pages;

	if (thin_read_header(e, &h, why, sizeof(why)))
		return fmt_fail(err, n,
				"%s holds no thin image: %s (make one with "
				"scripts/hv-disk create --thin, or say raw)",
				name, why);
	pages = ALIGN_UP(thin_mem_bytes(&h), PAGE_SIZE) / PAGE_SIZE;
	mem = page_alloc_zeroed(pages);
	if (!mem)
		return fmt_fail(err, n, "no memory for the thin map of %s",
				name);
	vm->overhead_bytes += pages * PAGE_SIZE;
	if (thin_open(&vm->disk.thin, name, e, &h, phys_to_virt(mem), ro, why,
		      sizeof(why)))
		return fmt_fail(err, n,
				"%s: the thin image is damaged: %s "
				"(scripts/hv-disk check says more)",
				name, why);
	return 0;
}

static int open_host(struct vm *vm, const struct disk_spec *d, char *err,
		     size_t n)
{
	struct ata_drive *drive = ata_disk_find(d->name);
	struct sector_dev *dev;
	struct sector_extent e;

	if (!drive)
		return fmt_fail(err, n,
				"no host disk %s (the ata lines of the boot "
				"log list the disks found)",
				d->name);
	dev = host_disk_dev(drive);
	if (!dev || host_area(d, dev, &e, err, n) ||
	    claim_area(vm->config, drive, &e, err, n))
		return dev ? -1 : fmt_fail(err, n, "too many host disks");
	if (d->thin)
		return open_thin(vm, &e, vm->disk_name, d->read_only, err, n);
	if (raw_open(&vm->disk.raw, vm->disk_name, &e, d->read_only))
		return fmt_fail(err, n, "%s: an empty area", vm->disk_name);
	return 0;
}

static int open_module(struct vm *vm, const struct disk_spec *d,
		       const struct boot_info *bi, char *err, size_t n)
{
	const struct boot_module *m = boot_info_module(bi, d->name);

	if (!m || ramdisk_init(&vm->disk.ram, m->name, phys_to_virt(m->start),
			       m->size, d->read_only))
		return fmt_fail(err, n,
				"disk '%s' is not a boot module of whole "
				"512-byte sectors",
				d->name);
	return 0;
}

static int open_backend(struct vm *vm, const struct vm_config *cfg,
			const struct boot_info *bi, char *err, size_t n)
{
	const struct disk_spec *d = &cfg->disk;

	disk_spec_source(d, vm->disk_name, sizeof(vm->disk_name));
	if (d->source == DISK_MODULE)
		return open_module(vm, d, bi, err, n);
	if (open_host(vm, d, err, n))
		return -1;
	return 0;
}

static void print_disk(const struct vm *vm, const struct vm_config *cfg)
{
	const struct disk_spec *d = &cfg->disk;
	const struct blk_backend *b = &vm->disk.backend;
	char thin[64] = "";

	if (d->thin)
		fmt_snprintf(thin, sizeof(thin),
			     ", %llu of %llu blocks "
			     "allocated",
			     (unsigned long long)vm->disk.thin.allocated,
			     (unsigned long long)vm->disk.thin.hdr.map_entries);
	pr_info("vm %s: disk %s (%s%s, %lu sectors%s%s) as virtio-blk at 0x%lx",
		vm->name, vm->disk_name,
		d->source == DISK_MODULE ? "RAM image"
		: d->thin		 ? "thin"
					 : "raw",
		d->source == DISK_MODULE ? "" : " on a host disk",
		(unsigned long)b->sectors, thin,
		b->read_only ? ", read-only" : "",
		(unsigned long)VIRTIO_MMIO_BASE);
}

void vm_disk_stats(const struct vm *vm, char *buf, size_t n)
{
	const struct virtio_mmio_stats *s = &vm->blk.mmio.stats;

	fmt_snprintf(buf, n,
		     "%lu requests (%lu failed), %lu notifications, %lu "
		     "register accesses, %lu interrupts",
		     (unsigned long)vm->blk.requests,
		     (unsigned long)vm->blk.errors, (unsigned long)s->notifies,
		     (unsigned long)s->accesses, (unsigned long)s->interrupts);
}

/* The driver let go of the disk (a guest unbinding its driver, a
 * kexec): what it did so far, once it did anything. */
static void vm_blk_driver_reset(void *ctx, const struct virtio_mmio *m)
{
	const struct vm *vm = ctx;
	char stats[160];

	UNUSED(m);
	if (!vm->blk.requests)
		return;
	vm_disk_stats(vm, stats, sizeof(stats));
	pr_info("vm %s: disk reset by its driver after %s", vm->name, stats);
}

int vm_add_disk(struct vm *vm, const struct vm_config *cfg,
		const struct boot_info *bi, char *err, size_t n)
{
	struct mmio_device window;
	char name[96];

	if (cfg->disk.source == DISK_NONE)
		return 0;
	if (open_backend(vm, cfg, bi, err, n))
		return -1;
	if (vm->ram_size > VIRTIO_MMIO_BASE)
		return fmt_fail(err, n,
				"its RAM would cover the device windows at "
				"0x%lx: a VM with a disk has at most %lu MiB",
				(unsigned long)VIRTIO_MMIO_BASE,
				(unsigned long)(VIRTIO_MMIO_BASE / MIB));
	vm->ram_access = (struct guest_ram){vm_ram_map, vm};
	fmt_snprintf(name, sizeof(name), "vm %s: virtio-blk at 0x%lx", vm->name,
		     (unsigned long)VIRTIO_MMIO_BASE);
	virtio_blk_init(&vm->blk, &vm->disk.backend, name, VIRTIO_MMIO_BASE,
			&vm->ram_access);
	virtio_mmio_set_irq(&vm->blk.mmio, vm_blk_irq, vm);
	virtio_mmio_set_reset_hook(&vm->blk.mmio, vm_blk_driver_reset, vm);
	window = virtio_mmio_device(&vm->blk.mmio);
	if (mmiobus_add(&vm->mmio, &window))
		return fmt_fail(err, n, "no room on its MMIO bus for the disk");
	vm->has_disk = true;
	print_disk(vm, cfg);
	return 0;
}
