/*
 * kernel/iommu.c - the host's VT-d remapping units, driven: the DMAR
 * table read, each unit probed and started on its own root table, the
 * host domain (the hypervisor's DMA devices: the host's RAM, identity),
 * one domain per VM with a passed-through device, fault records polled
 * and logged. The seam over drivers/iommu, which holds every table and
 * register sequence as pure logic: here are only the unit's MMIO, the
 * page allocator, PCI configuration reads and the log. docs/vt-d.md.
 * iommu_init on the boot CPU after acpi_init; the rest on any CPU under
 * `lock`.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "DMA Remapping Reporting Structure", "Register
 * Descriptions", "Hardware Handling of Page-Walk Coherency", "Fault
 * Recording Registers".
 */
#define LOG_PREFIX "iommu: "
#include "arch/x86_64/cpu.h"
#include "drivers/hw/pci_cam.h"
#include "drivers/iommu/dmar.h"
#include "drivers/iommu/vtd_assign.h"
#include "kernel/acpi.h"
#include "kernel/iommu.h"
#include "kernel/memory.h"
#include "kernel/paging.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define CACHE_LINE	64
#define FAULTS_PER_POLL 64 /* a bound on one poll's log lines */
#define PCI_ABSENT	0xffffffffU

struct iommu_unit {
	const struct dmar_drhd *drhd;
	struct vtd_unit hw;
	struct vtd_root root;
	bool on; /* translating, on root */
};

/* A VM's passed-through device and its domain. */
struct vm_slot {
	bool used;
	uint16_t bdf;
	unsigned unit;
	struct vtd_domain dom;
};

static struct dmar_info dmar;
static struct iommu_unit units[DMAR_DRHD_MAX];
static unsigned units_on;
static struct vtd_domain host_dom;
static struct vm_slot slots[IOMMU_VM_SLOTS];
static struct vtd_range host_ram[BOOT_MMAP_MAX];
/* Why DMA is not remapped at all, while units_on is 0. */
static const char *why_off = "no ACPI DMAR table";
static struct spinlock lock = SPINLOCK_INIT;

/* ---- the seams ---------------------------------------------------------- */

static uint32_t mmio_read32(void *base, unsigned off)
{
	return *(volatile uint32_t *)((uint8_t *)base + off);
}

static uint64_t mmio_read64(void *base, unsigned off)
{
	return *(volatile uint64_t *)((uint8_t *)base + off);
}

static void mmio_write32(void *base, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)((uint8_t *)base + off) = v;
}

static void mmio_write64(void *base, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)((uint8_t *)base + off) = v;
}

static hpa_t mem_alloc(void *ctx)
{
	return page_alloc_zeroed(1);
}

static void mem_free(void *ctx, hpa_t pa)
{
	page_free(pa, 1);
}

static void *mem_ptr(void *ctx, hpa_t pa)
{
	return phys_to_virt(pa);
}

/* For a unit that does not snoop (ECAP.C = 0): the lines written back. */
static void mem_flush(void *ctx, const void *p, size_t len)
{
	uintptr_t a = ALIGN_DOWN((uintptr_t)p, CACHE_LINE);

	mfence();
	for (; a < (uintptr_t)p + len; a += CACHE_LINE)
		clflush((const void *)a);
	mfence();
}

static struct vtd_mem_ops mem_ops = {mem_alloc, mem_free, mem_ptr, NULL, NULL};

/* Bridges' bus numbers, for the DMAR device scopes (segment 0 only). */
static uint32_t scope_read(void *ctx, uint16_t segment, uint8_t bus,
			   uint8_t devfn, unsigned offset)
{
	if (segment)
		return PCI_ABSENT;
	return pci_cam_ops.read32(pci_cam_ops.ctx, (uint16_t)(bus << 8 | devfn),
				  (uint16_t)offset);
}

/* ---- which unit, which device ------------------------------------------ */

static void bdf_text(uint16_t bdf, char buf[8])
{
	fmt_snprintf(buf, 8, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f,
		     bdf & 7);
}

/* The translating unit that covers bdf, or -1. */
static int unit_of(uint16_t bdf)
{
	int i = dmar_unit_for_device(&dmar, 0, (uint8_t)(bdf >> 8),
				     (uint8_t)bdf, scope_read, NULL);

	return i >= 0 && units[i].on ? i : -1;
}

static bool rmrr_names(uint16_t bdf)
{
	return dmar_rmrr_for_device(&dmar, 0, (uint8_t)(bdf >> 8), (uint8_t)bdf,
				    scope_read, NULL, -1) >= 0;
}

bool iommu_active(void)
{
	return units_on > 0;
}

const char *iommu_why_not(uint16_t bdf)
{
	if (!units_on)
		return why_off;
	if (unit_of(bdf) < 0)
		return "no VT-d remapping unit translates it";
	if (rmrr_names(bdf))
		return "the firmware keeps DMA memory for it (an RMRR of "
		       "the DMAR table)";
	return NULL;
}

/* ---- start-up ------------------------------------------------------------ */

#define SCOPES_LOGGED 8 /* then "and N more": one log line */

static const char *const scope_kinds[] = {
	[DMAR_SCOPE_ENDPOINT] = "",
	[DMAR_SCOPE_BRIDGE] = "bridge ",
	[DMAR_SCOPE_IOAPIC] = "IOAPIC",
	[DMAR_SCOPE_HPET] = "HPET",
	[DMAR_SCOPE_NAMESPACE] = "ACPI device",
};

/* "00:02.0", "bridge 00:1c.0/00.0", "IOAPIC 0 at ff:00.0". */
static size_t describe_scope(const struct dmar_scope *s, char *buf, size_t n)
{
	const char *kind =
		s->type < ARRAY_SIZE(scope_kinds) && scope_kinds[s->type]
			? scope_kinds[s->type]
			: "scope ";
	size_t k;

	if (s->type >= DMAR_SCOPE_IOAPIC && s->type <= DMAR_SCOPE_NAMESPACE)
		k = fmt_snprintf(buf, n, "%s %u at ", kind, s->enum_id);
	else
		k = fmt_snprintf(buf, n, "%s", kind);
	k += fmt_snprintf(buf + MIN(k, n), n - MIN(k, n), "%02x:%02x.%x",
			  s->bus, s->path[0] >> 3, s->path[0] & 7);
	for (unsigned h = 1; h < s->path_len; h++)
		k += fmt_snprintf(buf + MIN(k, n), n - MIN(k, n), "/%02x.%x",
				  s->path[h] >> 3, s->path[h] & 7);
	return MIN(k, n);
}

/* "every PCI device of segment 0 not named by another unit", or the
 * scopes: "00:02.0, bridge 00:1c.0/00.0, IOAPIC 0 at ff:00.0". */
static void describe_scopes(const struct dmar_drhd *d, char *buf, size_t n)
{
	size_t k = 0;
	unsigned shown = MIN(d->scope_count, SCOPES_LOGGED);

	buf[0] = '\0';
	if (d->include_pci_all)
		k = fmt_snprintf(buf, n,
				 "every PCI device of segment %u not named by "
				 "another unit%s",
				 d->segment, d->scope_count ? ", and " : "");
	for (unsigned i = 0; i < shown && k + 2 < n; i++) {
		if (i)
			k += fmt_snprintf(buf + k, n - k, ", ");
		k += describe_scope(&d->scopes[i], buf + k, n - k);
	}
	if (shown < d->scope_count && k < n)
		fmt_snprintf(buf + k, n - k, " and %u more",
			     d->scope_count - shown);
	if (!d->include_pci_all && !d->scope_count)
		fmt_snprintf(buf, n, "no device");
}

/* Probe unit i: 0 when it can be used, with its log line. */
static int unit_probe(unsigned i)
{
	struct iommu_unit *u = &units[i];
	const struct dmar_drhd *d = &dmar.drhd[i];
	uint64_t len = (uint64_t)d->reg_pages * VTD_REG_PAGE;
	struct vtd_mmio_ops mmio = {mmio_read32, mmio_read64, mmio_write32,
				    mmio_write64, phys_to_virt(d->reg_base)};
	char err[128], caps[200], scopes[256];

	u->drhd = d;
	if (d->reg_base + len < d->reg_base ||
	    d->reg_base + len > paging_mapped_end) {
		pr_warn("unit %u at 0x%lx: its registers are outside the "
			"hypervisor's map: not used",
			i, (unsigned long)d->reg_base);
		return -1;
	}
	if (vtd_unit_probe(&u->hw, &mmio, d->reg_pages, err, sizeof(err))) {
		pr_warn("unit %u at 0x%lx: %s: not used", i,
			(unsigned long)d->reg_base, err);
		return -1;
	}
	vtd_unit_describe(&u->hw, caps, sizeof(caps));
	describe_scopes(d, scopes, sizeof(scopes));
	pr_info("unit %u at 0x%lx: %s", i, (unsigned long)d->reg_base, caps);
	pr_info("unit %u covers %s", i, scopes);
	return 0;
}

/* Every usable range of the boot memory map, whole pages, at gpa = hpa. */
static unsigned host_ram_ranges(const struct boot_info *bi, uint64_t *bytes)
{
	unsigned n = 0;

	*bytes = 0;
	for (uint32_t i = 0; i < bi->mmap_count && n < BOOT_MMAP_MAX; i++) {
		const struct boot_mem_range *m = &bi->mmap[i];
		hpa_t start = ALIGN_UP(m->base, PAGE_SIZE);
		hpa_t end = ALIGN_DOWN(m->base + m->length, PAGE_SIZE);

		if (m->type != BOOT_MEM_USABLE || end <= start ||
		    end > VTD_SL_ADDR_LIMIT)
			continue;
		host_ram[n++] = (struct vtd_range){start, start, end - start};
		*bytes += end - start;
	}
	return n;
}

/* The host domain: the hypervisor's DMA buffers come from whoever asks
 * for a transfer (the page allocator, a VM's RAM for its disk), so it
 * maps all of the host's RAM, and nothing else (no MMIO, no firmware
 * memory). */
static int host_domain_build(const struct boot_info *bi, bool large)
{
	uint64_t bytes;
	unsigned count = host_ram_ranges(bi, &bytes), bad;

	if (vtd_domain_build(&host_dom, &mem_ops, IOMMU_HOST_DID, large,
			     host_ram, count, &bad)) {
		if (bad < count)
			pr_warn("host RAM 0x%lx-0x%lx cannot be mapped "
				"(overlaps another range, or no memory for "
				"tables): DMA is not remapped",
				(unsigned long)host_ram[bad].hpa,
				(unsigned long)(host_ram[bad].hpa +
						host_ram[bad].size - 1));
		else
			pr_warn("no memory for the host domain's tables: "
				"DMA is not remapped");
		return -1;
	}
	pr_info("domain %u (the hypervisor's DMA devices): the host's %lu "
		"MiB of RAM in %u ranges, identity-mapped, %lu table pages",
		IOMMU_HOST_DID, (unsigned long)(bytes >> 20), count,
		(unsigned long)host_dom.table_pages);
	return 0;
}

static void unit_start(unsigned i)
{
	struct iommu_unit *u = &units[i];

	if (vtd_root_init(&u->root, &mem_ops)) {
		pr_warn("unit %u: no memory for a root table: not used", i);
		return;
	}
	if (vtd_unit_start(&u->hw, vtd_root_rtaddr(&u->root))) {
		/* the root table stays: the unit may walk it anyway */
		pr_warn("unit %u: did not start: not used", i);
		return;
	}
	u->on = true;
	units_on++;
	pr_info("unit %u: translation on, root table at 0x%lx: a device's DMA "
		"is blocked until it has a domain",
		i, (unsigned long)u->root.table);
}

void iommu_init(const struct boot_info *bi)
{
	char err[160];
	bool probed[DMAR_DRHD_MAX] = {false}, large = true, any = false;

	if (!acpi.dmar) {
		pr_info("none (no DMAR table): DMA is not remapped");
		return;
	}
	if (dmar_parse(phys_to_virt(acpi.dmar), acpi.dmar_len, &dmar, err,
		       sizeof(err))) {
		why_off = "the ACPI DMAR table is unusable";
		pr_warn("%s: DMA is not remapped", err);
		return;
	}
	pr_info("DMAR table: %u remapping unit%s, %u reserved region%s, host "
		"address width %u bits",
		dmar.drhd_count, dmar.drhd_count == 1 ? "" : "s",
		dmar.rmrr_count, dmar.rmrr_count == 1 ? "" : "s",
		dmar.host_addr_width);
	why_off = "no VT-d remapping unit could be used";
	for (unsigned i = 0; i < dmar.drhd_count; i++) {
		probed[i] = unit_probe(i) == 0;
		if (!probed[i])
			continue;
		any = true;
		large &= units[i].hw.large_pages;
		if (!units[i].hw.coherent)
			mem_ops.flush = mem_flush;
	}
	if (!any || host_domain_build(bi, large))
		return;
	for (unsigned i = 0; i < dmar.drhd_count; i++)
		if (probed[i])
			unit_start(i);
}

/* ---- domains ------------------------------------------------------------ */

int iommu_attach_host(uint16_t bdf, const char *who)
{
	char name[8];
	int u, rc = -1;

	if (!units_on)
		return -1;
	bdf_text(bdf, name);
	spin_lock(&lock);
	u = unit_of(bdf);
	if (u < 0)
		pr_warn("%s (%s): no remapping unit translates it: its DMA is "
			"not remapped",
			name, who);
	else if (vtd_assign(&units[u].hw, &units[u].root, bdf, &host_dom))
		pr_warn("%s (%s): unit %d refused it a domain: its DMA is "
			"blocked",
			name, who, u);
	else
		rc = 0;
	spin_unlock(&lock);
	if (!rc)
		pr_info("%s (%s): unit %d, domain %u (the host's RAM)", name,
			who, u, IOMMU_HOST_DID);
	return rc;
}

/* Every translating unit forgets the host domain's old translations. */
static int host_changed(void)
{
	int rc = 0;

	for (unsigned i = 0; i < DMAR_DRHD_MAX; i++)
		if (units[i].on &&
		    vtd_domain_changed(&units[i].hw, IOMMU_HOST_DID))
			rc = -1;
	return rc;
}

int iommu_host_unmap(hpa_t pa, uint64_t size)
{
	int rc;

	if (!units_on)
		return -1;
	spin_lock(&lock);
	rc = vtd_unmap(&host_dom, pa, size);
	if (!rc)
		rc = host_changed();
	spin_unlock(&lock);
	return rc;
}

int iommu_host_map(hpa_t pa, uint64_t size)
{
	int rc;

	if (!units_on)
		return -1;
	spin_lock(&lock);
	rc = vtd_map(&host_dom, pa, pa, size, VTD_RW);
	if (!rc)
		rc = host_changed();
	spin_unlock(&lock);
	return rc;
}

static struct vm_slot *slot_of(uint16_t bdf)
{
	for (unsigned i = 0; i < IOMMU_VM_SLOTS; i++)
		if (slots[i].used && slots[i].bdf == bdf)
			return &slots[i];
	return NULL;
}

static struct vm_slot *slot_free(void)
{
	for (unsigned i = 0; i < IOMMU_VM_SLOTS; i++)
		if (!slots[i].used)
			return &slots[i];
	return NULL;
}

static uint64_t ranges_bytes(const struct vtd_range *r, unsigned count)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < count; i++)
		sum += r[i].size;
	return sum;
}

/* Under lock: the domain built and the device attached to it. */
static int assign_locked(uint16_t bdf, const struct vtd_range *ranges,
			 unsigned count, uint16_t *did_out, char *err, size_t n)
{
	struct vm_slot *s = slot_free();
	const char *why = iommu_why_not(bdf);
	int u = unit_of(bdf);
	uint16_t did;

	if (why || slot_of(bdf) || !s) {
		fmt_snprintf(err, n, "%s",
			     why	    ? why
			     : slot_of(bdf) ? "it already belongs to a VM"
					    : "no VT-d domain left for it");
		return -1;
	}
	did = IOMMU_VM_DID((unsigned)(s - slots));
	if (did >= units[u].hw.domains ||
	    vtd_domain_build(&s->dom, &mem_ops, did, units[u].hw.large_pages,
			     ranges, count, NULL)) {
		fmt_snprintf(err, n,
			     "no VT-d domain for it (domain id %u of %u, or "
			     "no memory for its tables)",
			     did, units[u].hw.domains);
		return -1;
	}
	if (vtd_assign(&units[u].hw, &units[u].root, bdf, &s->dom)) {
		vtd_domain_destroy(&s->dom);
		fmt_snprintf(err, n, "unit %d did not take its context entry",
			     u);
		return -1;
	}
	s->used = true;
	s->bdf = bdf;
	s->unit = (unsigned)u;
	*did_out = did;
	return u;
}

int iommu_assign_vm(uint16_t bdf, const char *name,
		    const struct vtd_range *ranges, unsigned count, char *err,
		    size_t n)
{
	char dev[8];
	uint16_t did = 0;
	int u;

	bdf_text(bdf, dev);
	spin_lock(&lock);
	u = assign_locked(bdf, ranges, count, &did, err, n);
	spin_unlock(&lock);
	if (u < 0)
		return -1;
	pr_info("%s belongs to vm %s: unit %d, domain %u: %lu MiB of its "
		"RAM (guest-physical to host-physical), nothing else",
		dev, name, u, did,
		(unsigned long)(ranges_bytes(ranges, count) >> 20));
	return 0;
}

void iommu_unassign_vm(uint16_t bdf)
{
	struct vm_slot *s;
	char dev[8];
	uint16_t did = 0;
	int rc = 0;

	spin_lock(&lock);
	s = slot_of(bdf);
	if (s) {
		did = s->dom.did;
		rc = vtd_unassign(&units[s->unit].hw, &units[s->unit].root,
				  bdf);
		/* A unit that did not confirm may still use the tables:
		 * keep them (a leak, never a use after free). */
		if (!rc)
			vtd_domain_destroy(&s->dom);
		s->used = false;
	}
	spin_unlock(&lock);
	if (!s)
		return;
	bdf_text(bdf, dev);
	if (rc)
		pr_warn("%s: the unit did not confirm the invalidation: domain "
			"%u's tables are kept",
			dev, did);
	else
		pr_info("%s: context entry cleared, domain %u freed: its DMA "
			"is blocked",
			dev, did);
}

/* ---- faults ------------------------------------------------------------- */

unsigned iommu_poll_faults(struct vtd_fault *seen, unsigned max)
{
	struct vtd_fault f;
	char line[160];
	unsigned n = 0;

	if (!units_on)
		return 0;
	spin_lock(&lock);
	for (unsigned i = 0; i < DMAR_DRHD_MAX; i++) {
		while (units[i].on && n < FAULTS_PER_POLL &&
		       vtd_unit_next_fault(&units[i].hw, &f)) {
			vtd_fault_format(&f, line, sizeof(line));
			pr_warn("DMA fault: %s", line);
			if (seen && n < max)
				seen[n] = f;
			n++;
		}
	}
	spin_unlock(&lock);
	return n;
}
