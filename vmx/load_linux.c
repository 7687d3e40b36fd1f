/*
 * vmx/load_linux.c - the Linux x86 boot protocol, 64-bit entry: checks a
 * bzImage's setup header, copies its protected-mode kernel, the initrd
 * and the command line into the VM's RAM, writes the zero page (with an
 * E820 map), identity page tables and a GDT, and returns the entry
 * state.
 * Pure logic: runs in VMX root when a VM is built, and on the host in
 * tests/unit/test_load_linux.c and tests/fuzz/fuzz_load_linux.c. The
 * image is untrusted: every offset taken from it is checked against the
 * image, every guest address against the RAM.
 * Linux Documentation/x86/boot.rst, "THE LINUX/x86 BOOT PROTOCOL"
 * ("Details of Header Fields", "Loading The Rest of The Kernel", "64-bit
 * BOOT PROTOCOL"); Documentation/x86/zero-page.rst.
 */
#include <stdarg.h>
#include "arch/x86_64/regs.h"
#include "lib/bytes.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "vmx/boot64.h"
#include "vmx/linux_boot.h"
#include "vmx/load_linux.h"

#define ALIGN_MIN	 PAGE_SIZE
#define ALIGN_MAX	 GIB
#define PREF_ADDRESS_MAX (1ULL << 52) /* beyond any guest-physical RAM */
#define E820_MAP_MAX	 (2 + 2 * E820_RESERVED_MAX)

/* One load: the inputs, what the header says and what was decided. */
struct lx_ctx {
	const struct lx_params *p;
	const uint8_t *image;
	struct guest_mem *mem;
	char *err;
	size_t err_size;
	struct lx_setup_header h; /* the image's header, zero-extended */
	size_t hdr_end;		  /* 0x202 + the byte at 0x201 */
	uint64_t setup_size;	  /* real-mode part: (setup_sects + 1) * 512 */
	uint64_t kernel_size;	  /* protected-mode part: syssize * 16 */
	gpa_t load;		  /* where the protected-mode kernel goes */
	gpa_t kernel_end;	  /* load + what it needs (init_size) */
	gpa_t initrd;
	struct e820_range map[E820_MAP_MAX];
	unsigned map_count;
};

__attribute__((format(printf, 2, 3))) static int lx_fail(struct lx_ctx *c,
							 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->err, c->err_size, fmt, ap);
	va_end(ap);
	return -1;
}

static unsigned long mib_up(uint64_t bytes)
{
	return (unsigned long)((bytes + MIB - 1) / MIB);
}

bool lx_is_bzimage(const void *image, size_t image_size)
{
	return image_size >= LX_MAGIC_OFFSET + 4 &&
	       get_le32((const uint8_t *)image + LX_MAGIC_OFFSET) ==
		       LX_HDRS_MAGIC;
}

/* ---- the setup header -------------------------------------------------- */

/* Magic, boot flag, version and the header's own extent; then a copy of
 * it in c->h. */
static int header_read(struct lx_ctx *c)
{
	size_t size = c->p->image_size;
	uint16_t flag, version;

	if (!lx_is_bzimage(c->image, size))
		return lx_fail(c, "not a bzImage (no HdrS magic)");
	if (size < LX_HDR_USED_END)
		return lx_fail(
			c, "image of %lu bytes ends inside its setup header",
			(unsigned long)size);
	flag = get_le16(c->image + LX_HDR_FIELD(boot_flag));
	version = get_le16(c->image + LX_HDR_FIELD(version));
	if (flag != LX_BOOT_FLAG)
		return lx_fail(c,
			       "not a bzImage (boot flag 0x%x at 0x1fe, "
			       "expected 0xaa55)",
			       flag);
	if (version < LX_PROTOCOL_MIN)
		return lx_fail(c, "boot protocol %u.%02u too old (need 2.12)",
			       version >> 8, version & 0xff);
	c->hdr_end = LX_HDR_END_BASE + c->image[LX_JUMP_OFFSET + 1];
	if (c->hdr_end < LX_HDR_USED_END || c->hdr_end > LX_HDR_AREA_END)
		return lx_fail(c,
			       "setup header ends at 0x%lx (the byte at 0x201 "
			       "says); a 2.12 header ends between 0x%x and "
			       "0x%x",
			       (unsigned long)c->hdr_end, LX_HDR_USED_END,
			       LX_HDR_AREA_END);
	if (c->hdr_end > size)
		return lx_fail(
			c,
			"image of %lu bytes ends inside its setup header "
			"(which ends at 0x%lx)",
			(unsigned long)size, (unsigned long)c->hdr_end);
	memset(&c->h, 0, sizeof(c->h));
	memcpy(&c->h, c->image + LX_HDR_OFFSET,
	       MIN(sizeof(c->h), c->hdr_end - LX_HDR_OFFSET));
	return 0;
}

/* Where the protected-mode kernel is in the image, and that it is all
 * there. */
static int header_sizes(struct lx_ctx *c)
{
	uint64_t size = c->p->image_size;
	unsigned sects = c->h.setup_sects ? c->h.setup_sects : LX_SETUP_SECTS_0;

	c->setup_size = (uint64_t)(sects + 1) * LX_SECTOR_SIZE;
	c->kernel_size = (uint64_t)c->h.syssize * 16;
	if (c->setup_size >= size)
		return lx_fail(
			c,
			"setup_sects %u puts the kernel at offset 0x%lx, "
			"beyond the end of the image (%lu bytes)",
			c->h.setup_sects, (unsigned long)c->setup_size,
			(unsigned long)size);
	if (c->kernel_size <= LX_ENTRY64_OFFSET)
		return lx_fail(c,
			       "syssize %u: a protected-mode kernel of %lu "
			       "bytes cannot hold the 64-bit entry at 0x200",
			       c->h.syssize, (unsigned long)c->kernel_size);
	if (c->kernel_size > size - c->setup_size)
		return lx_fail(c,
			       "image truncated: the header says %lu bytes of "
			       "kernel after offset 0x%lx, the image has %lu",
			       (unsigned long)c->kernel_size,
			       (unsigned long)c->setup_size,
			       (unsigned long)(size - c->setup_size));
	return 0;
}

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The flags a 64-bit load needs. */
static int header_flags(struct lx_ctx *c)
{
	if (!(c->h.loadflags & LX_LOADED_HIGH))
		return lx_fail(c,
			       "not a bzImage (loadflags 0x%x lack "
			       "LOADED_HIGH: a zImage, loaded at 0x10000)",
			       c->h.loadflags);
	if (!(c->h.xloadflags & LX_XLF_KERNEL_64))
		return lx_fail(c,
			       "kernel has no 64-bit entry point (xloadflags "
			       "0x%x lack XLF_KERNEL_64): a 32-bit kernel?",
			       c->h.xloadflags);
	if (c->h.relocatable_kernel && (!power_of_two(c->h.kernel_alignment) ||
					c->h.kernel_alignment < ALIGN_MIN ||
					c->h.kernel_alignment > ALIGN_MAX))
		return lx_fail(c,
			       "kernel_alignment 0x%x is not a power of two "
			       "from 4 KiB to 1 GiB",
			       c->h.kernel_alignment);
	return 0;
}

/* ---- placing things in guest memory ------------------------------------ */

/* The caller's reserved ranges, then the RAM that is not DMA-able
 * (dma_from): the count, or -1 when they are too many. */
static int map_reserved(const struct lx_ctx *c, struct e820_range *res)
{
	unsigned n = c->p->nreserved;
	gpa_t end = MIN(c->p->dma_from, c->mem->size);

	if (n > E820_RESERVED_MAX)
		return -1;
	memcpy(res, c->p->reserved, n * sizeof(*res));
	if (end > LX_KERNEL_MIN) {
		if (n == E820_RESERVED_MAX)
			return -1;
		res[n++] =
			(struct e820_range){LX_KERNEL_MIN, end, E820_RESERVED};
	}
	return (int)n;
}

/* The VM's memory map, and that the boot data's low area is RAM. */
static int build_map(struct lx_ctx *c)
{
	struct e820_range res[E820_RESERVED_MAX];
	int n;

	for (unsigned i = 0; i < c->p->nreserved; i++)
		if (c->p->reserved[i].type == E820_RAM ||
		    c->p->reserved[i].type == 0)
			return lx_fail(c, "reserved range %u has type %u", i,
				       c->p->reserved[i].type);
	n = map_reserved(c, res);
	if (n >= 0)
		n = e820_build(c->mem->size, res, (unsigned)n, c->map,
			       E820_MAP_MAX);
	if (n < 0)
		return lx_fail(c,
			       "%u reserved ranges for the memory map; at most "
			       "%u",
			       c->p->nreserved + (c->p->dma_from ? 1 : 0),
			       E820_RESERVED_MAX);
	c->map_count = (unsigned)n;
	if (!e820_all_ram(c->map, c->map_count, LX_LOW_START, LX_LOW_END))
		return lx_fail(
			c,
			"the VM's memory map has no RAM at 0x%llx-0x%llx "
			"for the zero page, page tables and command line",
			LX_LOW_START, LX_LOW_END);
	return 0;
}

/* A relocatable kernel of NEED bytes: the lowest start at or above
 * LOAD, aligned as it asks, where a RAM entry of the map holds it; LOAD
 * itself when none does (the caller then refuses it). */
static gpa_t kernel_ram_above(const struct lx_ctx *c, gpa_t load, uint64_t need)
{
	for (unsigned i = 0; i < c->map_count; i++) {
		const struct e820_range *e = &c->map[i];
		gpa_t start = ALIGN_UP(MAX(e->start, load),
				       (gpa_t)c->h.kernel_alignment);

		if (e->type == E820_RAM && start < e->end &&
		    need <= e->end - start)
			return start;
	}
	return load;
}

/*
 * At pref_address (a relocatable kernel higher when a reserved range
 * is there, see kernel_ram_above): a 6.1 kernel's startup_64 decompresses to
 * max(align_up(load, kernel_alignment), LOAD_PHYSICAL_ADDR), and
 * LOAD_PHYSICAL_ADDR is pref_address, so loading it lower would not
 * save any RAM. A pref_address below 1 MiB (never seen) becomes 1 MiB.
 */
static int place_kernel(struct lx_ctx *c)
{
	uint64_t need = MAX((uint64_t)c->h.init_size, c->kernel_size);
	gpa_t load = MAX(c->h.pref_address, LX_KERNEL_MIN);

	if (load > PREF_ADDRESS_MAX)
		return lx_fail(c, "pref_address 0x%lx is beyond any RAM",
			       (unsigned long)load);
	if (c->h.relocatable_kernel)
		load = ALIGN_UP(load, c->h.kernel_alignment);
	else if (load % PAGE_SIZE)
		return lx_fail(c,
			       "a kernel that is not relocatable wants to be "
			       "loaded at 0x%lx, which is not page aligned",
			       (unsigned long)load);
	if (load + need > c->mem->size)
		return lx_fail(c, "kernel needs %lu MiB but the VM has %lu MiB",
			       mib_up(load + need),
			       (unsigned long)(c->mem->size / MIB));
	if (c->h.relocatable_kernel)
		load = kernel_ram_above(c, load, need);
	if (!e820_all_ram(c->map, c->map_count, load, load + need))
		return lx_fail(c,
			       "kernel at 0x%lx-0x%lx overlaps a reserved "
			       "range of the VM's memory map%s",
			       (unsigned long)load,
			       (unsigned long)(load + need),
			       c->h.relocatable_kernel
				       ? ""
				       : " (it is not relocatable: it runs "
					 "only there)");
	c->load = load;
	c->kernel_end = load + need;
	memcpy(c->mem->base + load, c->image + c->setup_size, c->kernel_size);
	return 0;
}

/* The highest page-aligned start in RAM entry E at or below TOP, above
 * the boot data, clear of the kernel; 0 when there is none. */
static gpa_t initrd_fit(const struct lx_ctx *c, const struct e820_range *e,
			uint64_t top, uint64_t size)
{
	uint64_t floor = MAX(e->start, LX_LOW_END);

	top = MIN(top, e->end);
	while (top >= floor && top - floor >= size) {
		gpa_t start = ALIGN_DOWN(top - size, PAGE_SIZE);

		if (start < floor)
			return 0;
		if (start < c->kernel_end && start + size > c->load) {
			top = c->load; /* try below the kernel */
			continue;
		}
		return start;
	}
	return 0;
}

/* High in RAM, below initrd_addr_max (the last byte it may occupy)
 * unless the kernel takes an initrd above 4 GiB. */
static int place_initrd(struct lx_ctx *c)
{
	uint64_t size = c->p->initrd_size;
	uint64_t top = c->mem->size;

	if (!c->p->initrd || size == 0)
		return 0;
	if (!(c->h.xloadflags & LX_XLF_CAN_BE_LOADED_ABOVE_4G))
		top = MIN(top, (uint64_t)c->h.initrd_addr_max + 1);
	for (unsigned i = c->map_count; i-- > 0 && !c->initrd;)
		if (c->map[i].type == E820_RAM)
			c->initrd = initrd_fit(c, &c->map[i], top, size);
	if (!c->initrd)
		return lx_fail(c,
			       "initrd of %lu KiB does not fit in the VM's RAM "
			       "below 0x%lx beside the kernel at 0x%lx-0x%lx",
			       (unsigned long)((size + KIB - 1) / KIB),
			       (unsigned long)top, (unsigned long)c->load,
			       (unsigned long)c->kernel_end);
	memcpy(c->mem->base + c->initrd, c->p->initrd, size);
	return 0;
}

/* The command line, at most cmdline_size characters plus its NUL. */
static int place_cmdline(struct lx_ctx *c)
{
	const char *s = c->p->cmdline ? c->p->cmdline : "";
	size_t len = strnlen(s, LX_CMDLINE_AREA);

	if (len > c->h.cmdline_size)
		return lx_fail(c,
			       "command line of %lu characters is longer than "
			       "the kernel accepts (cmdline_size %u)",
			       (unsigned long)len, c->h.cmdline_size);
	if (len >= LX_CMDLINE_AREA)
		return lx_fail(c,
			       "command line longer than %llu characters does "
			       "not fit in its area",
			       LX_CMDLINE_AREA - 1);
	memcpy(c->mem->base + LX_CMDLINE_GPA, s, len);
	c->mem->base[LX_CMDLINE_GPA + len] = '\0';
	return 0;
}

/* ---- the zero page ----------------------------------------------------- */

static void zero_page_e820(struct lx_ctx *c, struct lx_boot_params *bp)
{
	bp->e820_entries = (uint8_t)c->map_count;
	for (unsigned i = 0; i < c->map_count; i++) {
		struct lx_e820_entry e = {c->map[i].start,
					  c->map[i].end - c->map[i].start,
					  c->map[i].type};

		memcpy(&bp->e820_table[i], &e, sizeof(e));
	}
}

/* "64-bit BOOT PROTOCOL": a zeroed boot_params, the setup header copied
 * from the image (0x1f1 to its end), then what the loader fills in. */
static void write_zero_page(struct lx_ctx *c)
{
	struct lx_boot_params *bp =
		(struct lx_boot_params *)(c->mem->base + LX_ZERO_PAGE_GPA);
	uint64_t initrd_size = c->initrd ? c->p->initrd_size : 0;

	memset(bp, 0, sizeof(*bp));
	memcpy((uint8_t *)bp + LX_HDR_OFFSET, c->image + LX_HDR_OFFSET,
	       c->hdr_end - LX_HDR_OFFSET);
	bp->hdr.type_of_loader = LX_LOADER_UNKNOWN;
	bp->hdr.code32_start = (uint32_t)c->load;
	bp->hdr.cmd_line_ptr = (uint32_t)LX_CMDLINE_GPA;
	bp->ext_cmd_line_ptr = (uint32_t)(LX_CMDLINE_GPA >> 32);
	bp->hdr.ramdisk_image = (uint32_t)c->initrd;
	bp->ext_ramdisk_image = (uint32_t)(c->initrd >> 32);
	bp->hdr.ramdisk_size = (uint32_t)initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(initrd_size >> 32);
	bp->hdr.setup_data = 0; /* no setup_data list */
	bp->acpi_rsdp_addr = c->p->acpi_rsdp;
	zero_page_e820(c, bp);
}

/* ---- the 64-bit entry -------------------------------------------------- */

/* Page directories for all of the RAM, up to LX_PD_MAX GiB. */
static unsigned page_directories(const struct lx_ctx *c)
{
	uint64_t n = (c->mem->size + BOOT64_PD_SPAN - 1) / BOOT64_PD_SPAN;

	return (unsigned)MIN(MAX(n, 1), (uint64_t)LX_PD_MAX);
}

static int write_cpu_tables(struct lx_ctx *c)
{
	unsigned n_pd = page_directories(c);

	if (c->kernel_end > n_pd * BOOT64_PD_SPAN)
		return lx_fail(c,
			       "kernel at 0x%lx-0x%lx lies above the %u GiB "
			       "the boot page tables map",
			       (unsigned long)c->load,
			       (unsigned long)c->kernel_end, n_pd);
	if (boot64_write_page_tables(c->mem, LX_PAGE_TABLES_GPA, n_pd) ||
	    boot64_write_gdt(c->mem, LX_GDT_GPA))
		return lx_fail(c, "no RAM for the boot page tables and GDT");
	return 0;
}

/* "At entry, the CPU must be in 64-bit mode with paging enabled ...
 * %rsi must hold the base address of the struct boot_params." */
static void entry_state(const struct lx_ctx *c, struct lx_result *out)
{
	out->boot = (struct vcpu_boot){
		.mode = VCPU_BOOT_LONG64,
		.rip = c->load + LX_ENTRY64_OFFSET,
		.rsp = LX_STACK_TOP,
		.rsi = LX_ZERO_PAGE_GPA,
		.cr0 = CR0_PE | CR0_ET | CR0_PG,
		.cr3 = LX_PAGE_TABLES_GPA,
		.cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA,
		.gdt_base = LX_GDT_GPA,
		.gdt_limit = BOOT64_GDT_LIMIT,
		.cs = BOOT64_CS,
		.ds = BOOT64_DS,
	};
	out->protocol = c->h.version;
	out->kernel = c->load;
	out->kernel_end = c->kernel_end;
	out->initrd = c->initrd;
	out->initrd_size = c->initrd ? c->p->initrd_size : 0;
	out->e820_count = c->map_count;
}

int lx_load(const struct lx_params *p, struct guest_mem *mem,
	    struct lx_result *out, char *err, size_t err_size)
{
	struct lx_ctx c = {
		.p = p,
		.image = p->image,
		.mem = mem,
		.err = err,
		.err_size = err_size,
	};

	if (header_read(&c) || header_sizes(&c) || header_flags(&c) ||
	    build_map(&c) || place_cmdline(&c) || place_kernel(&c) ||
	    write_cpu_tables(&c) || place_initrd(&c))
		return -1;
	write_zero_page(&c);
	entry_state(&c, out);
	return 0;
}
