/*
 * vmx/vm_disk.c - building a VM's disk: its backend (a RAM image, or a
 * raw or thin image on an area of a host ATA or AHCI disk) and the
 * virtio-blk device in front of it.
 * Runs on the boot CPU while VMs are built (see vmx/vm_disk.h). The
 * guest's requests then run in the VM exit of its queue notify
 * (drivers/virt/virtio_blk.c), on whichever CPU runs its vCPU; a host
 * disk's queue has its own lock (drivers/block/ata_disk.c,
 * drivers/block/ahci_disk.c; drivers/block/host_disk.c finds them).
 */
#define LOG_PREFIX ""
#include "arch/x86_64/cpu.h"
#include "drivers/block/host_disk.h"
#include "drivers/block/mbr.h"
#include "drivers/virt/pc_platform.h"
#include "kernel/memory.h"
#include "kernel/pmm.h"
#include "kernel/tsc.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vm_disk.h"

#define CLAIMS_MAX (VMS_MAX * VM_DISKS_MAX)

/* The longest a disk's answer waits for others before the guest is
 * interrupted (VIRTIO_BLK_COALESCE, docs/virtio.md): a few requests'
 * time on a slow disk, so that a driver with many in flight hears of
 * several at once, and a bound on what that costs one request. */
#define VM_DISK_IRQ_HOLD_US 10000

/* The host-disk areas VMs have, to refuse overlapping writers. */
static struct disk_claim {
	const struct vm_config *cfg;
	const struct disk_spec *spec; /* which of its disks */
	unsigned line;		      /* and where it is configured */
	struct sector_dev *drive;     /* the host disk (host_disk_open) */
	uint64_t first, sectors;
} claims[CLAIMS_MAX];
static unsigned claim_count;

/* A disk's virtio-mmio line (level): the GSI of its window. */
static void vm_blk_irq(void *ctx, bool level)
{
	struct vm_disk *disk = ctx;

	vm_set_irq(disk->vm, PC_GSI_VIRTIO(disk->window), level);
}

static void *vm_ram_map(void *ctx, gpa_t gpa, uint64_t len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
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

static bool overlap(const struct disk_claim *c, struct sector_dev *drive,
		    const struct sector_extent *e)
{
	return c->drive == drive && c->first < e->first + e->sectors &&
	       e->first < c->first + c->sectors;
}

/* No other disk (of another VM, or another of this VM's) may write
 * sectors this one has, nor have sectors this one writes, unless both
 * say `shared` (or both are ro). */
static int claim_area(const struct vm_config *cfg, const struct disk_spec *d,
		      unsigned line, struct sector_dev *drive,
		      const struct sector_extent *e, char *err, size_t n)
{
	for (unsigned i = 0; i < claim_count; i++) {
		const struct disk_claim *c = &claims[i];
		const struct disk_spec *o = c->spec;

		if (!overlap(c, drive, e) || (o->read_only && d->read_only) ||
		    (o->shared && d->shared))
			continue;
		return fmt_fail(err, n,
				"sectors %llu to %llu of %s are also the "
				"disk of vm %s (line %u); give each VM its "
				"own area, or say shared on both",
				(unsigned long long)MAX(e->first, c->first),
				(unsigned long long)MIN(e->first + e->sectors,
							c->first + c->sectors) -
					1,
				drive->name, c->cfg->name, c->line);
	}
	if (claim_count == CLAIMS_MAX)
		return fmt_fail(err, n, "too many VMs with host disks");
	claims[claim_count++] = (struct disk_claim){
		cfg, d, line, drive, e->first, e->sectors,
	};
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

static int open_thin(struct vm *vm, struct vm_disk *disk,
		     const struct sector_extent *e, bool ro, char *err,
		     size_t n)
{
	const char *name = disk->name;
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
	if (thin_open(&disk->b.thin, name, e, &h, phys_to_virt(mem), ro, why,
		      sizeof(why)))
		return fmt_fail(err, n,
				"%s: the thin image is damaged: %s "
				"(scripts/hv-disk check says more)",
				name, why);
	return 0;
}

/* Disk d of the VM on an area of a host disk. */
static int open_host(struct vm *vm, unsigned d, char *err, size_t n)
{
	const struct disk_spec *spec = &vm->config->disks[d];
	struct vm_disk *disk = &vm->disks[d];
	struct sector_dev *dev = host_disk_open(spec->name);
	struct sector_extent e;

	if (!dev)
		return fmt_fail(err, n,
				"no host disk %s (the ata and ahci lines of "
				"the boot log list the disks found)",
				spec->name);
	if (host_area(spec, dev, &e, err, n) ||
	    claim_area(vm->config, spec, vm->config->disk_lines[d], dev, &e,
		       err, n))
		return -1;
	if (spec->thin)
		return open_thin(vm, disk, &e, spec->read_only, err, n);
	if (raw_open(&disk->b.raw, disk->name, &e, spec->read_only))
		return fmt_fail(err, n, "%s: an empty area", disk->name);
	return 0;
}

static int open_module(struct vm_disk *disk, const struct disk_spec *spec,
		       const struct boot_info *bi, char *err, size_t n)
{
	const struct boot_module *m = boot_info_module(bi, spec->name);

	if (!m || ramdisk_init(&disk->b.ram, m->name, phys_to_virt(m->start),
			       m->size, spec->read_only))
		return fmt_fail(err, n,
				"disk '%s' is not a boot module of whole "
				"512-byte sectors",
				spec->name);
	return 0;
}

static int open_backend(struct vm *vm, unsigned d, const struct boot_info *bi,
			char *err, size_t n)
{
	const struct disk_spec *spec = &vm->config->disks[d];
	struct vm_disk *disk = &vm->disks[d];

	disk_spec_source(spec, disk->name, sizeof(disk->name));
	if (spec->source == DISK_MODULE)
		return open_module(disk, spec, bi, err, n);
	return open_host(vm, d, err, n);
}

static gpa_t window_base(const struct vm_disk *disk)
{
	return VIRTIO_MMIO_BASE + disk->window * VIRTIO_MMIO_STRIDE;
}

static void print_disk(const struct vm *vm, unsigned d)
{
	const struct disk_spec *spec = &vm->config->disks[d];
	const struct vm_disk *disk = &vm->disks[d];
	const struct blk_backend *b = &disk->b.backend;
	char thin[64] = "";

	if (spec->thin)
		fmt_snprintf(thin, sizeof(thin),
			     ", %llu of %llu blocks allocated",
			     (unsigned long long)disk->b.thin.allocated,
			     (unsigned long long)disk->b.thin.hdr.map_entries);
	pr_info("vm %s: disk %s (%s%s, %lu sectors%s%s) as virtio-blk at 0x%lx",
		vm->name, disk->name,
		spec->source == DISK_MODULE ? "RAM image"
		: spec->thin		    ? "thin"
					    : "raw",
		spec->source == DISK_MODULE ? "" : " on a host disk",
		(unsigned long)b->sectors, thin,
		b->read_only ? ", read-only" : "",
		(unsigned long)window_base(disk));
}

void vm_disk_stats(const struct vm_disk *disk, char *buf, size_t n)
{
	const struct virtio_mmio_stats *s = &disk->blk.mmio.stats;

	fmt_snprintf(buf, n,
		     "%lu requests (%lu failed), %lu notifications, %lu "
		     "register accesses, %lu interrupts",
		     (unsigned long)disk->blk.requests,
		     (unsigned long)disk->blk.errors,
		     (unsigned long)s->notifies, (unsigned long)s->accesses,
		     (unsigned long)s->interrupts);
}

/* "disk" for the first, "disk 1", "disk 2", ... for the others. */
void vm_disk_label(const struct vm_disk *disk, char *buf, size_t n)
{
	unsigned d = (unsigned)(disk - disk->vm->disks);

	if (d)
		fmt_snprintf(buf, n, "disk %u", d);
	else
		fmt_snprintf(buf, n, "disk");
}

/* The driver let go of the disk (a guest unbinding its driver, a
 * kexec): what it did so far, once it did anything. */
static void vm_blk_driver_reset(void *ctx, const struct virtio_mmio *m)
{
	const struct vm_disk *disk = ctx;
	char stats[160], label[16];

	UNUSED(m);
	if (!disk->blk.requests)
		return;
	vm_disk_stats(disk, stats, sizeof(stats));
	vm_disk_label(disk, label, sizeof(label));
	pr_info("vm %s: %s reset by its driver after %s", disk->vm->name, label,
		stats);
}

/* Disk d: its backend, and its virtio-blk in window
 * PC_VIRTIO_DISK_WINDOW(d) with that window's interrupt. */
static int add_disk(struct vm *vm, unsigned d, const struct boot_info *bi,
		    char *err, size_t n)
{
	struct vm_disk *disk = &vm->disks[d];
	struct mmio_device window;
	char name[96];

	disk->vm = vm;
	disk->window = PC_VIRTIO_DISK_WINDOW(d);
	if (open_backend(vm, d, bi, err, n))
		return -1;
	fmt_snprintf(name, sizeof(name), "vm %s: virtio-blk at 0x%lx", vm->name,
		     (unsigned long)window_base(disk));
	virtio_blk_init(&disk->blk, &disk->b.backend, name, window_base(disk),
			&vm->ram_access,
			tsc_ns_to_ticks(VM_DISK_IRQ_HOLD_US * 1000ULL));
	virtio_mmio_set_irq(&disk->blk.mmio, vm_blk_irq, disk);
	virtio_mmio_set_reset_hook(&disk->blk.mmio, vm_blk_driver_reset, disk);
	window = virtio_blk_device(&disk->blk);
	if (mmiobus_add(&vm->mmio, &window))
		return fmt_fail(err, n, "no room on its MMIO bus for the disk");
	vm->disk_count = d + 1;
	print_disk(vm, d);
	return 0;
}

int vm_add_disks(struct vm *vm, const struct vm_config *cfg,
		 const struct boot_info *bi, char *err, size_t n)
{
	if (!cfg->disk_count)
		return 0;
	if (vm->ram_size > VIRTIO_MMIO_BASE)
		return fmt_fail(err, n,
				"its RAM would cover the device windows at "
				"0x%lx: a VM with a disk has at most %lu MiB",
				(unsigned long)VIRTIO_MMIO_BASE,
				(unsigned long)(VIRTIO_MMIO_BASE / MIB));
	vm->ram_access = (struct guest_ram){vm_ram_map, vm};
	for (unsigned d = 0; d < cfg->disk_count; d++)
		if (add_disk(vm, d, bi, err, n))
			return -1;
	return 0;
}

unsigned vm_disk_windows(const struct vm *vm)
{
	unsigned mask = 0;

	for (unsigned d = 0; d < vm->disk_count; d++)
		mask |= BIT(vm->disks[d].window);
	return mask;
}

bool vm_disk_poll(struct vm *vm)
{
	bool busy = false;

	for (unsigned d = 0; d < vm->disk_count; d++) {
		struct virtio_blk *b = &vm->disks[d].blk;

		if (!virtio_blk_busy(b))
			continue;
		virtio_blk_poll(b, rdtsc());
		busy |= virtio_blk_busy(b);
	}
	return busy;
}

void vm_disk_drain(struct vm *vm)
{
	while (vm_disk_poll(vm))
		cpu_relax();
}

void vm_disk_reset(struct vm *vm)
{
	for (unsigned d = 0; d < vm->disk_count; d++)
		virtio_blk_reset(&vm->disks[d].blk);
	vm_disk_drain(vm);
}
