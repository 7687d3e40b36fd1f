/*
 * kernel/config_vm.c - a parsed [vm NAME] section against the machine:
 * are its kernel and modules among the boot modules, do its pCPUs exist,
 * does its memory fit; and the one-line description the log prints.
 * Pure logic over struct boot_info; runs once on the boot CPU, after
 * the page allocator and the other CPUs have started, and in the host
 * unit tests (tests/unit/test_config.c).
 */
#include <stdarg.h>
#include "kernel/config.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define DISK_SECTOR_SIZE 512 /* as BLK_SECTOR_SIZE (drivers/block/) */

/* Appends to a bounded buffer; the length saturates at the size. */
struct text {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3))) static void add(struct text *t,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= t->size)
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	t->len = MIN(t->size, t->len + (size_t)n);
}

/* "64 MiB", "1 GiB", "512 KiB" or "1000 bytes": the largest exact unit. */
static void add_size(struct text *t, uint64_t bytes)
{
	if (bytes && bytes % GIB == 0)
		add(t, "%lu GiB", (unsigned long)(bytes / GIB));
	else if (bytes && bytes % MIB == 0)
		add(t, "%lu MiB", (unsigned long)(bytes / MIB));
	else if (bytes && bytes % KIB == 0)
		add(t, "%lu KiB", (unsigned long)(bytes / KIB));
	else
		add(t, "%lu bytes", (unsigned long)bytes);
}

/* "5s", "250ms" or "100us": the largest exact unit. */
static void add_duration(struct text *t, uint64_t us)
{
	if (us && us % 1000000 == 0)
		add(t, "%lus", (unsigned long)(us / 1000000));
	else if (us && us % 1000 == 0)
		add(t, "%lums", (unsigned long)(us / 1000));
	else
		add(t, "%luus", (unsigned long)us);
}

/* "0-1,3": runs of set bits as ranges. */
static void add_cpus(struct text *t, uint64_t mask)
{
	bool first = true;

	for (unsigned c = 0; c < 64; c++) {
		unsigned last = c;

		if (!(mask & BIT(c)))
			continue;
		while (last + 1 < 64 && (mask & BIT(last + 1)))
			last++;
		add(t, first ? "%u" : ",%u", c);
		if (last > c)
			add(t, "-%u", last);
		first = false;
		c = last;
	}
}

static void add_module_list(struct text *t, const struct boot_info *bi)
{
	for (uint32_t i = 0; i < bi->module_count; i++)
		add(t, "%s%s", i ? ", " : "", bi->modules[i].name);
	if (!bi->module_count)
		add(t, "none");
}

void config_describe_vm(const struct vm_config *vm, char *buf, size_t n)
{
	struct text t = {buf, n, 0};

	if (!n)
		return;
	buf[0] = '\0';
	add_size(&t, vm->memory);
	add(&t, ", %u vCPU%s, weight %u, kernel %s", vm->vcpus,
	    vm->vcpus == 1 ? "" : "s", vm->cpu_weight, vm->kernel);
	for (unsigned i = 0; i < vm->module_count; i++)
		add(&t, "%s%s", i ? ", " : ", modules ", vm->modules[i]);
	for (unsigned i = 0; i < vm->disk_count; i++) {
		const struct disk_spec *d = &vm->disks[i];
		char src[BOOT_NAME_MAX + 48];

		disk_spec_source(d, src, sizeof(src));
		add(&t, ", disk %s%s%s%s", src, d->thin ? " thin" : "",
		    d->read_only ? " ro" : "", d->shared ? " shared" : "");
	}
	if (vm->nic) {
		char mac[MAC_STR_SIZE];

		mac_format(&vm->nic_mac, mac, sizeof(mac));
		add(&t, ", nic %s", mac);
	}
	if (vm->has_cpu_mask) {
		add(&t, ", cpus ");
		add_cpus(&t, vm->cpu_mask);
	}
	if (vm->time_limit_us) {
		add(&t, ", time limit ");
		add_duration(&t, vm->time_limit_us);
	}
	if (vm->on_crash == ON_CRASH_RESTART)
		add(&t, ", restarts on crash");
	if (vm->apicv_off)
		add(&t, ", APIC virtualization off");
	if (vm->has_passthrough) {
		char bdf[PCI_BDF_TEXT_MAX];

		pci_bdf_format(&vm->passthrough, bdf, sizeof(bdf));
		add(&t, ", passthrough %s%s", bdf,
		    vm->unsafe_dma ? " (unsafe DMA)" : "");
	}
}

static int refuse(struct vm_config *vm, struct text *t)
{
	vm->valid = false;
	str_copy(vm->error, t->buf, sizeof(vm->error));
	return -1;
}

static int check_module(struct vm_config *vm, const struct boot_info *bi,
			const char *what, const char *name, struct text *t)
{
	if (boot_info_module(bi, name))
		return 0;
	add(t, "%s %s is not a boot module (loaded: ", what, name);
	add_module_list(t, bi);
	add(t, "); see docs/config.md, \"Boot modules\"");
	return refuse(vm, t);
}

/* `disk` line d: a boot module of whole sectors. Named with the file
 * and line, as the parser's messages are. */
static int check_disk(struct vm_config *vm, unsigned d,
		      const struct boot_info *bi, struct text *t)
{
	const char *name = vm->disks[d].name;
	const struct boot_module *m = boot_info_module(bi, name);

	if (vm->disks[d].source != DISK_MODULE)
		return 0; /* a host disk is looked for when the VM is built */
	add(t, "%s:%u: key 'disk': ", CONFIG_MODULE_NAME, vm->disk_lines[d]);
	if (!m) {
		add(t, "%s is not a boot module (loaded: ", name);
		add_module_list(t, bi);
		add(t, "); expected a boot module holding a raw disk image");
		return refuse(vm, t);
	}
	if (m->size == 0 || m->size % DISK_SECTOR_SIZE) {
		add(t,
		    "module %s is %lu bytes, not a whole number of 512-byte "
		    "sectors; expected a raw disk image of whole sectors",
		    name, (unsigned long)m->size);
		return refuse(vm, t);
	}
	t->len = 0;
	t->buf[0] = '\0';
	return 0;
}

static uint64_t all_cpus(unsigned pcpus)
{
	return pcpus >= 64 ? ~0ULL : BIT(pcpus) - 1;
}

static unsigned count_cpus(uint64_t mask)
{
	unsigned n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

static int check_cpus(struct vm_config *vm, unsigned pcpus, struct text *t)
{
	uint64_t usable = vm->has_cpu_mask ? vm->cpu_mask : all_cpus(pcpus);
	unsigned count = count_cpus(usable);

	if (vm->has_cpu_mask && (vm->cpu_mask & ~all_cpus(pcpus))) {
		add(t, "cpus ");
		add_cpus(t, vm->cpu_mask & ~all_cpus(pcpus));
		add(t, ": no such pCPU; this machine has %u (", pcpus);
		add_cpus(t, all_cpus(pcpus));
		add(t, ")");
		return refuse(vm, t);
	}
	if (vm->vcpus > count) {
		add(t,
		    "%u vCPUs but only %u pCPU%s to run them on; a VM "
		    "gets at most one vCPU per pCPU",
		    vm->vcpus, count, count == 1 ? "" : "s");
		return refuse(vm, t);
	}
	return 0;
}

static int check_vm(struct vm_config *vm, const struct boot_info *bi,
		    uint64_t free_bytes, unsigned pcpus, struct text *t)
{
	if (!vm->valid) {
		add(t, "%s", vm->error);
		return -1;
	}
	if (check_module(vm, bi, "kernel", vm->kernel, t))
		return -1;
	for (unsigned i = 0; i < vm->module_count; i++)
		if (check_module(vm, bi, "module", vm->modules[i], t))
			return -1;
	for (unsigned d = 0; d < vm->disk_count; d++)
		if (check_disk(vm, d, bi, t))
			return -1;
	if (check_cpus(vm, pcpus, t))
		return -1;
	if (vm->memory > free_bytes) {
		add(t, "memory ");
		add_size(t, vm->memory);
		add(t, " does not fit: %lu MiB of host memory is free",
		    (unsigned long)(free_bytes / MIB));
		return refuse(vm, t);
	}
	return 0;
}

int config_check_vm(struct vm_config *vm, const struct boot_info *bi,
		    uint64_t free_bytes, unsigned pcpus, char *err, size_t n)
{
	char msg[CONFIG_ERROR_MAX] = "";
	struct text t = {msg, sizeof(msg), 0};
	int r = check_vm(vm, bi, free_bytes, pcpus, &t);

	str_copy(err, msg, n);
	return r;
}
