/*
 * tests/fuzz/fuzz_load_linux.c - libFuzzer target for vmx/load_linux.c
 * (with vmx/e820.c and vmx/boot64.c), built for the host with clang
 * -fsanitize=fuzzer,address,undefined.
 * A valid little bzImage is the template; each input patches bytes of
 * its setup header (pairs of offset and value), cuts the image short,
 * and picks the VM's RAM size, the initrd and command line lengths and
 * the reserved ranges. Each RAM size is a heap block between two guard
 * areas that must stay intact, so a write outside the RAM is caught by
 * the guards or by ASan. When the load succeeds, checks what vm.c and the guest
 * rely on: a 64-bit entry inside the loaded kernel, everything placed
 * inside RAM and apart, the zero page and E820 map sane, and the page
 * tables mapping the entry and the zero page to themselves.
 * Linux Documentation/x86/boot.rst, "64-bit BOOT PROTOCOL".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/x86_64/regs.h"
#include "vmx/guest_walk.h"
#include "vmx/linux_boot.h"
#include "vmx/load_linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_load_linux: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

#define SETUP_SIZE  0x400 /* setup_sects 1 */
#define KERNEL_SIZE 0x400
#define IMAGE_SIZE  (SETUP_SIZE + KERNEL_SIZE)
#define GUARD	    256
#define GUARD_BYTE  0x5a
#define CONTROL	    4 /* bytes before the patches */

static const uint64_t ram_sizes[] = {
	0x10000,  0x21000,  0x100000, 0x110000,
	0x200000, 0x280000, 0x400000, 0x1100000,
};

static const struct e820_range legacy[] = {
	{0xe0000, 0x100000, E820_ACPI},
	{0xa0000, 0x100000, E820_RESERVED},
	{0xfec00000, 0xfec01000, E820_RESERVED},
};

/* Reserved ranges that cut into RAM where the kernel or initrd might go. */
static const struct e820_range holes[] = {
	{0x180000, 0x190000, E820_NVS},
	{0x300000, 0x301000, E820_RESERVED},
	{0xa0000, 0x100000, E820_RESERVED},
};

static void template(uint8_t *image)
{
	struct lx_setup_header h = {
		.setup_sects = 1,
		.syssize = KERNEL_SIZE / 16,
		.boot_flag = LX_BOOT_FLAG,
		.jump = 0x6aeb, /* header ends at 0x26c */
		.header = LX_HDRS_MAGIC,
		.version = 0x020f,
		.loadflags = LX_LOADED_HIGH,
		.initrd_addr_max = 0x7fffffff,
		.kernel_alignment = 0x1000,
		.relocatable_kernel = 1,
		.xloadflags = LX_XLF_KERNEL_64,
		.cmdline_size = 255,
		.pref_address = 0x100000,
		.init_size = 0x10000,
	};

	memset(image, 0, IMAGE_SIZE);
	memcpy(image + LX_HDR_OFFSET, &h, sizeof(h));
	for (size_t i = 0; i < KERNEL_SIZE; i++)
		image[SETUP_SIZE + i] = (uint8_t)(i * 3 + 1);
}

/* One RAM block per size, made once (a fresh 17 MiB block per input
 * would cost more than the load): guard, RAM, guard. */
struct guarded {
	uint8_t *block;
	struct guest_mem mem;
};

static struct guarded *ram_get(unsigned i)
{
	static struct guarded rams[ARRAY_SIZE(ram_sizes)];
	struct guarded *g = &rams[i];
	uint64_t size = ram_sizes[i];

	if (!g->block) {
		g->block = malloc(size + 2 * GUARD);
		CHECK(g->block);
		memset(g->block, GUARD_BYTE, GUARD);
		memset(g->block + GUARD + size, GUARD_BYTE, GUARD);
		g->mem = (struct guest_mem){g->block + GUARD, size};
	}
	return g;
}

static void ram_check_guards(const struct guarded *g)
{
	for (size_t i = 0; i < GUARD; i++) {
		CHECK(g->block[i] == GUARD_BYTE);
		CHECK(g->block[GUARD + g->mem.size + i] == GUARD_BYTE);
	}
}

static struct guest_mem *walk_mem;

static bool ram_read(void *ctx, gpa_t gpa, void *buf, size_t len)
{
	if (gpa > walk_mem->size || len > walk_mem->size - gpa)
		return false;
	memcpy(buf, walk_mem->base + gpa, len);
	return true;
}

static void check_identity(const struct lx_result *r, struct guest_mem *mem,
			   gva_t va)
{
	struct guest_paging pg = {.cr0 = r->boot.cr0,
				  .cr3 = r->boot.cr3,
				  .cr4 = r->boot.cr4,
				  .efer = r->boot.efer,
				  .maxphyaddr = 39};
	uint32_t pf = 0;
	gpa_t pa = 0;

	walk_mem = mem;
	CHECK(guest_walk(&pg, va, GW_FETCH | GW_WRITE, ram_read, NULL, &pa,
			 &pf) == GW_OK);
	CHECK(pa == va);
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static void check_e820(const struct lx_boot_params *bp, unsigned count)
{
	CHECK(bp->e820_entries == count && count <= LX_E820_MAX);
	for (unsigned i = 0; i < count; i++) {
		struct lx_e820_entry e, prev;

		memcpy(&e, &bp->e820_table[i], sizeof(e));
		CHECK(e.size > 0 && e.type >= LX_E820_RAM &&
		      e.type <= LX_E820_NVS);
		if (i == 0)
			continue;
		memcpy(&prev, &bp->e820_table[i - 1], sizeof(prev));
		CHECK(prev.addr + prev.size <= e.addr);
	}
}

static void check_success(const struct lx_result *r, struct guest_mem *mem,
			  const uint8_t *initrd, size_t initrd_size,
			  const uint8_t *image)
{
	const struct lx_boot_params *bp =
		(const void *)(mem->base + r->boot.rsi);
	const struct lx_setup_header *h = (const void *)(image + LX_HDR_OFFSET);

	CHECK(r->boot.mode == VCPU_BOOT_LONG64);
	CHECK(r->kernel >= LX_KERNEL_MIN && r->kernel % PAGE_SIZE == 0);
	CHECK(r->kernel < r->kernel_end && r->kernel_end <= mem->size);
	CHECK(r->boot.rip == r->kernel + 0x200 && r->boot.rip < r->kernel_end);
	CHECK(r->boot.rsi + sizeof(*bp) <= mem->size);
	CHECK(r->boot.cr3 + 3 * PAGE_SIZE <= mem->size);
	CHECK((r->boot.cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG));
	CHECK(r->boot.efer == (EFER_LME | EFER_LMA));
	CHECK(bp->hdr.header == LX_HDRS_MAGIC && bp->sentinel == 0);
	CHECK(bp->hdr.version >= LX_PROTOCOL_MIN);
	CHECK(bp->hdr.cmd_line_ptr < mem->size);
	CHECK(memchr(mem->base + bp->hdr.cmd_line_ptr, 0,
		     (size_t)h->cmdline_size + 1) != NULL);
	if (initrd_size) {
		CHECK(r->initrd_size == initrd_size);
		CHECK(r->initrd >= LX_LOW_END && r->initrd % PAGE_SIZE == 0);
		CHECK(r->initrd + initrd_size <= mem->size);
		CHECK(!overlap(r->initrd, initrd_size, r->kernel,
			       r->kernel_end - r->kernel));
		CHECK((h->xloadflags & LX_XLF_CAN_BE_LOADED_ABOVE_4G) ||
		      r->initrd + initrd_size - 1 <= h->initrd_addr_max);
		CHECK(bp->hdr.ramdisk_image == r->initrd);
		CHECK(memcmp(mem->base + r->initrd, initrd, initrd_size) == 0);
	}
	check_e820(bp, r->e820_count);
	check_identity(r, mem, r->boot.rip);
	check_identity(r, mem, r->boot.rsi);
	check_identity(r, mem, r->kernel_end - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t image[IMAGE_SIZE], initrd[255 * 64];
	static char cmdline[255 * 32 + 1];
	struct lx_params p = {.image = image};
	struct lx_result r;
	struct guarded *g;
	char err[160] = "";
	size_t cut;

	if (size < CONTROL)
		return 0;
	template(image);
	for (size_t i = CONTROL; i + 1 < size; i += 2)
		image[LX_HDR_OFFSET + data[i]] = data[i + 1];
	cut = (size_t)data[3] * 8;
	p.image_size = IMAGE_SIZE - MIN(cut, IMAGE_SIZE);
	p.initrd_size = (size_t)data[1] * 64;
	memset(initrd, data[1], p.initrd_size);
	p.initrd = p.initrd_size ? initrd : NULL;
	memset(cmdline, 'c', sizeof(cmdline));
	cmdline[(data[0] & 0x10) ? data[2] * 32 : data[2]] = '\0';
	p.cmdline = cmdline;
	p.acpi_rsdp = 0xe0000;
	p.reserved = (data[0] & 8) ? holes : legacy;
	p.nreserved = 3;
	g = ram_get(data[0] & 7);
	if (lx_load(&p, &g->mem, &r, err, sizeof(err)) == 0)
		check_success(&r, &g->mem, initrd, p.initrd_size, image);
	else
		CHECK(err[0] != '\0');
	ram_check_guards(g);
	return 0;
}
