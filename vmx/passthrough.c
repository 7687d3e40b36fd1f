/*
 * vmx/passthrough.c - a host PCI function given to one VM: the host
 * side of its configuration space (byte, word and dword accesses
 * through mechanism #1, under one lock), the VM's virtual host bridge
 * and filter, its memory BARs in the VM's EPT (uncached, at the host
 * BAR's physical address), its INTx, polled, and its DMA: in a VT-d
 * domain that maps the VM's RAM as its EPT does, where a remapping unit
 * translates it. docs/passthrough.md.
 * vm_passthrough_add on the boot CPU while the VM is built; the
 * guest's configuration accesses on the CPU of the VM's I/O exit; the
 * poll on the boot CPU's scheduler loop; the resample at an EOI on the
 * CPU of the vCPU's exit, with the VM's interrupt lock held (as the
 * poll takes it).
 * PCI Local Bus Specification: "Configuration Mechanism #1", "Base
 * Addresses", "Status Register".
 */
#define LOG_PREFIX ""
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"
#include "kernel/iommu.h"
#include "kernel/memory.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "vmx/ept_host.h"
#include "vmx/passthrough.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vm.h"

#define CAM_ADDRESS 0xcf8
#define CAM_DATA    0xcfc
#define CAM_ENABLE  BIT(31)

/* The host's 0xcf8/0xcfc pair: one address at a time, any CPU. */
static struct spinlock cam_lock = SPINLOCK_INIT;

static uint32_t cam_address(const struct pci_bdf *b, unsigned off)
{
	return CAM_ENABLE | (uint32_t)pci_bdf_rid(b) << 8 | (off & 0xfc);
}

static uint32_t host_cfg_read(void *ctx, unsigned off, unsigned size)
{
	const struct vm_passthrough *pt = ctx;
	uint16_t data = CAM_DATA + (off & 3);
	uint32_t v;

	spin_lock(&cam_lock);
	outl(CAM_ADDRESS, cam_address(&pt->bdf, off));
	v = size == 1 ? inb(data) : size == 2 ? inw(data) : inl(data);
	spin_unlock(&cam_lock);
	return v;
}

static void host_cfg_write(void *ctx, unsigned off, unsigned size, uint32_t v)
{
	const struct vm_passthrough *pt = ctx;
	uint16_t data = CAM_DATA + (off & 3);

	spin_lock(&cam_lock);
	outl(CAM_ADDRESS, cam_address(&pt->bdf, off));
	if (size == 1)
		outb(data, (uint8_t)v);
	else if (size == 2)
		outw(data, (uint16_t)v);
	else
		outl(data, v);
	spin_unlock(&cam_lock);
}

static uint32_t guest_cfg_read(void *ctx, unsigned off, unsigned size)
{
	struct vm_passthrough *pt = ctx;

	return pci_filter_read(&pt->filter, off, size);
}

static void guest_cfg_write(void *ctx, unsigned off, unsigned size, uint32_t v)
{
	struct vm_passthrough *pt = ctx;

	pci_filter_write(&pt->filter, off, size, v);
}

/* The host's BAR addresses, before the filter probes the sizes. */
static void read_host_bars(struct vm_passthrough *pt)
{
	for (unsigned i = 0; i < PCI_BARS; i++) {
		uint32_t lo = host_cfg_read(pt, PCI_BAR0 + 4 * i, 4);

		if (lo & PCI_BAR_IO) {
			pt->host_bar[i] = lo & ~PCI_BAR_IO_FLAGS & 0xffffffffU;
			continue;
		}
		pt->host_bar[i] = lo & ~PCI_BAR_MEM_FLAGS & 0xffffffffU;
		if ((lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_64 &&
		    i + 1 < PCI_BARS) {
			pt->host_bar[i] |=
				(uint64_t)host_cfg_read(
					pt, PCI_BAR0 + 4 * (i + 1), 4)
				<< 32;
			i++;
		}
	}
}

static void unmap_bar(struct vm_passthrough *pt, unsigned i)
{
	struct vm *vm = pt->vm;

	if (!pt->mapped[i])
		return;
	ept_unmap(&vm->ept, pt->mapped[i],
		  ALIGN_UP(pt->filter.bars[i].size, PAGE_SIZE));
	pt->mapped[i] = 0;
}

/* BAR i where the guest put it: the old mapping removed, the new one
 * made when the place is page aligned, above the VM's RAM and free. */
static void map_bar(struct vm_passthrough *pt, unsigned i)
{
	const struct pci_bar *b = &pt->filter.bars[i];
	uint64_t gpa = pci_filter_bar_addr(&pt->filter, i);
	uint64_t size = ALIGN_UP(b->size, PAGE_SIZE);
	struct vm *vm = pt->vm;

	if (!b->size || b->io)
		return;
	unmap_bar(pt, i);
	if (gpa >= PT_BAR_WINDOW_END && gpa < 4 * GIB)
		gpa = 0; /* the sizing pattern (all ones), or over the IOAPIC,
			  * local APIC and BIOS: never mapped */
	if (gpa &&
	    (gpa % PAGE_SIZE || b->size < PAGE_SIZE || gpa < vm->ram_size ||
	     ept_map(&vm->ept, gpa, pt->host_bar[i], size, EPT_READ | EPT_WRITE,
		     EPT_MT_UC))) {
		pr_warn("vm %s: passthrough %s: BAR%u at guest 0x%lx is not "
			"mapped (not page aligned, smaller than a page, over "
			"its RAM or another mapping): its accesses exit",
			vm->name, pt->name, i, (unsigned long)gpa);
		gpa = 0;
	}
	if (gpa) {
		pt->mapped[i] = gpa;
		pr_info("vm %s: passthrough %s: BAR%u (%lu KiB memory) at "
			"guest 0x%lx = host 0x%lx, uncached",
			vm->name, pt->name, i, (unsigned long)(b->size / KIB),
			(unsigned long)gpa, (unsigned long)pt->host_bar[i]);
	}
	ept_host_invalidate(&vm->ept);
}

static void filter_changed(void *ctx, enum pci_filter_change what,
			   unsigned index)
{
	struct vm_passthrough *pt = ctx;

	if (what == PCI_FILTER_BAR)
		map_bar(pt, index);
}

/* Memory BARs placed in the guest's window as firmware would (each
 * aligned to its size), and mapped. */
static int place_bars(struct vm_passthrough *pt, char *err, size_t n)
{
	uint64_t next = PT_BAR_WINDOW;

	for (unsigned i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = &pt->filter.bars[i];

		if (!b->size || b->io)
			continue;
		next = ALIGN_UP(next, MAX(b->size, PAGE_SIZE));
		if (next + b->size > PT_BAR_WINDOW_END) {
			fmt_snprintf(err, n,
				     "passthrough %s: BAR%u (%lu KiB) does "
				     "not fit below 0x%lx",
				     pt->name, i,
				     (unsigned long)(b->size / KIB),
				     (unsigned long)PT_BAR_WINDOW_END);
			return -1;
		}
		pci_filter_set_bar(&pt->filter, i, next);
		map_bar(pt, i);
		next += b->size;
	}
	return 0;
}

/* A segment-0 function as the requester id VT-d sees; -1 elsewhere
 * (no unit of ours translates another segment). */
static int cfg_rid(const struct vm_config *cfg)
{
	return cfg->passthrough.segment ? -1 : pci_bdf_rid(&cfg->passthrough);
}

bool vm_passthrough_remapped(const struct vm_config *cfg)
{
	int rid = cfg_rid(cfg);

	return cfg->has_passthrough && rid >= 0 &&
	       !iommu_why_not((uint16_t)rid);
}

/* The VM's own VT-d domain: its RAM at the guest-physical addresses the
 * EPT gives it, nothing else; the device's context entry points there. */
static int pt_remap_dma(struct vm_passthrough *pt, char *err, size_t n)
{
	struct vm *vm = pt->vm;
	struct vtd_range ram[2] = {{0, vm->ram, vm->ram_size}};
	unsigned count = 1;
	char why[120];

	if (!vm_passthrough_remapped(vm->config))
		return 0; /* unsafe_dma, accepted by config_check_passthrough */
	pt->dma_remapped = true;
	if (vm->ident_from) {
		ram[0].size = vm->ident_from;
		ram[1] = (struct vtd_range){vm->ident_from, vm->ident_from,
					    vm->ram_size - vm->ident_from};
		count = 2;
	}
	if (iommu_assign_vm(pci_bdf_rid(&pt->bdf), vm->name, ram, count, why,
			    sizeof(why))) {
		fmt_snprintf(err, n,
			     "passthrough %s: its DMA cannot be "
			     "remapped: %s",
			     pt->name, why);
		return -1;
	}
	pt->dma_assigned = true;
	pr_info("vm %s: passthrough %s: DMA remapped by VT-d: the device "
		"reaches only the VM's RAM, at the guest-physical addresses "
		"its driver gives it",
		vm->name, pt->name);
	return 0;
}

int vm_passthrough_add(struct vm *vm, const struct port_device *reset,
		       char *err, size_t n)
{
	uint64_t pages =
		ALIGN_UP(sizeof(struct vm_passthrough), PAGE_SIZE) / PAGE_SIZE;
	hpa_t pa = page_alloc_zeroed(pages);
	struct vm_passthrough *pt = pa ? phys_to_virt(pa) : NULL;
	const struct pci_cfg_ops host = {host_cfg_read, host_cfg_write, pt};
	const struct vpci_fn_ops fn = {guest_cfg_read, guest_cfg_write, pt};
	struct port_device dev;
	char why[120];

	if (!pt) {
		fmt_snprintf(err, n, "no memory for its passthrough device");
		return -1;
	}
	vm->overhead_bytes += pages * PAGE_SIZE;
	pt->vm = vm;
	pt->bdf = vm->config->passthrough;
	pci_bdf_format(&pt->bdf, pt->name, sizeof(pt->name));
	read_host_bars(pt);
	pt->host_irq = host_cfg_read(pt, PCI_INT_LINE, 1);
	if (pci_filter_init(&pt->filter, &host, filter_changed, pt, why,
			    sizeof(why))) {
		fmt_snprintf(err, n, "passthrough %s: %s", pt->name, why);
		return -1;
	}
	if (place_bars(pt, err, n) || pt_remap_dma(pt, err, n))
		return -1;
	if (pci_filter_read(&pt->filter, PCI_INT_PIN, 1))
		pci_filter_write(&pt->filter, PCI_INT_LINE, 1, PT_GSI);
	vpci_init(&pt->vpci, reset);
	vpci_attach(&pt->vpci, &fn);
	dev = vpci_device(&pt->vpci);
	if (portbus_add(&vm->ports, &dev)) {
		fmt_snprintf(err, n,
			     "no room on its port bus for the PCI "
			     "host bridge");
		return -1;
	}
	vm->pt = pt;
	pr_info("vm %s: passthrough %s (%04x:%04x) at its 00:%02x.0; INTx "
		"(host line %u) polled, on its GSI %u",
		vm->name, pt->name, pci_filter_read(&pt->filter, 0, 2),
		pci_filter_read(&pt->filter, 2, 2), VPCI_PT_DEV, pt->host_irq,
		PT_GSI);
	return 0;
}

/* The device's INTx now: its Interrupt Status, where the device has it
 * (Bochs's devices do not); else the host PIC's request bit of its
 * line, which any device sharing the line raises too (a shared level
 * line); nothing while the guest has set INTx-disable. */
static bool pt_intx_level(struct vm_passthrough *pt)
{
	uint16_t status = host_cfg_read(pt, PCI_STATUS, 2);
	uint16_t cmd = host_cfg_read(pt, PCI_COMMAND, 2);
	bool level =
		(status & PCI_STATUS_INTX) || pic_line_raised(pt->host_irq);

	return level && !(cmd & PCI_CMD_INTX_DISABLE);
}

/* What the guest's line shows from now; the interrupt lock is held. */
static void pt_intx_seen(struct vm_passthrough *pt, bool level)
{
	pt->irq_asserts += level && !pt->irq_level;
	pt->irq_level = level;
}

void vm_passthrough_poll(struct vm *vm)
{
	struct vm_passthrough *pt = vm->pt;
	bool level;

	if (!pt || vm->state != VM_RUNNING)
		return;
	spin_lock(&vm->intc_lock); /* against a resample at an EOI */
	level = pt_intx_level(pt);
	pt->polls++;
	if (level != pt->irq_level) {
		pt_intx_seen(pt, level);
		vintc_set_irq(&vm->intc, PT_GSI, level);
	}
	spin_unlock(&vm->intc_lock);
}

/* Without this, the line the last poll raised stays up after the
 * guest's handler has quieted the device, and each EOI delivers the
 * interrupt again until the next poll: hundreds of interrupts with
 * nothing to do per real one, which Linux counts towards "nobody
 * cared" and then disables the line. */
bool vm_passthrough_resample(struct vm *vm, unsigned gsi, bool *level)
{
	struct vm_passthrough *pt = vm->pt;

	if (!pt || gsi != PT_GSI)
		return false;
	*level = pt_intx_level(pt);
	pt->resamples++;
	pt_intx_seen(pt, *level);
	return true;
}

void vm_passthrough_stop(struct vm *vm)
{
	if (!vm->pt)
		return;
	host_cfg_write(vm->pt, PCI_COMMAND, 2, PCI_CMD_INTX_DISABLE);
	if (vm->pt->dma_assigned)
		iommu_unassign_vm(pci_bdf_rid(&vm->pt->bdf));
	vm->pt->dma_assigned = false;
	pr_info("vm %s: passthrough %s: bus mastering and decoding off "
		"(INTx seen %lu times in %lu polls and %lu samples at the "
		"guest's EOIs)",
		vm->name, vm->pt->name, (unsigned long)vm->pt->irq_asserts,
		(unsigned long)vm->pt->polls, (unsigned long)vm->pt->resamples);
}

int vm_passthrough_restart(struct vm *vm, char *err, size_t n)
{
	struct vm_passthrough *pt = vm->pt;

	if (!pt || !pt->dma_remapped || pt->dma_assigned)
		return 0;
	return pt_remap_dma(pt, err, n);
}

void vm_passthrough_release(const struct vm_config *cfg)
{
	if (vm_passthrough_remapped(cfg))
		iommu_unassign_vm((uint16_t)cfg_rid(cfg));
}
