/*
 * tests/guests/linux-loader.c - boots Linux bare the way the hypervisor
 * boots a Linux VM, and says at which TSC the kernel is entered: the
 * bare baseline of `make bench`'s Linux boot (docs/performance.md).
 * A Multiboot2 guest that GRUB loads with two modules, `bzImage` and
 * `initrd`; its own command line is the kernel's. It loads them with the
 * hypervisor's Linux loader itself (vmx/load_linux.c, vmx/e820.c,
 * vmx/boot64.c, built for -m32): the kernel at its preferred address,
 * the initrd high in RAM, the command line, the zero page with an E820
 * map made from the Multiboot2 memory map, identity page tables and a
 * GDT. Then it prints
 *   linux-loader: entering the kernel at tsc=T
 * waits until the TSC reaches T (the line has left the UART by then)
 * and enters startup_64 through the 64-bit boot protocol
 * (linux_entry.S). Bare in Bochs with clock: sync=none the TSC counts
 * emulated instructions, so the ready line's tsc= minus T is what the
 * kernel and /init took, with none of the BIOS, GRUB or loading in it.
 * Runs in the guest: 32-bit protected mode, paging off, one CPU.
 * Linux Documentation/x86/boot.rst, "64-bit BOOT PROTOCOL"; Multiboot2
 * Specification, "Boot information format"; ACPI Specification, "System
 * Address Map Interfaces".
 */
#include "tests/guests/lib/guest.h"
#include "tests/guests/linux_entry.h"
#include "arch/x86_64/regs.h"
#include "lib/string.h"
#include "vmx/load_linux.h"
#include "vmx/multiboot.h"

const char guest_name[] = "linux-loader";

#define CMDLINE_MAX	LX_CMDLINE_AREA
#define FOUR_GIB	0x100000000ULL
#define ENTRY_MARGIN	1000000 /* ticks to print the line: ~8.7 k a byte */
#define ENTRY_TRIES	4	/* the margin doubles after each miss */
#define MB2_MEMORY_ACPI 3	/* Multiboot2 mmap types, as E820's */
#define MB2_MEMORY_NVS	4

extern char _image_start[], _image_end[];

/* What the Multiboot2 information says, copied out of it: lx_load may
 * write where it lies. */
struct boot_view {
	char cmdline[CMDLINE_MAX];
	uint32_t image, image_end;   /* the bzImage module */
	uint32_t initrd, initrd_end; /* the initrd module */
	uint64_t ram_end;	     /* end of the highest RAM below 4 GiB */
	struct e820_range res[E820_RESERVED_MAX];
	unsigned nres;
};

static struct boot_view view;

/* The module named NAME (the first word of its string) */
static void take_module(const struct mb2_tag_module *m)
{
	size_t n = strlen(m->string);

	if (n >= 6 && !memcmp(m->string, "initrd", 6) &&
	    (n == 6 || m->string[6] == ' ')) {
		view.initrd = m->mod_start;
		view.initrd_end = m->mod_end;
	} else if (n >= 7 && !memcmp(m->string, "bzImage", 7) &&
		   (n == 7 || m->string[7] == ' ')) {
		view.image = m->mod_start;
		view.image_end = m->mod_end;
	}
}

static int add_reserved(uint64_t start, uint64_t end, uint32_t type)
{
	if (start >= end)
		return 0;
	if (view.nres == E820_RESERVED_MAX) {
		gprintf("%s: more than %u reserved ranges in the memory map\n",
			guest_name, E820_RESERVED_MAX);
		return -1;
	}
	view.res[view.nres++] = (struct e820_range){start, end, type};
	return 0;
}

/* The E820 type of a Multiboot2 memory type other than available. */
static uint32_t e820_type(uint32_t mb2_type)
{
	switch (mb2_type) {
	case MB2_MEMORY_ACPI: return E820_ACPI;
	case MB2_MEMORY_NVS: return E820_NVS;
	default: return E820_RESERVED;
	}
}

/* RAM is [0, ram_end): the highest available range below 4 GiB ends
 * it. Every other range of the map is reserved with its type, and a
 * hole below ram_end that no range covers is reserved too (lx_load's
 * map would call it RAM). */
static int take_mmap(const struct mb2_view *v)
{
	const struct mb2_tag_mmap *m = v->mmap;
	const uint8_t *first = (const uint8_t *)(m + 1);
	const uint8_t *end = (const uint8_t *)m + m->size;
	uint64_t covered = 0;

	for (const uint8_t *e = first; e + m->entry_size <= end;
	     e += m->entry_size) {
		const struct mb2_mmap_entry *r = (const void *)e;

		if (r->type == MB_MEMORY_AVAILABLE && r->base < FOUR_GIB)
			view.ram_end = MAX(view.ram_end,
					   MIN(r->base + r->length, FOUR_GIB));
	}
	for (const uint8_t *e = first; e + m->entry_size <= end;
	     e += m->entry_size) {
		const struct mb2_mmap_entry *r = (const void *)e;

		if (r->type != MB_MEMORY_AVAILABLE &&
		    add_reserved(r->base, r->base + r->length,
				 e820_type(r->type)))
			return -1;
	}
	/* the holes: the map's ranges in address order (it is sorted on a
	 * PC; an unsorted map would only reserve more) */
	for (const uint8_t *e = first; e + m->entry_size <= end;
	     e += m->entry_size) {
		const struct mb2_mmap_entry *r = (const void *)e;

		if (r->base > covered &&
		    add_reserved(covered, MIN(r->base, view.ram_end),
				 E820_RESERVED))
			return -1;
		covered = MAX(covered, r->base + r->length);
	}
	return 0;
}

static int read_info(uint32_t magic, uint32_t info)
{
	const struct mb2_info_header *h = (const void *)info;
	struct mb2_view v;

	if (mb2_view(magic, info, &v))
		return -1;
	if (strlen(v.cmdline) >= CMDLINE_MAX) {
		gprintf("%s: command line longer than %u characters\n",
			guest_name, (unsigned)CMDLINE_MAX - 1);
		return -1;
	}
	memcpy(view.cmdline, v.cmdline, strlen(v.cmdline) + 1);
	for (uint32_t at = sizeof(*h);
	     at + sizeof(struct mb2_info_tag) <= h->total_size;) {
		const struct mb2_info_tag *t = (const void *)(info + at);

		if (t->type == MB2_ITAG_END)
			break;
		if (t->type == MB2_ITAG_MODULE)
			take_module((const void *)t);
		at += (uint32_t)ALIGN_UP(t->size, 8);
	}
	if (!view.image || !view.initrd) {
		gprintf("%s: needs the modules bzImage and initrd (GRUB's "
			"module2 FILE NAME)\n",
			guest_name);
		return -1;
	}
	return take_mmap(&v);
}

static bool overlap(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* lx_load copied from the modules to where the kernel wants things; a
 * module in the way of an earlier copy would have been damaged. */
static int check_placement(const struct lx_result *r)
{
	static const char *const what[] = {"bzImage module", "initrd module",
					   "linux-loader image"};
	uint64_t src[3][2] = {
		{view.image, view.image_end},
		{view.initrd, view.initrd_end},
		{(uint32_t)_image_start, (uint32_t)_image_end},
	};

	for (unsigned i = 0; i < 3; i++)
		if (overlap(src[i][0], src[i][1], r->kernel, r->kernel_end) ||
		    overlap(src[i][0], src[i][1], r->initrd,
			    r->initrd + r->initrd_size) ||
		    overlap(src[i][0], src[i][1], LX_LOW_START, LX_LOW_END)) {
			gprintf("%s: the %s at 0x%x-0x%x lies where the kernel "
				"(0x%llx-0x%llx), initrd or boot data go\n",
				guest_name, what[i], (unsigned)src[i][0],
				(unsigned)src[i][1],
				(unsigned long long)r->kernel,
				(unsigned long long)r->kernel_end);
			return -1;
		}
	return 0;
}

static int load(struct lx_result *r)
{
	struct guest_mem mem = {.base = (uint8_t *)0, .size = view.ram_end};
	struct lx_params p = {
		.image = (const void *)view.image,
		.image_size = view.image_end - view.image,
		.initrd = (const void *)view.initrd,
		.initrd_size = view.initrd_end - view.initrd,
		.cmdline = view.cmdline,
		.acpi_rsdp =
			0, /* the kernel scans the BIOS area, as with GRUB */
		.reserved = view.res,
		.nreserved = view.nres,
	};
	char err[200];

	if (lx_load(&p, &mem, r, err, sizeof(err))) {
		gprintf("%s: %s\n", guest_name, err);
		return -1;
	}
	if (check_placement(r))
		return -1;
	gprintf("%s: Linux boot protocol %u.%02u: kernel at 0x%llx-0x%llx, "
		"initrd at 0x%llx (%llu KiB), %u E820 entries, command line "
		"\"%s\"\n",
		guest_name, r->protocol >> 8, r->protocol & 0xff,
		(unsigned long long)r->kernel,
		(unsigned long long)r->kernel_end,
		(unsigned long long)r->initrd,
		(unsigned long long)(r->initrd_size / KIB), r->e820_count,
		view.cmdline);
	return 0;
}

static void entry_state(const struct vcpu_boot *b, struct linux_entry *e)
{
	*e = (struct linux_entry){
		.cr0 = (uint32_t)b->cr0,
		.cr3 = (uint32_t)b->cr3,
		.cr4 = (uint32_t)b->cr4,
		.efer = (uint32_t)(b->efer & ~EFER_LMA), /* LMA: read-only */
		.rip = (uint32_t)b->rip,
		.rsp = (uint32_t)b->rsp,
		.rsi = (uint32_t)b->rsi,
		.ds = b->ds,
		.far_cs = b->cs,
		.gdt_limit = b->gdt_limit,
		.gdt_base = (uint32_t)b->gdt_base,
	};
}

/* Announce the TSC at which the kernel will be entered, then make it
 * so: the line must have left the UART before that time, or it is
 * announced again with a longer margin. */
static void enter(struct linux_entry *e)
{
	uint64_t margin = ENTRY_MARGIN;

	for (unsigned i = 0; i < ENTRY_TRIES; i++, margin *= 2) {
		uint64_t target = rdtsc() + margin;

		gprintf("%s: entering the kernel at tsc=%llu\n", guest_name,
			(unsigned long long)target);
		serial_flush();
		if (rdtsc() < target) {
			e->target_lo = (uint32_t)target;
			e->target_hi = (uint32_t)(target >> 32);
			linux_enter64(e);
		}
		gprintf("%s: missed tsc=%llu; again\n", guest_name,
			(unsigned long long)target);
	}
}

int main(uint32_t magic, uint32_t info)
{
	struct lx_result r;
	struct linux_entry e;

	if (read_info(magic, info) || load(&r))
		return 1;
	if (r.boot.rip >= FOUR_GIB || r.boot.rsi >= FOUR_GIB) {
		gprintf("%s: the kernel's entry is above 4 GiB\n", guest_name);
		return 1;
	}
	entry_state(&r.boot, &e);
	enter(&e);
	gprintf("%s: could not print the entry line in time\n", guest_name);
	return 1;
}
