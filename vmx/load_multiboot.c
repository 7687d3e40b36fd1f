/*
 * vmx/load_multiboot.c - load a Multiboot (v1) or Multiboot2 ELF kernel
 * (or a v1 a.out-kludge image) into a VM's guest-physical memory, with
 * its command line, modules and boot information.
 * Pure logic: runs in VMX root when a VM is built, and on the host in
 * tests/unit/test_load_multiboot.c. Every offset taken from the image is
 * bounds-checked against the image, every address against the VM's RAM.
 * Multiboot Specification 0.6.96 and Multiboot2 Specification: "OS
 * image format", "Machine state", "Boot information format"; System V
 * ABI, "ELF Header", "Program Header".
 */
#include "lib/bytes.h"
#include <stdarg.h>
#include "vmx/load_multiboot.h"
#include "vmx/multiboot.h"
#include "vmx/multiboot_info.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define LIMIT_4G (4ULL << 30) /* boot data is addressed by 32 bits */

/* One load: the inputs, the error buffer and what the header says. */
struct mb_ctx {
	const uint8_t *image;
	size_t size;
	struct guest_mem *mem;
	char *err;
	size_t err_size;
	int version;	     /* 1 or 2 */
	size_t hdr_off;	     /* offset of the header in the image */
	bool align_modules;  /* v1 flag bit 0, v2 module alignment tag */
	bool has_tag_entry;  /* v2 entry address tag */
	uint32_t tag_entry;  /* physical */
	uint64_t entry;	     /* physical, once known */
	bool entry_found;    /* entry lies in a loaded segment */
	uint64_t kernel_end; /* first byte above everything loaded */
};

__attribute__((format(printf, 2, 3))) static int mb_fail(struct mb_ctx *c,
							 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->err, c->err_size, fmt, ap);
	va_end(ap);
	return -1;
}

/* True when [off, off+len) lies inside a buffer of SIZE bytes. */
static bool in_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* ---- finding the header ------------------------------------------------ */

/* The header fields that must add up to zero: v1 3 words, v2 4. */
static bool checksum_ok(const uint8_t *p, unsigned words)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < words; i++)
		sum += get_le32(p + 4 * i);
	return sum == 0;
}

/*
 * The first ALIGN-aligned offset in [from, limit) holding MAGIC and a
 * good checksum, or -1. *bad: the first one with a bad checksum, or -1.
 */
static long scan(const struct mb_ctx *c, uint32_t magic, unsigned words,
		 size_t align, size_t from, size_t limit, long *bad)
{
	size_t end = MIN(limit, c->size);

	*bad = -1;
	for (size_t off = from; off + 4 * words <= end; off += align) {
		if (get_le32(c->image + off) != magic)
			continue;
		if (checksum_ok(c->image + off, words))
			return (long)off;
		if (*bad < 0)
			*bad = (long)off;
	}
	return -1;
}

/* Explain why no header was found: a bad checksum, or one too far in. */
static int no_header(struct mb_ctx *c, long bad2, long bad1)
{
	long far, ignore;

	if (bad2 >= 0)
		return mb_fail(c,
			       "Multiboot2 header at offset 0x%lx has a bad "
			       "checksum",
			       bad2);
	if (bad1 >= 0)
		return mb_fail(c,
			       "Multiboot header at offset 0x%lx has a bad "
			       "checksum",
			       bad1);
	far = scan(c, MB2_HEADER_MAGIC, 4, MB2_ALIGN, MB2_SEARCH, c->size,
		   &ignore);
	if (far >= 0)
		return mb_fail(c,
			       "Multiboot2 header at offset 0x%lx lies beyond "
			       "the first 32 KiB of the image",
			       far);
	far = scan(c, MB1_HEADER_MAGIC, 3, MB1_ALIGN, MB1_SEARCH, c->size,
		   &ignore);
	if (far >= 0)
		return mb_fail(c,
			       "Multiboot header at offset 0x%lx lies beyond "
			       "the first 8 KiB of the image",
			       far);
	return mb_fail(c,
		       "no Multiboot2 header in the first 32 KiB and no "
		       "Multiboot header in the first 8 KiB (%lu bytes)",
		       (unsigned long)c->size);
}

/* Prefer Multiboot2 when the image has both headers. */
static int find_header(struct mb_ctx *c)
{
	long bad2, bad1, off;

	off = scan(c, MB2_HEADER_MAGIC, 4, MB2_ALIGN, 0, MB2_SEARCH, &bad2);
	if (off >= 0) {
		c->version = 2;
		c->hdr_off = (size_t)off;
		return 0;
	}
	off = scan(c, MB1_HEADER_MAGIC, 3, MB1_ALIGN, 0, MB1_SEARCH, &bad1);
	if (off >= 0) {
		c->version = 1;
		c->hdr_off = (size_t)off;
		return 0;
	}
	return no_header(c, bad2, bad1);
}

/* ---- the v1 header ----------------------------------------------------- */

static int check_v1_flags(struct mb_ctx *c, const struct mb1_header *h)
{
	/* Bits 0-2 are understood; bit 2 (a video mode) is a request
	 * that a VM without a display leaves unanswered, as allowed. */
	uint32_t unknown = h->flags & MB1_HF_REQUIRED_MASK &
			   ~(uint32_t)(MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO |
				       MB1_HF_VIDEO_MODE);

	if (unknown)
		return mb_fail(c,
			       "Multiboot header requires features 0x%x "
			       "(flags 0x%x) this loader does not know",
			       unknown, h->flags);
	c->align_modules = h->flags & MB1_HF_PAGE_ALIGN;
	return 0;
}

/* ---- the v2 header tags ------------------------------------------------ */

/* Information tags the loader writes (mb2_info_tag_type), by number. */
static bool info_tag_provided(uint32_t type)
{
	return type == MB2_ITAG_END || type == MB2_ITAG_CMDLINE ||
	       type == MB2_ITAG_LOADER_NAME || type == MB2_ITAG_MODULE ||
	       type == MB2_ITAG_BASIC_MEMINFO || type == MB2_ITAG_MMAP;
}

static const char *info_tag_name(uint32_t type)
{
	static const char *const names[] = {
		[5] = "BIOS boot device",
		[7] = "VBE info",
		[8] = "framebuffer info",
		[9] = "ELF symbols",
		[10] = "APM table",
		[11] = "EFI 32-bit system table",
		[12] = "EFI 64-bit system table",
		[13] = "SMBIOS tables",
		[14] = "ACPI old RSDP",
		[15] = "ACPI new RSDP",
		[16] = "networking information",
		[17] = "EFI memory map",
		[18] = "EFI boot services not "
		       "terminated",
		[19] = "EFI 32-bit image handle",
		[20] = "EFI 64-bit image handle",
		[21] = "image load base address",
	};

	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}

static int info_request(struct mb_ctx *c, const uint8_t *tag, uint32_t size,
			bool optional)
{
	for (uint32_t at = 8; at + 4 <= size; at += 4) {
		uint32_t type = get_le32(tag + at);

		if (!info_tag_provided(type) && !optional)
			return mb_fail(c,
				       "the kernel requires boot information "
				       "tag type %u (%s), which VMs are not "
				       "given",
				       type, info_tag_name(type));
	}
	return 0;
}

static int v2_tag(struct mb_ctx *c, const uint8_t *tag, uint16_t type,
		  bool optional, uint32_t size)
{
	switch (type) {
	case MB2_HTAG_INFO_REQUEST: return info_request(c, tag, size, optional);
	case MB2_HTAG_ENTRY:
		if (size < 12)
			return mb_fail(c,
				       "Multiboot2 entry address tag of %u "
				       "bytes (expected 12)",
				       size);
		c->has_tag_entry = true;
		c->tag_entry = get_le32(tag + 8);
		return 0;
	case MB2_HTAG_MODULE_ALIGN: c->align_modules = true; return 0;
	case MB2_HTAG_CONSOLE_FLAGS:
		if (size >= 12 && (get_le32(tag + 8) & MB2_CONSOLE_REQUIRED) &&
		    !optional)
			return mb_fail(c,
				       "the kernel requires an EGA text "
				       "console; VMs have a serial port only");
		return 0;
	case MB2_HTAG_EFI_BS:
	case MB2_HTAG_ENTRY_EFI32:
	case MB2_HTAG_ENTRY_EFI64:
	case MB2_HTAG_RELOCATABLE:
		/* For EFI loaders, or: we load at the linked addresses. */
		return 0;
	default:
		if (optional)
			return 0;
		return mb_fail(c,
			       "the kernel requires Multiboot2 header tag "
			       "type %u (%s), which this loader does not "
			       "support",
			       type,
			       type == MB2_HTAG_ADDRESS	      ? "load addresses"
			       : type == MB2_HTAG_FRAMEBUFFER ? "a framebuffer"
							      : "unknown");
	}
}

static int parse_v2_tags(struct mb_ctx *c)
{
	const uint8_t *hdr = c->image + c->hdr_off;
	uint32_t len = get_le32(hdr + 8);
	uint32_t at = sizeof(struct mb2_header);

	if (get_le32(hdr + 4) != MB2_ARCH_I386)
		return mb_fail(c,
			       "Multiboot2 header for architecture %u; only "
			       "0 (i386 protected mode) is supported",
			       get_le32(hdr + 4));
	if (!in_range(c->hdr_off, len, MIN(c->size, (size_t)MB2_SEARCH)))
		return mb_fail(c,
			       "Multiboot2 header of %u bytes at offset "
			       "0x%lx does not end within the first 32 KiB "
			       "of the image",
			       len, (unsigned long)c->hdr_off);
	while (at + sizeof(struct mb2_header_tag) <= len) {
		uint16_t type = (uint16_t)get_le32(hdr + at);
		uint16_t flags = (uint16_t)(get_le32(hdr + at) >> 16);
		uint32_t size = get_le32(hdr + at + 4);

		if (type == MB2_HTAG_END)
			return 0;
		if (size < sizeof(struct mb2_header_tag) ||
		    !in_range(at, size, len))
			return mb_fail(c,
				       "Multiboot2 header tag type %u at "
				       "offset %u has a bad size %u",
				       type, at, size);
		if (v2_tag(c, hdr + at, type, flags & MB2_HTAG_OPTIONAL, size))
			return -1;
		at += (uint32_t)ALIGN_UP(size, MB2_ALIGN);
	}
	return mb_fail(c, "Multiboot2 header has no end tag");
}

/* ---- placing bytes in guest memory ------------------------------------- */

/* [gpa, gpa+len) must lie in the usable RAM of the VM. */
static int check_guest_range(struct mb_ctx *c, const char *what, uint64_t gpa,
			     uint64_t len)
{
	if (!in_range(gpa, len, c->mem->size) || gpa + len > LIMIT_4G)
		return mb_fail(c,
			       "%s at 0x%lx-0x%lx lies outside the VM's RAM "
			       "(%lu KiB: 0x0-0x%lx)",
			       what, (unsigned long)gpa,
			       (unsigned long)(gpa + len),
			       (unsigned long)(c->mem->size / KIB),
			       (unsigned long)c->mem->size);
	if (gpa < MB_HOLE_END && gpa + len > MB_LOW_RAM_END)
		return mb_fail(c,
			       "%s at 0x%lx-0x%lx overlaps the reserved "
			       "range 0xa0000-0xfffff",
			       what, (unsigned long)gpa,
			       (unsigned long)(gpa + len));
	return 0;
}

/* Copy FILESZ bytes from image offset OFF to GPA, then zero the rest of
 * MEMSZ (bss). Both ranges are already checked. */
static void place(struct mb_ctx *c, uint64_t gpa, uint64_t off, uint64_t filesz,
		  uint64_t memsz)
{
	memcpy(c->mem->base + gpa, c->image + off, filesz);
	memset(c->mem->base + gpa + filesz, 0, memsz - filesz);
	c->kernel_end = MAX(c->kernel_end, gpa + memsz);
}

/* ---- the a.out kludge (v1, flag bit 16) -------------------------------- */

static int kludge_load_end(struct mb_ctx *c, const struct mb1_header *h,
			   uint64_t file_off, uint64_t *load_end)
{
	uint64_t in_file = c->size - file_off;

	if (h->load_end_addr == 0) {
		*load_end = h->load_addr + in_file;
		return 0;
	}
	if (h->load_end_addr < h->load_addr)
		return mb_fail(c,
			       "a.out kludge: load_end_addr 0x%x is below "
			       "load_addr 0x%x",
			       h->load_end_addr, h->load_addr);
	if (h->load_end_addr - h->load_addr > in_file)
		return mb_fail(c,
			       "a.out kludge: load_addr 0x%x-load_end_addr "
			       "0x%x needs 0x%x bytes, the image has 0x%lx "
			       "from there; truncated?",
			       h->load_addr, h->load_end_addr,
			       h->load_end_addr - h->load_addr,
			       (unsigned long)in_file);
	*load_end = h->load_end_addr;
	return 0;
}

static int load_kludge(struct mb_ctx *c, const struct mb1_header *h)
{
	uint64_t file_off, load_end = 0, bss_end;

	if (!in_range(c->hdr_off, 8 * 4, c->size))
		return mb_fail(c, "a.out kludge: the header's address fields "
				  "lie beyond the end of the image");
	if (h->header_addr < h->load_addr ||
	    h->header_addr - h->load_addr > c->hdr_off)
		return mb_fail(c,
			       "a.out kludge: header_addr 0x%x and load_addr "
			       "0x%x put the load start outside the image "
			       "(header at offset 0x%lx)",
			       h->header_addr, h->load_addr,
			       (unsigned long)c->hdr_off);
	file_off = c->hdr_off - (h->header_addr - h->load_addr);
	if (kludge_load_end(c, h, file_off, &load_end))
		return -1;
	bss_end = h->bss_end_addr ? h->bss_end_addr : load_end;
	if (bss_end < load_end)
		return mb_fail(c,
			       "a.out kludge: bss_end_addr 0x%x is below the "
			       "load end 0x%lx",
			       h->bss_end_addr, (unsigned long)load_end);
	if (h->entry_addr < h->load_addr || h->entry_addr >= load_end)
		return mb_fail(c,
			       "a.out kludge: entry_addr 0x%x is not inside "
			       "the loaded range 0x%x-0x%lx",
			       h->entry_addr, h->load_addr,
			       (unsigned long)load_end);
	if (check_guest_range(c, "the a.out kludge image", h->load_addr,
			      bss_end - h->load_addr))
		return -1;
	place(c, h->load_addr, file_off, load_end - h->load_addr,
	      bss_end - h->load_addr);
	c->entry = h->entry_addr;
	c->entry_found = true;
	return 0;
}

/* ---- ELF32 / ELF64 ----------------------------------------------------- */

/* "ELF Header" and "Program Header" values */
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC	    2
#define EM_386	    3
#define EM_X86_64   62
#define PT_LOAD	    1

/* The fields the loader uses, from either class. */
struct elf_info {
	uint64_t entry, phoff;
	uint16_t phnum, phentsize;
};

struct elf_seg {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* e_ident, e_type and e_machine, then the class's own field offsets. */
static int elf_header(struct mb_ctx *c, struct elf_info *e, bool *is64)
{
	const uint8_t *p = c->image;

	if (c->size < 52 || memcmp(p, "\177ELF", 4) != 0)
		return mb_fail(c, "not an ELF file and no a.out kludge in its "
				  "Multiboot header");
	*is64 = p[4] == ELFCLASS64;
	if ((p[4] != ELFCLASS32 && !*is64) || p[5] != ELFDATA2LSB ||
	    get_le16(p + 16) != ET_EXEC ||
	    get_le16(p + 18) != (*is64 ? EM_X86_64 : EM_386))
		return mb_fail(c, "not a little-endian ELF32 i386 or ELF64 "
				  "x86-64 executable");
	if (*is64 && c->size < 64)
		return mb_fail(c, "ELF64 header truncated (%lu bytes)",
			       (unsigned long)c->size);
	e->entry = *is64 ? get_le64(p + 24) : get_le32(p + 24);
	e->phoff = *is64 ? get_le64(p + 32) : get_le32(p + 28);
	e->phentsize = get_le16(p + (*is64 ? 54 : 42));
	e->phnum = get_le16(p + (*is64 ? 56 : 44));
	if (e->phentsize != (*is64 ? 56 : 32) || e->phnum == 0)
		return mb_fail(c, "ELF program headers of %u bytes, %u of them",
			       e->phentsize, e->phnum);
	if (!in_range(e->phoff, (uint64_t)e->phnum * e->phentsize, c->size))
		return mb_fail(c,
			       "ELF program header table at 0x%lx lies beyond "
			       "the end of the image (%lu bytes); truncated?",
			       (unsigned long)e->phoff, (unsigned long)c->size);
	return 0;
}

static void elf_seg_read(const uint8_t *p, bool is64, struct elf_seg *s)
{
	s->type = get_le32(p);
	if (is64) {
		*s = (struct elf_seg){s->type,		get_le64(p + 8),
				      get_le64(p + 16), get_le64(p + 24),
				      get_le64(p + 32), get_le64(p + 40)};
	} else {
		*s = (struct elf_seg){s->type,		get_le32(p + 4),
				      get_le32(p + 8),	get_le32(p + 12),
				      get_le32(p + 16), get_le32(p + 20)};
	}
}

/* The entry point: the tag's physical address, or e_entry (a virtual
 * address) moved into the segment that holds it, as GRUB does. */
static void elf_entry(struct mb_ctx *c, const struct elf_info *e,
		      const struct elf_seg *s)
{
	if (c->has_tag_entry) {
		if (c->tag_entry >= s->paddr &&
		    c->tag_entry - s->paddr < s->memsz) {
			c->entry = c->tag_entry;
			c->entry_found = true;
		}
	} else if (e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz) {
		c->entry = e->entry - s->vaddr + s->paddr;
		c->entry_found = true;
	}
}

static int elf_segment(struct mb_ctx *c, const struct elf_info *e,
		       const struct elf_seg *s, unsigned i)
{
	char what[32];

	if (s->type != PT_LOAD || s->memsz == 0)
		return 0;
	if (s->filesz > s->memsz)
		return mb_fail(c,
			       "ELF segment %u: file size 0x%lx exceeds its "
			       "memory size 0x%lx",
			       i, (unsigned long)s->filesz,
			       (unsigned long)s->memsz);
	if (!in_range(s->offset, s->filesz, c->size))
		return mb_fail(c,
			       "ELF segment %u: bytes 0x%lx+0x%lx lie beyond "
			       "the end of the image (%lu bytes); truncated?",
			       i, (unsigned long)s->offset,
			       (unsigned long)s->filesz,
			       (unsigned long)c->size);
	fmt_snprintf(what, sizeof(what), "ELF segment %u", i);
	if (check_guest_range(c, what, s->paddr, s->memsz))
		return -1;
	place(c, s->paddr, s->offset, s->filesz, s->memsz);
	elf_entry(c, e, s);
	return 0;
}

static int load_elf(struct mb_ctx *c)
{
	struct elf_info e = {0};
	bool is64 = false;

	if (elf_header(c, &e, &is64))
		return -1;
	for (unsigned i = 0; i < e.phnum; i++) {
		struct elf_seg s;

		elf_seg_read(c->image + e.phoff + (uint64_t)i * e.phentsize,
			     is64, &s);
		if (elf_segment(c, &e, &s, i))
			return -1;
	}
	if (c->kernel_end == 0)
		return mb_fail(c, "ELF image has no loadable segment");
	if (!c->entry_found)
		return mb_fail(c,
			       "entry point 0x%lx is not inside a loaded "
			       "segment",
			       (unsigned long)(c->has_tag_entry ? c->tag_entry
								: e.entry));
	return 0;
}

/* Boot data goes at the first page above the kernel and 1 MiB; lay it
 * out once without writing to learn whether it fits, then write it. */
static int place_boot_info(struct mb_ctx *c, const struct mb_boot_data *d,
			   uint32_t *info)
{
	uint64_t start = MAX(ALIGN_UP(c->kernel_end, PAGE_SIZE), MB_HOLE_END);
	uint64_t limit = MIN(c->mem->size, LIMIT_4G);
	uint64_t end;

	mb_info_write(NULL, start, d, &end);
	if (end > limit)
		return mb_fail(c,
			       "boot information and %u modules need "
			       "0x%lx-0x%lx (above the kernel), beyond the "
			       "end of the VM's RAM (%lu KiB)",
			       d->nmods, (unsigned long)start,
			       (unsigned long)end,
			       (unsigned long)(c->mem->size / KIB));
	memset(c->mem->base + start, 0, end - start);
	*info = mb_info_write(c->mem->base, start, d, &end);
	return 0;
}

/* ---- the whole load ---------------------------------------------------- */

static int load_kernel(struct mb_ctx *c)
{
	struct mb1_header h;

	if (find_header(c))
		return -1;
	if (c->version == 2)
		return parse_v2_tags(c) || load_elf(c) ? -1 : 0;
	memset(&h, 0, sizeof(h));
	memcpy(&h, c->image + c->hdr_off, MIN(sizeof(h), c->size - c->hdr_off));
	if (check_v1_flags(c, &h))
		return -1;
	if (h.flags & MB1_HF_AOUT_KLUDGE)
		return load_kludge(c, &h);
	return load_elf(c);
}

int mb_load(const void *image, size_t image_size, const char *cmdline,
	    const struct mb_module *mods, unsigned nmods, struct guest_mem *mem,
	    struct mb_boot_state *out, char *err, size_t err_size)
{
	struct mb_ctx c = {.image = image,
			   .size = image_size,
			   .mem = mem,
			   .err = err,
			   .err_size = err_size};
	struct mb_boot_data d = {
		0, cmdline ? cmdline : "", mods, nmods, mem->size, false};
	uint32_t info = 0;

	if (load_kernel(&c))
		return -1;
	if (c.entry >= LIMIT_4G)
		return mb_fail(&c, "entry point 0x%lx is not below 4 GiB",
			       (unsigned long)c.entry);
	d.version = c.version;
	d.align_modules = c.align_modules;
	if (place_boot_info(&c, &d, &info))
		return -1;
	out->entry = (uint32_t)c.entry;
	out->eax = c.version == 2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC;
	out->ebx = info;
	return 0;
}
