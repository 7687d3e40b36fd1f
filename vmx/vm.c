/*
 * vmx/vm.c - building a VM from its configuration, stopping it, and its
 * console.
 * vm_create runs on the boot CPU; vm_stop and the console on whichever
 * CPU runs one of the VM's vCPUs.
 */
#define LOG_PREFIX ""
#include <stdarg.h>
#include "arch/x86_64/regs.h"
#include "drivers/virt/acpi_tables.h"
#include "drivers/virt/pc_platform.h"
#include "kernel/console.h"
#include "kernel/memory.h"
#include "kernel/wallclock.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/ept_host.h"
#include "vmx/load_linux.h"
#include "vmx/load_multiboot.h"
#include "vmx/msr_bitmap.h"
#include "vmx/passthrough.h"
#include "vmx/run.h"
#include "vmx/vcpu_create.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vm_control.h"
#include "vmx/vm.h"
#include "vmx/vm_disk.h"
#include "vmx/vm_net.h"
#include "vmx/vmxon.h"

#define RAM_ALIGN (2 * MIB) /* so the EPT can use 2 MiB pages */

/* Multiboot leaves selectors undefined; these fit the usual guest GDT. */
#define MB_CODE_SEL 0x08
#define MB_DATA_SEL 0x10

/* What a Linux VM's E820 map reserves: the VM's ACPI tables (written by
 * vm_install_acpi at PC_ACPI_AREA, docs/virtual-platform.md) and the
 * rest of the legacy VGA window and BIOS area. Ranges listed earlier
 * win, so the ACPI range goes first. */
static const struct e820_range vm_reserved[] = {
	{PC_ACPI_AREA, PC_ACPI_AREA + PC_ACPI_AREA_SIZE, E820_ACPI},
	{MB_LOW_RAM_END, MB_HOLE_END, E820_RESERVED},
};

/* The guest-physical address of a VM's ACPI RSDP, also handed to Linux
 * in boot_params.acpi_rsdp_addr: the start of the ACPI area. */
#define VM_ACPI_RSDP PC_ACPI_AREA

static void vm_console_tx(void *ctx, char c)
{
	vm_console_putc(ctx, c);
}

static void vm_power_off(void *ctx)
{
	vm_stop(ctx, "powered off by the guest (ACPI S5)");
}

/* Called inside a port write: the reset itself waits for exit_io, where
 * the vCPU and its VMCS are at hand. */
static void vm_reset_request(void *ctx, const char *how)
{
	struct vm *vm = ctx;

	vm->reset_request = how;
}

/* The pvpanic device's PANICKED: like a reset, it waits for exit_io. */
static void vm_panicked(void *ctx)
{
	struct vm *vm = ctx;

	vm->panic_request = true;
}

/* CRASH_LOADED: the guest goes on into its crash kernel; say so. */
static void vm_crash_loaded(void *ctx)
{
	struct vm *vm = ctx;

	pr_info("vm %s: the guest kernel panicked and starts its crash "
		"kernel (pvpanic)",
		vm->name);
}

/* COM1's interrupt line: ISA IRQ 4 */
static void vm_uart_irq(void *ctx, bool level)
{
	vm_set_irq(ctx, PC_IRQ_COM1, level);
}

/* The ACPI PM block's SCI: ISA IRQ 9, level (the MADT's override) */
static void vm_sci(void *ctx, bool asserted)
{
	vm_set_irq(ctx, PC_IRQ_SCI, asserted);
}

/* The PIT's channel 0 output: an edge on ISA IRQ 0 */
static void vm_pit_irq0(void *ctx)
{
	vm_set_irq(ctx, PC_IRQ_PIT, true);
	vm_set_irq(ctx, PC_IRQ_PIT, false);
}

static uint64_t vm_clock_ns(void *ctx)
{
	return wallclock_uptime_ns();
}

static uint64_t vm_clock_s(void *ctx)
{
	return wallclock_now_s();
}

/* The PC's legacy devices on the VM's port bus, their lines on the VM's
 * interrupt controllers (vmx/vcpu_intr.c): the PIT on IRQ 0, COM1 on 4,
 * the SCI on 9. (The keyboard's IRQ 1 has nothing to say: no keys.)
 * And QEMU's pvpanic port, for the guest kernel to report a panic. */
static void vm_add_platform_devices(struct vm *vm)
{
	const struct acpi_pm_ops pm_ops = {.power_off = vm_power_off,
					   .sci = vm_sci,
					   .reset = vm_reset_request,
					   .now_ns = vm_clock_ns,
					   .ctx = vm};
	const struct i8042_ops kbc_ops = {.reset = vm_reset_request, .ctx = vm};
	const struct rtc_cmos_ops rtc_ops = {.now_s = vm_clock_s, .ctx = vm};
	const struct pit8254_ops pit_ops = {
		.now_ns = vm_clock_ns, .irq0 = vm_pit_irq0, .ctx = vm};
	const struct pvpanic_ops pvpanic_ops = {.panicked = vm_panicked,
						.crash_loaded = vm_crash_loaded,
						.ctx = vm};
	struct port_device devs[9];

	acpi_pm_init(&vm->pm, &pm_ops, PC_SLP_TYP_S5);
	i8042_init(&vm->kbc, &kbc_ops);
	rtc_cmos_init(&vm->rtc, &rtc_ops);
	pit8254_init(&vm->pit, &pit_ops);
	pvpanic_init(&vm->pvpanic, &pvpanic_ops);
	devs[0] = uart8250_device(&vm->com1, UART8250_COM1);
	devs[1] = acpi_pm_device(&vm->pm, PC_PM_BASE);
	devs[2] = acpi_pm_reset_device(&vm->pm, PC_RESET_PORT);
	devs[3] = i8042_data_device(&vm->kbc, PC_I8042_DATA);
	devs[4] = i8042_cmd_device(&vm->kbc, PC_I8042_CMD);
	devs[5] = rtc_cmos_device(&vm->rtc, PC_RTC_PORT);
	devs[6] = pit8254_device(&vm->pit, PC_PIT_PORT);
	devs[7] = pit8254_port61_device(&vm->pit, PC_PORT61);
	devs[8] = pvpanic_device(&vm->pvpanic, PC_PVPANIC_PORT);
	for (unsigned i = 0; i < ARRAY_SIZE(devs); i++)
		if (i != 2 || !vm->config->has_passthrough)
			portbus_add(&vm->ports, &devs[i]);
}

/* The ACPI tables at 0xe0000, in RAM the Multiboot loader keeps free
 * (a Multiboot guest ignores them; a Linux guest is told where). */
static int vm_install_acpi(struct vm *vm, char *err, size_t n)
{
	struct acpi_platform p;
	size_t used;
	void *area = vm_gpa_to_hva(vm, PC_ACPI_AREA, PC_ACPI_AREA_SIZE);

	if (!area) {
		fmt_snprintf(err, n, "its RAM does not reach the ACPI area");
		return -1;
	}
	/* the windows in use: its disks' and its NIC's (docs/virtio.md) */
	acpi_platform_pc(&p, vm->config->vcpus, 0);
	acpi_platform_virtio_windows(
		&p, vm_disk_windows(vm) |
			    (vm->config->nic ? BIT(PC_VIRTIO_NIC_WINDOW) : 0));
	/* the bus the passed-through function sits on (docs/passthrough.md) */
	if (vm->config->has_passthrough)
		acpi_platform_pci(&p, VPCI_PT_DEV);
	return acpi_tables_build(area, PC_ACPI_AREA_SIZE, PC_ACPI_AREA, &p,
				 &used, err, n);
}

static int vm_alloc_ram(struct vm *vm, uint64_t size, char *err, size_t n)
{
	uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;

	vm->ram = pmm_alloc_range(&host_pmm, pages, RAM_ALIGN, 0);
	if (!vm->ram) {
		fmt_snprintf(
			err, n,
			"no %lu MiB of contiguous free memory for its RAM "
			"(%lu MiB free in all)",
			(unsigned long)(size >> 20),
			(unsigned long)(host_pmm.free_pages * PAGE_SIZE >> 20));
		return -1;
	}
	vm->ram_size = pages * PAGE_SIZE;
	/* No data of an earlier VM or of the hypervisor reaches a guest. */
	memset(phys_to_virt(vm->ram), 0, vm->ram_size);
	return 0;
}

/* unsafe_dma: the VM's RAM from ident_from up at the same host-physical
 * addresses, so that the addresses its driver gives the device are
 * where its buffers really are. ident_from is the lowest 2 MiB boundary
 * above which the host's memory is free up to the VM's size (below it
 * live the BIOS area, the hypervisor and its boot modules). Claimed
 * before anything else of the VM's RAM, so that its own allocations do
 * not push it up. */
static int vm_claim_identity(struct vm *vm, uint64_t size, char *err, size_t n)
{
	gpa_t from = RAM_ALIGN;
	hpa_t busy = 0;

	if (!vm->config->unsafe_dma)
		return 0;
	if (vm_passthrough_remapped(vm->config)) {
		pr_info("vm %s: unsafe_dma = yes is not needed: VT-d remaps "
			"its "
			"device's DMA (no identity-mapped RAM)",
			vm->name);
		return 0;
	}
	while (from < size &&
	       pmm_claim(&host_pmm, from, (size - from) / PAGE_SIZE, &busy))
		from = ALIGN_UP(busy + PAGE_SIZE, RAM_ALIGN);
	if (from >= size) {
		fmt_snprintf(err, n,
			     "unsafe_dma: no host memory free at 0x%lx-0x%lx "
			     "to identity-map its RAM; give it more memory "
			     "(docs/passthrough.md)",
			     (unsigned long)RAM_ALIGN,
			     (unsigned long)(size - 1));
		return -1;
	}
	vm->ident_from = from;
	memset(phys_to_virt(from), 0, size - from);
	pr_warn("vm %s: unsafe_dma: its device's DMA is NOT isolated: it "
		"reaches all host memory",
		vm->name);
	pr_warn("vm %s: unsafe_dma: RAM 0x%lx-0x%lx identity-mapped (guest "
		"= host physical); below 0x%lx its own copy, where DMA would "
		"land in the host's memory",
		vm->name, (unsigned long)from, (unsigned long)(size - 1),
		(unsigned long)from);
	return 0;
}

/* The kernel and tables as loaded into vm->ram, copied to the
 * identity-mapped part (a no-op without unsafe_dma). */
static void vm_ident_sync(struct vm *vm)
{
	if (vm->ident_from)
		memcpy(phys_to_virt(vm->ident_from),
		       (uint8_t *)phys_to_virt(vm->ram) + vm->ident_from,
		       vm->ram_size - vm->ident_from);
}

/* Guest RAM in the EPT: all of vm->ram, or the first MiB of it and
 * the identity-mapped rest. */
static int vm_map_ram(struct vm *vm)
{
	if (!vm->ident_from)
		return ept_map(&vm->ept, 0, vm->ram, vm->ram_size, EPT_PERMS,
			       EPT_MT_WB);
	return ept_map(&vm->ept, 0, vm->ram, vm->ident_from, EPT_PERMS,
		       EPT_MT_WB) ||
	       ept_map(&vm->ept, vm->ident_from, vm->ident_from,
		       vm->ram_size - vm->ident_from, EPT_PERMS, EPT_MT_WB);
}

/* APIC virtualization: one page per VM, at the local APIC's address in
 * its EPT; the CPU never lets guest accesses reach the page itself while
 * "virtualize APIC accesses" is on, and with it off (a vCPU in x2APIC
 * mode) the guest sees only this VM's page. Not readable or writable by
 * the hypervisor's models: they keep the registers in each vCPU's
 * virtual-APIC page (drivers/virt/vlapic.h). */
static int vm_map_apic_access(struct vm *vm, char *err, size_t n)
{
	if (!vmx_apicv || vm->config->apicv_off ||
	    vm->ram_size > VLAPIC_DEFAULT_BASE)
		return 0;
	vm->apic_access = page_alloc_zeroed(1);
	if (!vm->apic_access ||
	    ept_map(&vm->ept, VLAPIC_DEFAULT_BASE, vm->apic_access, PAGE_SIZE,
		    EPT_READ | EPT_WRITE, EPT_MT_UC)) {
		fmt_snprintf(err, n, "no memory for its APIC-access page");
		return -1;
	}
	vm->overhead_bytes += PAGE_SIZE;
	return 0;
}

static int vm_build_tables(struct vm *vm, char *err, size_t n)
{
	if (ept_init(&vm->ept, &ept_host_mem_ops, vmx_ept_large_pages) ||
	    vm_map_ram(vm)) {
		fmt_snprintf(err, n, "no memory for its EPT");
		return -1;
	}
	vm->io_bitmap = page_alloc_zeroed(2);
	vm->msr_bitmap = page_alloc_zeroed(1);
	if (!vm->io_bitmap || !vm->msr_bitmap) {
		fmt_snprintf(err, n, "no memory for its I/O and MSR bitmaps");
		return -1;
	}
	vm->overhead_bytes += 3 * PAGE_SIZE;
	memset(phys_to_virt(vm->io_bitmap), 0xff, 2 * PAGE_SIZE);
	msr_bitmap_init(phys_to_virt(vm->msr_bitmap));
	return vm_map_apic_access(vm, err, n);
}

/* Multiboot's "Machine state" as a vCPU start: 32-bit protected mode,
 * paging off, no GDT in guest memory (selectors "undefined"). */
static void vm_boot_multiboot(const struct mb_boot_state *st,
			      struct vcpu_boot *boot)
{
	*boot = (struct vcpu_boot){
		.mode = VCPU_BOOT_PROTECTED32,
		.rip = st->entry,
		.rax = st->eax,
		.rbx = st->ebx,
		.cr0 = CR0_PE | CR0_ET,
		.gdt_limit = 0xffff,
		.cs = MB_CODE_SEL,
		.ds = MB_DATA_SEL,
	};
}

static int vm_load_multiboot(const struct vm_config *cfg,
			     const struct boot_module *k,
			     const struct mb_module *mods,
			     struct guest_mem *mem, struct vcpu_boot *boot,
			     char *err, size_t n)
{
	struct mb_boot_state st;
	char why[120];

	if (mb_load(phys_to_virt(k->start), k->size, cfg->cmdline, mods,
		    cfg->module_count, mem, &st, why, sizeof(why))) {
		fmt_snprintf(err, n,
			     "kernel %s (not a bzImage, so Multiboot): %s",
			     cfg->kernel, why);
		return -1;
	}
	vm_boot_multiboot(&st, boot);
	return 0;
}

/* A Linux bzImage: the first module, if any, is its initrd. */
static int vm_load_linux(const struct vm *vm, const struct vm_config *cfg,
			 const struct boot_module *k,
			 const struct mb_module *mods, struct guest_mem *mem,
			 struct vcpu_boot *boot, char *err, size_t n)
{
	struct lx_params p = {
		.image = phys_to_virt(k->start),
		.image_size = k->size,
		.initrd = cfg->module_count ? mods[0].data : NULL,
		.initrd_size = cfg->module_count ? mods[0].size : 0,
		.cmdline = cfg->cmdline,
		.acpi_rsdp = VM_ACPI_RSDP,
		.reserved = vm_reserved,
		.nreserved = ARRAY_SIZE(vm_reserved),
		.dma_from = vm->ident_from, /* unsafe_dma: reserved below */
	};
	struct lx_result r;
	char why[120];

	if (cfg->module_count > 1) {
		fmt_snprintf(err, n,
			     "Linux kernel %s takes one module, its initrd; "
			     "%u are given",
			     cfg->kernel, cfg->module_count);
		return -1;
	}
	if (lx_load(&p, mem, &r, why, sizeof(why))) {
		fmt_snprintf(err, n, "Linux kernel %s: %s", cfg->kernel, why);
		return -1;
	}
	pr_info("vm %s: Linux boot protocol %u.%02u: kernel at 0x%lx-0x%lx, "
		"initrd %s at 0x%lx (%lu KiB), entry 0x%lx (64-bit)",
		vm->name, r.protocol >> 8, r.protocol & 0xff,
		(unsigned long)r.kernel, (unsigned long)r.kernel_end,
		cfg->module_count ? cfg->modules[0] : "(none)",
		(unsigned long)r.initrd, (unsigned long)(r.initrd_size / KIB),
		(unsigned long)r.boot.rip);
	*boot = r.boot;
	return 0;
}

static int vm_find_modules(const struct vm_config *cfg,
			   const struct boot_info *bi, struct mb_module *mods,
			   char *err, size_t n)
{
	for (unsigned i = 0; i < cfg->module_count; i++) {
		const struct boot_module *m =
			boot_info_module(bi, cfg->modules[i]);

		if (!m) {
			fmt_snprintf(err, n, "module '%s' is not a boot module",
				     cfg->modules[i]);
			return -1;
		}
		mods[i] = (struct mb_module){phys_to_virt(m->start), m->size,
					     cfg->modules[i]};
	}
	return 0;
}

/* The image decides the loader: the "HdrS" magic of the Linux boot
 * protocol, else Multiboot. */
static int vm_load_kernel(struct vm *vm, const struct vm_config *cfg,
			  const struct boot_info *bi, struct vcpu_boot *boot,
			  char *err, size_t n)
{
	const struct boot_module *k = boot_info_module(bi, cfg->kernel);
	struct mb_module mods[VM_MODULES_MAX];
	struct guest_mem mem = {phys_to_virt(vm->ram), vm->ram_size};

	if (!k) {
		fmt_snprintf(err, n, "kernel '%s' is not a boot module",
			     cfg->kernel);
		return -1;
	}
	if (vm_find_modules(cfg, bi, mods, err, n))
		return -1;
	if (lx_is_bzimage(phys_to_virt(k->start), k->size))
		return vm_load_linux(vm, cfg, k, mods, &mem, boot, err, n);
	return vm_load_multiboot(cfg, k, mods, &mem, boot, err, n);
}

static struct vm *vm_alloc(unsigned id, const struct vm_config *cfg)
{
	uint64_t pages = ALIGN_UP(sizeof(struct vm), PAGE_SIZE) / PAGE_SIZE;
	hpa_t pa = page_alloc_zeroed(pages);
	struct vm *vm;

	if (!pa)
		return NULL;
	vm = phys_to_virt(pa);
	vm->overhead_bytes = pages * PAGE_SIZE;
	vm->id = id;
	vm->config = cfg;
	str_copy(vm->name, cfg->name, sizeof(vm->name));
	vm->lock = (struct spinlock)SPINLOCK_INIT;
	vm->state = VM_RUNNING;
	uart8250_init(&vm->com1, vm_console_tx, vm);
	uart8250_set_irq(&vm->com1, vm_uart_irq, vm);
	vm_add_platform_devices(vm);
	return vm;
}

static struct vm *vm_build(unsigned id, const struct vm_config *cfg,
			   const struct boot_info *bi, char *err, size_t n)
{
	struct vcpu_boot st;
	struct vm *vm = vm_alloc(id, cfg);

	if (!vm) {
		fmt_snprintf(err, n, "no memory for the VM's structure");
		return NULL;
	}
	if (cfg->vcpus > VINTC_VCPUS_MAX) {
		fmt_snprintf(err, n, "%u vCPUs asked; a VM has at most %u",
			     cfg->vcpus, VINTC_VCPUS_MAX);
		return NULL;
	}
	vm->boot_info = bi;
	if (vm_claim_identity(vm, cfg->memory, err, n) ||
	    vm_alloc_ram(vm, cfg->memory, err, n) ||
	    vm_build_tables(vm, err, n) || vm_add_disks(vm, cfg, bi, err, n) ||
	    vm_load_kernel(vm, cfg, bi, &st, err, n) ||
	    vm_install_acpi(vm, err, n))
		return NULL;
	vm_ident_sync(vm);
	if (cfg->has_passthrough) {
		struct port_device reset =
			acpi_pm_reset_device(&vm->pm, PC_RESET_PORT);

		if (vm_passthrough_add(vm, &reset, err, n))
			return NULL;
	}
	/* vCPU 0 starts at the kernel's entry; the others wait for the
	 * guest's INIT and STARTUP IPIs, as a PC's APs do */
	for (unsigned i = 0; i < cfg->vcpus; i++) {
		struct vcpu_boot ap;

		vcpu_boot_sipi(&ap, 0);
		vm->vcpus[i] = vcpu_create(vm, i, i ? &ap : &st, err, n);
		if (!vm->vcpus[i])
			return NULL;
		vm->vcpu_count = i + 1;
	}
	vm_intr_init(vm);
	/* the NIC last: its line needs the interrupt controllers, and a VM
	 * refused before it never joins the switch */
	if (vm_add_nic(vm, cfg, err, n))
		return NULL;
	return vm;
}

struct vm *vm_create(unsigned id, const struct vm_config *cfg,
		     const struct boot_info *bi, char *err, size_t n)
{
	struct vm *vm = vm_build(id, cfg, bi, err, n);

	if (!vm) { /* a refused VM keeps no area of a host disk */
		vm_disk_release(cfg);
		vm_passthrough_release(cfg); /* nor a VT-d domain */
	}
	return vm;
}

/* Shared by vm_restart and vmx/vm_control.c (the monitor's reset and
 * start). */
/* A vCPU back at its power-on state: not halted, nothing pending. */
static void vcpu_restate(struct vcpu *v, const struct vcpu_boot *st)
{
	vcpu_reset(v, st);
	v->halted = v->halt_dead = v->kicked = false;
	v->intr_check = true;
}

int vm_reload(struct vcpu *v, char *err, size_t n)
{
	struct vm *vm = v->vm;
	struct vcpu_boot st;
	struct pit8254_ops pit_ops = vm->pit.ops;

	if (v->id != 0) { /* an AP: waits for INIT-SIPI again (its local
			   * APIC is reset with the BSP's reload) */
		vcpu_boot_sipi(&st, 0);
		vcpu_restate(v, &st);
		return 0;
	}
	vm_net_reset(vm);  /* no frame lands in the RAM being cleared */
	vm_disk_reset(vm); /* nor a disk read */
	memset(phys_to_virt(vm->ram), 0, vm->ram_size);
	uart8250_reset(&vm->com1);
	acpi_pm_reset(&vm->pm);
	i8042_reset(&vm->kbc);
	pit8254_init(&vm->pit, &pit_ops);
	if (vm_load_kernel(vm, vm->config, vm->boot_info, &st, err, n) ||
	    vm_install_acpi(vm, err, n))
		return -1;
	vm_ident_sync(vm);
	vcpu_restate(v, &st);
	vm_intr_reset(vm);
	vm_console_flush(vm);
	return 0;
}

bool vm_restart(struct vcpu *v, const char *why)
{
	struct vm *vm = v->vm;
	char err[160];

	if (vm->restarts == VM_RESTARTS_MAX) {
		vm_stop(vm,
			"%s, and it was restarted %u times already: stopped",
			why, VM_RESTARTS_MAX);
		return false;
	}
	vm->restarts++;
	if (vm_reload(v, err, sizeof(err))) {
		vm_stop(vm, "%s; restarting failed: %s", why, err);
		return false;
	}
	pr_info("vm %s: %s: restarted (%u of %u)", vm->name, why, vm->restarts,
		VM_RESTARTS_MAX);
	return true;
}

/* A VM with several vCPUs: each vCPU reloads its part at its next
 * slice (vmx/vm_control.c); the one here ends its slice at once. */
static bool vm_restart_all(struct vcpu *v, const char *why)
{
	struct vm *vm = v->vm;

	if (vm->restarts == VM_RESTARTS_MAX) {
		vm_stop(vm,
			"%s, and it was restarted %u times already: stopped",
			why, VM_RESTARTS_MAX);
		return false;
	}
	vm->restarts++;
	pr_info("vm %s: %s: restarting (%u of %u)", vm->name, why, vm->restarts,
		VM_RESTARTS_MAX);
	vm_control_request_all(vm, VCPU_REQ_RESTART);
	return true;
}

bool vm_machine_reset(struct vcpu *v, const char *why)
{
	if (v->vm->config->on_crash != ON_CRASH_RESTART) {
		vm_stop(v->vm, "%s", why);
		return false;
	}
	if (v->vm->vcpu_count > 1)
		return vm_restart_all(v, why);
	return vm_restart(v, why);
}

#define PANIC_WHY "the guest kernel panicked (pvpanic)"

/* The same path as a triple fault's; a stop also says which setting
 * chose it, since the operator may want on_crash = restart. */
bool vm_guest_panicked(struct vcpu *v)
{
	if (v->vm->config->on_crash != ON_CRASH_RESTART) {
		vm_stop(v->vm, PANIC_WHY "; on_crash = stop");
		return false;
	}
	return vm_machine_reset(v, PANIC_WHY);
}

/* What the VM used: guest and exit-handling ticks, exits, and the
 * accesses to nothing it made (ports nobody claims, memory beyond RAM). */
static void vm_print_usage(const struct vm *vm)
{
	uint64_t guest = 0, host = 0, exits = 0;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = vm->vcpus[i];

		guest += v->guest_ticks;
		host += v->host_ticks;
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			exits += v->exit_counts[r];
	}
	pr_info("vm %s: ran %lu guest ticks and %lu exit ticks, %lu exits; "
		"%lu port and %lu memory writes to nothing",
		vm->name, (unsigned long)guest, (unsigned long)host,
		(unsigned long)exits, (unsigned long)vm->ports.unclaimed_writes,
		(unsigned long)vm->unhandled_mmio_writes);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;
	bool first;

	spin_lock(&vm->lock);
	first = vm->state != VM_STOPPED;
	if (first) {
		va_start(ap, fmt);
		fmt_vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt,
			      ap);
		va_end(ap);
		vm->state = VM_STOPPED;
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			vm->vcpus[i]->state = VCPU_STOPPED;
	}
	spin_unlock(&vm->lock);
	if (first) {
		run_vm_stopped(vm);
		vm_console_flush(vm);
		vm_net_reset(vm); /* it takes no more frames */
		vm_passthrough_stop(vm);
		pr_info("vm %s stopped: %s", vm->name, vm->stop_reason);
		vm_print_usage(vm);
		vm_net_print_usage(vm);
	}
}

void *vm_gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len)
{
	if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	if (vm->ident_from && gpa >= vm->ident_from)
		return phys_to_virt(gpa); /* unsafe_dma: identity-mapped */
	if (vm->ident_from && gpa + len > vm->ident_from)
		return NULL; /* across the seam: not contiguous */
	return (uint8_t *)phys_to_virt(vm->ram) + gpa;
}

/* Emit the line being assembled, even an empty one (a guest's blank
 * line is output too). */
static void vm_console_emit(struct vm *vm)
{
	struct vm_console *c = &vm->console;
	char line[VM_CONSOLE_LINE + 40];
	int n;

	n = fmt_snprintf(line, sizeof(line), "%s: %.*s\n", vm->name,
			 (int)c->len, c->line);
	console_append(line, (size_t)MIN(n, (int)sizeof(line) - 1));
	c->len = 0;
}

/* Emit a partial line (when the VM stops, or the line is full). */
void vm_console_flush(struct vm *vm)
{
	if (vm->console.len)
		vm_console_emit(vm);
}

/* Whole lines, prefixed with the VM's name: output of several VMs never
 * mixes inside a line. Control characters other than tab are dropped. */
void vm_console_putc(struct vm *vm, char c)
{
	struct vm_console *con = &vm->console;

	if (c == '\n') {
		vm_console_emit(vm);
		return;
	}
	if ((unsigned char)c < 0x20 && c != '\t')
		return;
	con->line[con->len++] = c;
	if (con->len == VM_CONSOLE_LINE)
		vm_console_flush(vm);
}
