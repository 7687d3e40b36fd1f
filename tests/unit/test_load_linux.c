/*
 * tests/unit/test_load_linux.c - vmx/load_linux.c, vmx/e820.c and
 * vmx/boot64.c on the host: synthetic bzImages (a hand-made setup header
 * in front of recognisable protected-mode bytes) loaded into a malloc'd
 * guest RAM; the zero page, E820 map, command line, initrd and GDT are
 * read back, and the page tables are walked with vmx/guest_walk.c as the
 * guest's CPU would. Then damaged images and impossible placements, each
 * refused with its message.
 * Linux Documentation/x86/boot.rst, "64-bit BOOT PROTOCOL".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/regs.h"
#include "tests/unit/support.h"
#include "vmx/boot64.h"
#include "vmx/guest_walk.h"
#include "vmx/linux_boot.h"
#include "vmx/load_linux.h"

#define RAM_SIZE    (32 * MIB)
#define FILL	    0xcc /* guest RAM before the load */
#define PREF	    0x1000000ULL
#define INIT_SIZE   (4 * MIB)
#define SETUP_SECTS 3
#define SETUP_SIZE  ((SETUP_SECTS + 1) * 512)
#define KERNEL_SIZE 0x3000 /* protected-mode bytes in the image */
#define HDR_END	    0x26c  /* a 2.15 header, as Linux 6.1 has */

static uint8_t image[64 * 1024];
static size_t image_size;
static struct guest_mem mem;
static struct lx_result res;
static struct lx_params params;
static char err[256];
static uint8_t initrd[3 * 4096 + 123];

/* The legacy hole and an ACPI area inside it (listed first: it wins),
 * and a device window beyond the RAM. */
static const struct e820_range reserved[] = {
	{0xe0000, 0x100000, E820_ACPI},
	{0xa0000, 0x100000, E820_RESERVED},
	{0xfec00000, 0xfec01000, E820_RESERVED},
};

static uint8_t kernel_byte(size_t off)
{
	return (uint8_t)(off * 13 + 5);
}

static struct lx_setup_header *hdr(void)
{
	return (struct lx_setup_header *)(image + LX_HDR_OFFSET);
}

/* A bzImage as Linux 6.1's build makes it: protocol 2.15, relocatable,
 * 64-bit, setup_sects 3, KERNEL_SIZE bytes of protected-mode code. */
static void build_image(void)
{
	struct lx_setup_header *h = hdr();

	memset(image, 0, sizeof(image));
	for (size_t i = 0; i < KERNEL_SIZE; i++)
		image[SETUP_SIZE + i] = kernel_byte(i);
	image_size = SETUP_SIZE + KERNEL_SIZE;
	h->setup_sects = SETUP_SECTS;
	h->syssize = KERNEL_SIZE / 16;
	h->boot_flag = LX_BOOT_FLAG;
	h->jump = (uint16_t)(0xeb | (HDR_END - LX_HDR_END_BASE) << 8);
	h->header = LX_HDRS_MAGIC;
	h->version = 0x020f;
	h->loadflags = LX_LOADED_HIGH;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = LX_XLF_KERNEL_64 | LX_XLF_CAN_BE_LOADED_ABOVE_4G;
	h->cmdline_size = 2047;
	h->pref_address = PREF;
	h->init_size = INIT_SIZE;
	h->kernel_info_offset = 0x1234; /* past init_size: copied as is */
}

static int setup(void **state)
{
	build_image();
	mem.size = RAM_SIZE;
	mem.base = malloc(RAM_SIZE);
	memset(mem.base, FILL, RAM_SIZE);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 7 + 1);
	params = (struct lx_params){
		.image = image,
		.image_size = 0, /* set by load() */
		.cmdline = "console=ttyS0 earlyprintk=serial",
		.acpi_rsdp = 0xe0000,
		.reserved = reserved,
		.nreserved = ARRAY_SIZE(reserved),
	};
	memset(&res, 0, sizeof(res));
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	free(mem.base);
	return 0;
}

static int load(void)
{
	params.image_size = image_size;
	return lx_load(&params, &mem, &res, err, sizeof(err));
}

static const struct lx_boot_params *zero_page(void)
{
	return (const struct lx_boot_params *)(mem.base + LX_ZERO_PAGE_GPA);
}

/* ---- a good image ------------------------------------------------------ */

static void test_entry_state(void **state)
{
	assert_int_equal(load(), 0);
	assert_int_equal(res.boot.mode, VCPU_BOOT_LONG64);
	assert_int_equal(res.kernel, PREF);
	assert_int_equal(res.kernel_end, PREF + INIT_SIZE);
	assert_int_equal(res.boot.rip, PREF + 0x200);
	assert_int_equal(res.boot.rsi, LX_ZERO_PAGE_GPA);
	assert_int_equal(res.boot.cr3, LX_PAGE_TABLES_GPA);
	assert_true(res.boot.cr0 & CR0_PE);
	assert_true(res.boot.cr0 & CR0_PG);
	assert_int_equal(res.boot.cr4, CR4_PAE);
	assert_int_equal(res.boot.efer, EFER_LME | EFER_LMA);
	assert_int_equal(res.boot.gdt_base, LX_GDT_GPA);
	assert_int_equal(res.boot.gdt_limit, 0x1f);
	assert_int_equal(res.boot.cs, 0x10);
	assert_int_equal(res.boot.ds, 0x18);
	assert_int_equal(res.protocol, 0x020f);
	/* the protected-mode kernel, byte for byte, at its load address */
	for (size_t i = 0; i < KERNEL_SIZE; i++)
		assert_int_equal(mem.base[PREF + i], kernel_byte(i));
	/* nothing written below or right after it */
	assert_int_equal(mem.base[PREF - 1], FILL);
	assert_int_equal(mem.base[PREF + KERNEL_SIZE], FILL);
}

static void test_zero_page(void **state)
{
	const struct lx_boot_params *bp;

	params.initrd = initrd;
	params.initrd_size = sizeof(initrd);
	assert_int_equal(load(), 0);
	bp = zero_page();
	/* the setup header as in the image, with the loader's fields */
	assert_int_equal(bp->hdr.header, LX_HDRS_MAGIC);
	assert_int_equal(bp->hdr.version, 0x020f);
	assert_int_equal(bp->hdr.init_size, INIT_SIZE);
	assert_int_equal(bp->hdr.kernel_info_offset, 0x1234);
	assert_int_equal(bp->hdr.type_of_loader, 0xff);
	assert_int_equal(bp->hdr.code32_start, PREF);
	assert_int_equal(bp->hdr.cmd_line_ptr, LX_CMDLINE_GPA);
	assert_int_equal(bp->ext_cmd_line_ptr, 0);
	assert_int_equal(bp->hdr.ramdisk_image, res.initrd);
	assert_int_equal(bp->hdr.ramdisk_size, sizeof(initrd));
	assert_int_equal(bp->ext_ramdisk_image, 0);
	assert_int_equal(bp->ext_ramdisk_size, 0);
	assert_int_equal(bp->acpi_rsdp_addr, 0xe0000);
	assert_int_equal(bp->sentinel, 0);
	/* bytes past the header's end (0x26c) are zero, not image bytes */
	for (size_t off = HDR_END; off < 0x290; off++)
		assert_int_equal(((const uint8_t *)bp)[off], 0);
	/* the zero page is all written: nothing of the fill is left */
	for (size_t off = 0; off < 0x1e8; off++)
		assert_int_not_equal(((const uint8_t *)bp)[off], FILL);
	assert_string_equal((const char *)mem.base + LX_CMDLINE_GPA,
			    "console=ttyS0 earlyprintk=serial");
}

static void test_e820(void **state)
{
	const struct lx_boot_params *bp;
	static const struct lx_e820_entry want[] = {
		{0, 0xa0000, LX_E820_RAM},
		{0xa0000, 0x40000, LX_E820_RESERVED},
		{0xe0000, 0x20000, LX_E820_ACPI},
		{0x100000, RAM_SIZE - 0x100000, LX_E820_RAM},
		{0xfec00000, 0x1000, LX_E820_RESERVED},
	};

	assert_int_equal(load(), 0);
	bp = zero_page();
	assert_int_equal(bp->e820_entries, ARRAY_SIZE(want));
	assert_int_equal(res.e820_count, ARRAY_SIZE(want));
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		struct lx_e820_entry e;

		memcpy(&e, &bp->e820_table[i], sizeof(e));
		assert_int_equal(e.addr, want[i].addr);
		assert_int_equal(e.size, want[i].size);
		assert_int_equal(e.type, want[i].type);
	}
}

static void test_initrd_high(void **state)
{
	params.initrd = initrd;
	params.initrd_size = sizeof(initrd);
	assert_int_equal(load(), 0);
	/* the highest page-aligned place that fits below the end of RAM */
	assert_int_equal(res.initrd,
			 (RAM_SIZE - sizeof(initrd)) & ~(PAGE_SIZE - 1));
	assert_int_equal(res.initrd_size, sizeof(initrd));
	assert_memory_equal(mem.base + res.initrd, initrd, sizeof(initrd));
}

/* initrd_addr_max is the last byte the initrd may occupy. */
static void test_initrd_addr_max(void **state)
{
	hdr()->xloadflags = LX_XLF_KERNEL_64;
	hdr()->initrd_addr_max = 0x7fffff; /* 8 MiB - 1 */
	params.initrd = initrd;
	params.initrd_size = sizeof(initrd);
	assert_int_equal(load(), 0);
	assert_true(res.initrd + sizeof(initrd) <= 0x800000);
	assert_int_equal(res.initrd % PAGE_SIZE, 0);
	assert_true(res.initrd + sizeof(initrd) > 0x800000 - 2 * PAGE_SIZE);
	assert_memory_equal(mem.base + res.initrd, initrd, sizeof(initrd));
}

/* No room above the kernel: the initrd goes below it. */
static void test_initrd_below_kernel(void **state)
{
	hdr()->init_size = RAM_SIZE - PREF; /* the kernel takes the top */
	params.initrd = initrd;
	params.initrd_size = sizeof(initrd);
	assert_int_equal(load(), 0);
	assert_true(res.initrd + sizeof(initrd) <= PREF);
	assert_true(res.initrd >= 0x100000);
	assert_memory_equal(mem.base + res.initrd, initrd, sizeof(initrd));
}

static bool ram_read(void *ctx, gpa_t gpa, void *buf, size_t len)
{
	if (gpa > mem.size || len > mem.size - gpa)
		return false;
	memcpy(buf, mem.base + gpa, len);
	return true;
}

static int walk(gva_t va, unsigned access, gpa_t *pa)
{
	struct guest_paging pg = {.cr0 = res.boot.cr0,
				  .cr3 = res.boot.cr3,
				  .cr4 = res.boot.cr4,
				  .efer = res.boot.efer,
				  .maxphyaddr = 39};
	uint32_t pf = 0;

	return guest_walk(&pg, va, access, ram_read, NULL, pa, &pf);
}

/* The page tables map the kernel's whole init_size range, the zero page,
 * the command line and the rest of RAM to themselves. */
static void test_page_tables_identity(void **state)
{
	static const gva_t addrs[] = {
		PREF + 0x200,	      /* the entry */
		PREF + INIT_SIZE - 1, /* the end of what it needs */
		LX_ZERO_PAGE_GPA,
		LX_CMDLINE_GPA,
		LX_GDT_GPA,
		0,
		RAM_SIZE - 1,
		0x3fffffff, /* the last mapped byte */
		0x1234567,
	};
	gpa_t pa;

	assert_int_equal(load(), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(addrs); i++) {
		assert_int_equal(walk(addrs[i], GW_FETCH | GW_WRITE, &pa),
				 GW_OK);
		assert_int_equal(pa, addrs[i]);
	}
	/* a 32 MiB VM gets one page directory: 1 GiB and no more */
	assert_int_equal(walk(0x40000000, GW_READ, &pa), GW_FAULT);
}

/* A 3 GiB VM (sparse host memory) is mapped up to 3 GiB. */
static void test_page_tables_big_vm(void **state)
{
	gpa_t pa;

	free(mem.base);
	mem.size = 3 * GIB;
	mem.base = calloc(1, mem.size);
	assert_non_null(mem.base);
	assert_int_equal(load(), 0);
	assert_int_equal(walk(3 * GIB - 1, GW_READ, &pa), GW_OK);
	assert_int_equal(pa, 3 * GIB - 1);
	assert_int_equal(walk(3 * GIB, GW_READ, &pa), GW_FAULT);
}

static uint64_t gdt_entry(uint16_t sel)
{
	uint64_t d;

	memcpy(&d, mem.base + LX_GDT_GPA + sel, sizeof(d));
	return d;
}

/* __BOOT_CS flat 64-bit execute/read, __BOOT_DS flat read/write. */
static void test_gdt(void **state)
{
	assert_int_equal(load(), 0);
	assert_int_equal(gdt_entry(0), 0);
	assert_int_equal(gdt_entry(BOOT64_CS), 0x00af9b000000ffffULL);
	assert_int_equal(gdt_entry(BOOT64_DS), 0x00cf93000000ffffULL);
}

/* setup_sects 0 means 4: the kernel starts at 5 * 512. */
static void test_setup_sects_zero(void **state)
{
	memmove(image + 5 * 512, image + SETUP_SIZE, KERNEL_SIZE);
	image_size = 5 * 512 + KERNEL_SIZE;
	hdr()->setup_sects = 0;
	assert_int_equal(load(), 0);
	for (size_t i = 0; i < KERNEL_SIZE; i++)
		assert_int_equal(mem.base[PREF + i], kernel_byte(i));
}

/* A relocatable kernel goes to pref_address aligned up; one that is not
 * relocatable to pref_address exactly; below 1 MiB means 1 MiB. */
static void test_load_address(void **state)
{
	hdr()->pref_address = 0x1100000;
	assert_int_equal(load(), 0);
	assert_int_equal(res.kernel, 0x1200000);
	hdr()->relocatable_kernel = 0;
	assert_int_equal(load(), 0);
	assert_int_equal(res.kernel, 0x1100000);
	hdr()->pref_address = 0x1000;
	assert_int_equal(load(), 0);
	assert_int_equal(res.kernel, 0x100000);
	assert_int_equal(res.boot.rip, 0x100200);
}

static void test_cmdline_empty(void **state)
{
	params.cmdline = NULL;
	assert_int_equal(load(), 0);
	assert_int_equal(mem.base[LX_CMDLINE_GPA], '\0');
}

/* Exactly cmdline_size characters fit. */
static void test_cmdline_at_limit(void **state)
{
	hdr()->cmdline_size = (uint32_t)strlen(params.cmdline);
	assert_int_equal(load(), 0);
	assert_string_equal((const char *)mem.base + LX_CMDLINE_GPA,
			    params.cmdline);
}

/* ---- refused images ---------------------------------------------------- */

static void refused(const char *want)
{
	assert_int_equal(load(), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void test_text_file(void **state)
{
	static const char text[] = "this is not a kernel\n";

	memset(image, 0, sizeof(image));
	memcpy(image, text, sizeof(text));
	image_size = sizeof(text);
	refused("not a bzImage (no HdrS magic)");
	image_size = sizeof(image); /* long enough, still no magic */
	refused("not a bzImage (no HdrS magic)");
}

static void test_too_short(void **state)
{
	image_size = 0x210; /* the magic, but not the 2.12 fields */
	refused("ends inside its setup header");
}

static void test_bad_boot_flag(void **state)
{
	hdr()->boot_flag = 0x1234;
	refused("boot flag 0x1234");
}

static void test_old_protocol(void **state)
{
	hdr()->version = 0x020b;
	refused("boot protocol 2.11 too old (need 2.12)");
}

static void test_header_end(void **state)
{
	hdr()->jump = 0xffeb; /* header "ends" at 0x301 */
	refused("setup header ends at 0x301");
	hdr()->jump = 0x10eb; /* at 0x212: before the 2.12 fields */
	refused("setup header ends at 0x212");
}

static void test_setup_sects_beyond(void **state)
{
	hdr()->setup_sects = 200; /* 100 KiB of setup in a 14 KiB image */
	refused("setup_sects 200 puts the kernel at offset 0x19200, beyond "
		"the end of the image");
}

static void test_truncated(void **state)
{
	image_size -= 16;
	refused("image truncated: the header says 12288 bytes of kernel");
}

static void test_no_entry_room(void **state)
{
	hdr()->syssize = 0x20; /* 512 bytes: no byte after +0x200 */
	refused("cannot hold the 64-bit entry");
	hdr()->syssize = 0;
	refused("syssize 0");
}

static void test_not_loaded_high(void **state)
{
	hdr()->loadflags = 0;
	refused("LOADED_HIGH");
}

static void test_not_64bit(void **state)
{
	hdr()->xloadflags = LX_XLF_CAN_BE_LOADED_ABOVE_4G;
	refused("no 64-bit entry point");
}

static void test_bad_alignment(void **state)
{
	hdr()->kernel_alignment = 0x300000;
	refused("kernel_alignment 0x300000 is not a power of two");
	hdr()->kernel_alignment = 0;
	refused("kernel_alignment 0x0");
}

static void test_too_big_for_ram(void **state)
{
	hdr()->init_size = 64 * MIB;
	refused("kernel needs 80 MiB but the VM has 32 MiB");
	hdr()->init_size = INIT_SIZE;
	hdr()->pref_address = 0xfffffffffffff000ULL;
	refused("pref_address 0xfffffffffffff000 is beyond any RAM");
	hdr()->pref_address = 0x1000000000ULL; /* 64 GiB */
	refused("kernel needs 65540 MiB but the VM has 32 MiB");
}

static void test_unaligned_fixed(void **state)
{
	hdr()->relocatable_kernel = 0;
	hdr()->pref_address = PREF + 0x123;
	refused("not page aligned");
}

static void test_initrd_too_big(void **state)
{
	static uint8_t big[20 * 1024 * 1024];

	params.initrd = big;
	params.initrd_size = sizeof(big); /* 20 MiB; 11 MiB left in all */
	refused("initrd of 20480 KiB does not fit in the VM's RAM");
	hdr()->xloadflags = LX_XLF_KERNEL_64;
	hdr()->initrd_addr_max = 0x1ffff; /* all of it below 128 KiB */
	params.initrd = initrd;
	params.initrd_size = sizeof(initrd);
	refused("initrd of 13 KiB does not fit in the VM's RAM below 0x20000");
}

static void test_cmdline_too_long(void **state)
{
	static char line[5000];

	hdr()->cmdline_size = 10;
	refused("command line of 32 characters is longer than the kernel "
		"accepts (cmdline_size 10)");
	memset(line, 'x', sizeof(line) - 1);
	hdr()->cmdline_size = 0xffffffff;
	params.cmdline = line;
	refused("does not fit in its area");
}

/* The VM's map must leave the low boot area as RAM, and only non-RAM
 * types may be reserved. */
static void test_bad_memory_map(void **state)
{
	static const struct e820_range low[] = {{0x8000, 0x9000, E820_NVS}};
	static const struct e820_range ram[] = {{0, 64 * MIB, E820_RAM}};

	params.reserved = low;
	params.nreserved = 1;
	refused("no RAM at 0x1000-0x21000");
	params.reserved = ram;
	refused("reserved range 0 has type 1");
	params.reserved = reserved;
	mem.size = 64 * KIB; /* a VM smaller than the boot data */
	refused("no RAM at 0x1000-0x21000");
}

/* A refused image leaves RAM outside the low area and its kernel range
 * untouched. */
static void test_refusal_writes_nothing_high(void **state)
{
	hdr()->init_size = 64 * MIB;
	refused("kernel needs");
	for (size_t i = PREF; i < RAM_SIZE; i += 4093)
		assert_int_equal(mem.base[i], FILL);
}

/* unsafe_dma: RAM from 1 MiB up to dma_from is reserved in the map, and
 * a relocatable kernel whose preferred place lies there goes to the
 * first aligned place above it; the initrd stays high, above it too. */
static void test_dma_hole(void **state)
{
	const struct lx_boot_params *bp;
	static const struct lx_e820_entry want[] = {
		{0, 0xa0000, LX_E820_RAM},
		{0xa0000, 0x40000, LX_E820_RESERVED},
		{0xe0000, 0x20000, LX_E820_ACPI},
		{0x100000, 0x1300000 - 0x100000, LX_E820_RESERVED},
		{0x1300000, RAM_SIZE - 0x1300000, LX_E820_RAM},
		{0xfec00000, 0x1000, LX_E820_RESERVED},
	};

	params.dma_from = 0x1300000; /* above PREF: the kernel must move */
	params.initrd = initrd;
	params.initrd_size = sizeof(initrd);
	assert_int_equal(load(), 0);
	bp = zero_page();
	assert_int_equal(bp->e820_entries, ARRAY_SIZE(want));
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		struct lx_e820_entry e;

		memcpy(&e, &bp->e820_table[i], sizeof(e));
		assert_int_equal(e.addr, want[i].addr);
		assert_int_equal(e.size, want[i].size);
		assert_int_equal(e.type, want[i].type);
	}
	/* 2 MiB aligned (kernel_alignment), the first place at or above
	 * 0x1300000: 0x1400000; its code is there, nothing at PREF */
	assert_int_equal(res.kernel, 0x1400000);
	assert_int_equal(res.boot.rip, 0x1400200);
	assert_int_equal(mem.base[0x1400000], kernel_byte(0));
	assert_int_equal(mem.base[PREF], FILL);
	assert_true(res.initrd >= 0x1400000 + INIT_SIZE);

	/* below PREF: the kernel stays where it prefers */
	params.dma_from = 0x800000;
	assert_int_equal(load(), 0);
	assert_int_equal(res.kernel, PREF);
}

/* A kernel that is not relocatable cannot move out of the hole: refused,
 * saying why, rather than given RAM where DMA goes astray. */
static void test_dma_hole_fixed_kernel(void **state)
{
	hdr()->relocatable_kernel = 0;
	params.dma_from = 0x1300000;
	refused("kernel at 0x1000000-0x1400000 overlaps a reserved range of "
		"the VM's memory map (it is not relocatable: it runs only "
		"there)");
	/* a hole the whole RAM: no place for any kernel */
	hdr()->relocatable_kernel = 1;
	params.dma_from = RAM_SIZE;
	refused("overlaps a reserved range");
	/* the caller's ranges and the hole must fit the builder */
	static struct e820_range many[E820_RESERVED_MAX];

	for (unsigned i = 0; i < E820_RESERVED_MAX; i++)
		many[i] = (struct e820_range){
			0xf0000000ULL + i * 0x1000,
			0xf0000000ULL + i * 0x1000 + 0x800, E820_RESERVED};
	params.reserved = many;
	params.nreserved = E820_RESERVED_MAX;
	params.dma_from = 0;
	assert_int_equal(load(), 0);
	params.dma_from = 0x1300000;
	refused("17 reserved ranges for the memory map; at most 16");
}

/* ---- the E820 builder on its own --------------------------------------- */

static void test_e820_merge_and_sort(void **state)
{
	/* given out of order, one beyond RAM, one empty, two touching */
	static const struct e820_range r[] = {
		{0x200000, 0x300000, E820_NVS},
		{0x100000, 0x200000, E820_NVS},
		{0x50000, 0x50000, E820_RESERVED},
		{0x10000000, 0x10001000, E820_RESERVED},
	};
	struct e820_range out[8];
	int n = e820_build(0x400000, r, ARRAY_SIZE(r), out, 8);

	assert_int_equal(n, 4);
	assert_int_equal(out[0].start, 0);
	assert_int_equal(out[0].end, 0x100000);
	assert_int_equal(out[0].type, E820_RAM);
	assert_int_equal(out[1].start, 0x100000); /* the two NVS merged */
	assert_int_equal(out[1].end, 0x300000);
	assert_int_equal(out[1].type, E820_NVS);
	assert_int_equal(out[2].start, 0x300000);
	assert_int_equal(out[2].end, 0x400000);
	assert_int_equal(out[3].start, 0x10000000);
	assert_int_equal(out[3].type, E820_RESERVED);
	assert_true(e820_all_ram(out, 4, 0x300000, 0x400000));
	assert_false(e820_all_ram(out, 4, 0x2ff000, 0x301000));
	assert_int_equal(e820_build(0x400000, r, ARRAY_SIZE(r), out, 3), -1);
	assert_int_equal(e820_build(0x400000, r, E820_RESERVED_MAX + 1, out, 8),
			 -1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_entry_state),
		T(test_zero_page),
		T(test_e820),
		T(test_initrd_high),
		T(test_initrd_addr_max),
		T(test_initrd_below_kernel),
		T(test_page_tables_identity),
		T(test_page_tables_big_vm),
		T(test_gdt),
		T(test_setup_sects_zero),
		T(test_load_address),
		T(test_dma_hole),
		T(test_dma_hole_fixed_kernel),
		T(test_cmdline_empty),
		T(test_cmdline_at_limit),
		T(test_text_file),
		T(test_too_short),
		T(test_bad_boot_flag),
		T(test_old_protocol),
		T(test_header_end),
		T(test_setup_sects_beyond),
		T(test_truncated),
		T(test_no_entry_room),
		T(test_not_loaded_high),
		T(test_not_64bit),
		T(test_bad_alignment),
		T(test_too_big_for_ram),
		T(test_unaligned_fixed),
		T(test_initrd_too_big),
		T(test_cmdline_too_long),
		T(test_bad_memory_map),
		T(test_refusal_writes_nothing_high),
		T(test_e820_merge_and_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
