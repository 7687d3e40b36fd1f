/*
 * kernel/main.c - the hypervisor's start-up sequence, after boot/.
 * Runs once on the boot CPU, interrupts off. This file is the composition
 * root: it alone may call every layer (see docs/layers.md).
 */
#define LOG_PREFIX "hv: "
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "drivers/block/ata_disk.h"
#include "drivers/block/disk_dma_fence.h"
#include "drivers/block/disk_selftest.h"
#include "drivers/block/host_disk.h"
#include "drivers/hw/ahci_host.h"
#include "drivers/hw/ata_host.h"
#include "drivers/hw/e1000_host.h"
#include "drivers/hw/fbcon.h"
#include "drivers/hw/font.h"
#include "drivers/hw/pci_cam.h"
#include "drivers/hw/uart.h"
#include "kernel/acpi.h"
#include "kernel/boot_info.h"
#include "kernel/config.h"
#include "kernel/console.h"
#include "kernel/iommu.h"
#include "kernel/memory.h"
#include "kernel/paging.h"
#include "kernel/percpu.h"
#include "kernel/power.h"
#include "kernel/smp.h"
#include "kernel/tsc.h"
#include "kernel/wallclock.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/run.h"
#include "vmx/vm.h"
#include "vmx/vm_control.h"
#include "vmx/vm_net.h"
#include "vmx/vmxon.h"

#define HV_VERSION "0.1"
/* What the boot paths identity-map before paging_init (entry.S). */
#define EARLY_MAP_END (4 * GIB)
/* Timeouts of host disk commands when the TSC's rate is unknown: 1 GHz. */
#define ATA_FALLBACK_TICKS_PER_MS 1000000

static struct boot_info boot_info;
static struct percpu boot_cpu;
/* hv.cfg as parsed; the VMs are built from it. */
static struct hv_config hv_config;
/* The host's PCI functions, scanned once (host_disks_init): the uplink
 * and passthrough look in it. */
static struct pci_scan host_pci;

static const char *firmware_name(uint32_t fw)
{
	return fw == BOOT_FW_UEFI ? "UEFI" : "Multiboot2";
}

static void log_boot_info(const struct boot_info *bi)
{
	pr_info("booted by %s (%s), command line \"%s\"",
		bi->loader_name[0] ? bi->loader_name : "unknown loader",
		firmware_name(bi->firmware), bi->cmdline);
	for (uint32_t i = 0; i < bi->module_count; i++)
		pr_info("module %s: %lu bytes at 0x%lx", bi->modules[i].name,
			(unsigned long)bi->modules[i].size,
			(unsigned long)bi->modules[i].start);
}

static void cpu_vmx_on(struct percpu *cpu)
{
	struct vmx_caps caps;
	char summary[192];

	if (vmx_cpu_enable(cpu, &caps)) {
		pr_err("CPU%u (APIC %u): %s", cpu->index, cpu->apic_id,
		       cpu->vmx_error);
		return;
	}
	vmx_caps_summary(&caps, summary, sizeof(summary));
	pr_info("CPU%u (APIC %u): VMX on: %s", cpu->index, cpu->apic_id,
		summary);
}

/* Every CPU must have VMX on; say how many do, and stop if any lacks it. */
static void report_vmx(void)
{
	unsigned on = 0;

	for (unsigned i = 0; i < percpu_count; i++)
		on += percpu_table[i]->vmx_on;
	pr_info("VMX on: %u/%u CPUs", on, percpu_count);
	if (on != percpu_count)
		fatal("VT-x could not be turned on: %s",
		      boot_cpu.vmx_on ? "see the CPU lines above"
				      : boot_cpu.vmx_error);
}

/* Each problem in hv.cfg on its own line, "error: hv.cfg:LINE: ..."
 * (no "hv: " prefix: the message names its file). */
static void config_diag(void *ctx, unsigned line, const char *message)
{
	log_printf(LOG_ERR, "%s", message);
}

/* The configuration must be there and readable; VMs come from it. A
 * mistake in it refuses one VM or keeps one default, never stops us. */
static void check_config(const struct boot_info *bi)
{
	struct config_text cfg;
	char err[256];

	if (config_find(bi, &cfg, err, sizeof(err)))
		fatal("%s", err);
	pr_info("configuration " CONFIG_MODULE_NAME ": %zu bytes", cfg.size);
	config_parse(cfg.text, cfg.size, CONFIG_MODULE_NAME, &hv_config,
		     config_diag, NULL);
	if (hv_config.global_errors)
		log_printf(LOG_WARN,
			   "config: %u problem%s outside the [vm] sections: "
			   "those settings keep their defaults",
			   hv_config.global_errors,
			   hv_config.global_errors == 1 ? "" : "s");
	log_set_level(hv_config.log_level);
}

/* A host function the hypervisor drives itself: no VM may have it. */
static void passthrough_used(struct config_pci_host *h,
			     const struct pci_device *d, const char *user)
{
	if (h->used_count == CONFIG_PCI_USED_MAX)
		return;
	h->used[h->used_count].bdf =
		(struct pci_bdf){0, PCI_BDF_BUS(d->bdf), PCI_BDF_DEV(d->bdf),
				 PCI_BDF_FN(d->bdf)};
	h->used[h->used_count++].user = user;
}

/* What passthrough may use (config_check_passthrough): the host's PCI
 * functions but the IDE controller and the uplink NIC the hypervisor
 * drives. */
static void passthrough_host(struct config_pci_host *h)
{
	const struct pci_device *ide = pci_find_class(
		&host_pci, PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, 0);

	*h = (struct config_pci_host){
		.dma_remapping = iommu_active(),
		/* with no unit on, the same reason for every device */
		.no_remapping_why = iommu_active() ? NULL : iommu_why_not(0),
	};
	for (unsigned i = 0; i < host_pci.count && i < CONFIG_PCI_HOST_MAX;
	     i++) {
		uint16_t bdf = host_pci.dev[i].bdf;

		h->remapped[h->count] = !iommu_why_not(bdf);
		h->present[h->count++] = (struct pci_bdf){
			0, PCI_BDF_BUS(bdf), PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf)};
	}
	if (ide)
		passthrough_used(h, ide,
				 "the hypervisor's IDE driver (host disks)");
	if (hv_config.uplink.kind != UPLINK_NONE) {
		const struct config_uplink *u = &hv_config.uplink;
		char err[160];
		const struct pci_device *nic = e1000_host_find(
			&host_pci, u->by_address ? &u->at : NULL, err,
			sizeof(err));

		if (nic)
			passthrough_used(h, nic,
					 "the hypervisor's uplink (hv.cfg "
					 "uplink)");
	}
}

/* Each VM against this machine: its boot modules, its pCPUs (the online
 * CPUs, numbered as in the log), and the memory the VMs before it leave
 * free. A refused VM is one warning line; the others go on. */
static void check_vms(const struct boot_info *bi)
{
	uint64_t free = host_pmm.free_pages * PAGE_SIZE;
	char line[CONFIG_ERROR_MAX];
	static struct config_pci_host pci;
	unsigned valid = 0;

	passthrough_host(&pci);
	for (unsigned i = 0; i < hv_config.vm_count; i++) {
		struct vm_config *vm = &hv_config.vms[i];

		if (config_check_vm(vm, bi, free, percpu_count, line,
				    sizeof(line)) ||
		    config_check_passthrough(vm, &pci, line, sizeof(line))) {
			log_printf(LOG_WARN, "config: vm %s refused: %s",
				   vm->name, line);
			continue;
		}
		free -= vm->memory;
		valid++;
		config_describe_vm(vm, line, sizeof(line));
		log_printf(LOG_INFO, "config: vm %s: %s", vm->name, line);
	}
	log_printf(LOG_INFO, "config: %u VM%s, %u valid", hv_config.vm_count,
		   hv_config.vm_count == 1 ? "" : "s", valid);
}

static uint64_t framebuffer_bytes(const struct boot_framebuffer *fb)
{
	uint32_t pitch = fb->pitch;

	if (fb->type == BOOT_FB_EGA_TEXT)
		pitch = MAX(pitch, fb->width * 2);
	return (uint64_t)pitch * fb->height;
}

/* Mirror the console on the firmware's framebuffer, when there is one
 * that the early identity map covers. */
static void console_setup_framebuffer(const struct boot_framebuffer *fb)
{
	struct fbcon_mode mode = {
		.base = phys_to_virt(fb->base),
		.kind = fb->type == BOOT_FB_RGB ? FBCON_RGB32 : FBCON_EGA_TEXT,
		.width = fb->width,
		.height = fb->height,
		.pitch = fb->pitch,
		.bpp = fb->bpp,
		.red_shift = fb->red_shift,
		.green_shift = fb->green_shift,
		.blue_shift = fb->blue_shift,
	};
	const char *err;

	if (fb->type != BOOT_FB_RGB && fb->type != BOOT_FB_EGA_TEXT)
		return;
	if (fb->base + framebuffer_bytes(fb) > EARLY_MAP_END) {
		pr_warn("framebuffer at 0x%lx ends above 4 GiB: no console "
			"on it",
			(unsigned long)fb->base);
		return;
	}
	err = fbcon_init(&mode, font_psf, font_psf_size);
	if (err) {
		pr_warn("no console on the framebuffer: %s", err);
		return;
	}
	console_add_sink(fbcon_write);
}

/* The configured self-test of a host disk (hv.cfg disk_selftest). */
static void run_disk_selftest(const char *name)
{
	/* One page more, so that the buffers cross 64 KiB boundaries. */
	uint64_t pages = SELFTEST_BUF_BYTES / PAGE_SIZE + 1;
	struct sector_dev *disk = host_disk_open(name);
	hpa_t buf;

	if (!disk) {
		log_printf(LOG_WARN,
			   "disk-selftest: no disk %s (the ata and ahci lines "
			   "above list the disks found)",
			   name);
		return;
	}
	buf = pmm_alloc_range(&host_pmm, pages, PAGE_SIZE, 4 * GIB);
	if (!buf) {
		log_printf(LOG_WARN, "disk-selftest: no memory below 4 GiB");
		return;
	}
	/* The first page is the VT-d check's (disk_dma_fence), on an IDE
	 * disk whose controller VT-d translates. */
	if (!disk_selftest(disk, (uint8_t *)phys_to_virt(buf) + PAGE_SIZE) &&
	    ata_disk_find(name) &&
	    !iommu_why_not(ata_host_bdf(ata_disk_find(name))))
		disk_dma_fence(disk, ata_host_bdf(ata_disk_find(name)),
			       phys_to_virt(buf));
	page_free(buf, pages);
}

/* Does a VM of hv.cfg ask for a passthrough device? */
static bool hv_config_passes_through(void)
{
	for (unsigned i = 0; i < hv_config.vm_count; i++)
		if (hv_config.vms[i].has_passthrough)
			return true;
	return false;
}

/* BAR registers through the identity map, uncached (kernel/paging.c
 * maps everything that is not RAM with PCD). */
static void *map_mmio(hpa_t pa, uint64_t len)
{
	if (pa + len < pa || pa + len > paging_mapped_end)
		return NULL;
	return phys_to_virt(pa);
}

/* The AHCI controllers and their SATA disks; their DMA memory (command
 * lists, received FISes, command tables) stays theirs. */
static void host_ahci_init(const struct pci_scan *scan)
{
	uint64_t pages = ALIGN_UP(AHCI_HOST_DMA_BYTES, PAGE_SIZE) / PAGE_SIZE;
	hpa_t dma;

	if (!pci_find_class(scan, PCI_CLASS_STORAGE, AHCI_PCI_SUBCLASS_SATA, 0))
		return;
	for (unsigned i = 0;; i++) {
		const struct pci_device *hba = pci_find_class(
			scan, PCI_CLASS_STORAGE, AHCI_PCI_SUBCLASS_SATA, i);

		if (!hba)
			break;
		iommu_attach_host(hba->bdf, "the AHCI controller");
	}
	dma = pmm_alloc_range(&host_pmm, pages, PAGE_SIZE, 4 * GIB);
	if (!dma) {
		log_printf(LOG_WARN, "ahci: no memory below 4 GiB for DMA");
		return;
	}
	ahci_host_init(&pci_cam_ops, scan, map_mmio, phys_to_virt(dma), dma,
		       tsc_khz ? tsc_khz : ATA_FALLBACK_TICKS_PER_MS);
}

/* The host's PCI scan (kept in host_pci for the uplink and
 * passthrough), its functions (all of them when a VM asks for one, else
 * the storage and network ones), its IDE and AHCI disks, one log line
 * each; the disk self-test when hv.cfg asks for one. */
static void host_disks_init(void)
{
	struct pci_scan *scan = &host_pci;
	char line[96];
	hpa_t prd_page;

	pci_scan(&pci_cam_ops, scan);
	for (unsigned i = 0; i < scan->count; i++) {
		if (scan->dev[i].class_code != PCI_CLASS_STORAGE &&
		    scan->dev[i].class_code != PCI_CLASS_NETWORK &&
		    !hv_config_passes_through())
			continue;
		pci_describe(&scan->dev[i], line, sizeof(line));
		log_printf(LOG_INFO, "pci: %s", line);
	}
	for (unsigned i = 0; i < ATA_HOST_CONTROLLERS; i++) {
		const struct pci_device *ide = pci_find_class(
			scan, PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, i);

		if (ide)
			iommu_attach_host(ide->bdf, "the IDE controller");
	}
	prd_page = pmm_alloc_range(&host_pmm, ATA_HOST_PRD_BYTES / PAGE_SIZE,
				   ATA_HOST_PRD_BYTES, 4 * GIB);
	if (prd_page)
		ata_host_init(&pci_cam_ops, scan, phys_to_virt(prd_page),
			      prd_page,
			      tsc_khz ? tsc_khz : ATA_FALLBACK_TICKS_PER_MS);
	else
		log_printf(LOG_WARN, "ata: no memory below 4 GiB for DMA");
	host_ahci_init(scan);
	host_disks_log_partitions();
	if (hv_config.disk_selftest[0])
		run_disk_selftest(hv_config.disk_selftest);
}

/* "error: hv.cfg:LINE: key 'uplink': WHAT; ..." (log_printf adds
 * "error: "): the VMs run, without a way out. */
static void uplink_error(const char *what)
{
	log_printf(LOG_ERR,
		   CONFIG_MODULE_NAME
		   ":%u: key 'uplink': %s; the VMs' "
		   "switch runs without an uplink (the pci lines above list "
		   "the network controllers)",
		   hv_config.uplink.line, what);
}

/* hv.cfg `uplink`: the host e1000 joins the VMs' switch, bridged or
 * (`uplink_mode = nat`) behind the NAT. */
static void host_uplink_init(void)
{
	static struct e1000_host e1000;
	const struct config_uplink *u = &hv_config.uplink;
	uint64_t pages = E1000_DMA_BYTES / PAGE_SIZE;
	const struct pci_device *dev;
	char err[160];
	struct e1000_dma dma;

	if (u->kind == UPLINK_NONE)
		return;
	dev = e1000_host_find(&host_pci, u->by_address ? &u->at : NULL, err,
			      sizeof(err));
	if (!dev) {
		uplink_error(err);
		return;
	}
	dma.pa = pmm_alloc_range(&host_pmm, pages, PAGE_SIZE, 4 * GIB);
	if (!dma.pa) {
		uplink_error("no memory for the e1000's rings");
		return;
	}
	dma.va = phys_to_virt(dma.pa);
	iommu_attach_host(dev->bdf, "the uplink e1000");
	if (e1000_host_open(&e1000, &pci_cam_ops, dev, map_mmio, &dma, err,
			    sizeof(err))) {
		page_free(dma.pa, pages); /* receive was not enabled */
		uplink_error(err);
		return;
	}
	/* From here the device may write into dma: it stays allocated. */
	if (vm_net_add_uplink(&e1000.nic, e1000.name, u->mode == UPLINK_NAT,
			      err, sizeof(err)))
		uplink_error(err);
}

/* Build every valid VM, run them all on every CPU until each has
 * stopped, then print what they did. */
/* "vCPU 0 on CPU0, vCPU 1 on CPU1": where each vCPU runs. */
static const char *vcpu_places(const struct vm *vm, char buf[160])
{
	int n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < vm->vcpu_count && n < 150; i++)
		n += fmt_snprintf(buf + n, 160 - n, "%svCPU %u on CPU%u",
				  i ? ", " : "", i, vm->vcpus[i]->run_cpu);
	return buf;
}

static void run_vms(const struct boot_info *bi)
{
	char err[CONFIG_ERROR_MAX], places[160];
	unsigned started = 0;

	run_init(hv_config.time_slice_us, percpu_count);
	for (unsigned i = 0; i < hv_config.vm_count; i++) {
		struct vm_config *cfg = &hv_config.vms[i];
		struct vm *vm;

		if (!cfg->valid)
			continue;
		vm = vm_create(i, cfg, bi, err, sizeof(err));
		if (!vm || run_add_vm(vm, err, sizeof(err))) {
			log_printf(LOG_WARN, "vm %s refused: %s", cfg->name,
				   err);
			continue;
		}
		log_printf(LOG_INFO,
			   "vm %s: started: %lu MiB of RAM at host 0x%lx, "
			   "%s, %lu KiB of hypervisor memory, local APIC %s",
			   vm->name, (unsigned long)(vm->ram_size >> 20),
			   (unsigned long)vm->ram, vcpu_places(vm, places),
			   (unsigned long)(vm->overhead_bytes / KIB),
			   vm->apic_access ? "virtualized by the CPU"
					   : "trapped and emulated");
		vm_control_add(vm);
		started++;
	}
	if (!started) {
		log_printf(LOG_INFO, "no VM to run");
		return;
	}
	vm_control_begin();
	smp_release_aps(run_cpu);
	run_cpu(this_cpu());
	iommu_poll_faults(NULL, 0);
	log_printf(LOG_INFO, "all VMs have stopped");
	run_print_stats();
	vm_net_print_uplink();
}

static void console_setup(void)
{
	console_init();
	if (uart_init(UART_COM1))
		console_add_sink(uart_write);
	if (boot_info.magic == BOOT_INFO_MAGIC)
		console_setup_framebuffer(&boot_info.fb);
}

void kernel_main(const struct boot_info *bi);

void kernel_main(const struct boot_info *bi)
{
	if (bi != &boot_info)
		memcpy(&boot_info, bi, sizeof(boot_info));
	console_setup();
	pr_info("hypervisor %s starting", HV_VERSION);
	if (boot_info.magic != BOOT_INFO_MAGIC)
		fatal("the boot loader passed no valid boot information "
		      "(magic 0x%lx); boot hv.elf through GRUB (multiboot2) "
		      "or BOOTX64.EFI",
		      (unsigned long)boot_info.magic);
	trap_init();
	pic_disable();
	percpu_table[0] = &boot_cpu;
	percpu_count = 1;
	percpu_install(&boot_cpu);
	log_boot_info(&boot_info);
	check_config(&boot_info);
	memory_init(&boot_info);
	paging_init(&boot_info);
	acpi_init(&boot_info);
	tsc_init(acpi.pm_tmr, acpi.pm_tmr_32bit);
	wallclock_init();
	iommu_init(&boot_info);
	host_disks_init();
	host_uplink_init();
	iommu_poll_faults(NULL, 0);
	smp_start(&boot_info, cpu_vmx_on);
	report_vmx();
	check_vms(&boot_info);
	run_vms(&boot_info);
	if (hv_config.poweroff == POWEROFF_NEVER) {
		log_printf(LOG_INFO, "poweroff = never: the machine stays on");
		console_flush();
		cpu_halt_forever();
	}
	power_off();
}
