/*
 * boot/multiboot2/mb2.c - Multiboot2 boot information to struct boot_info.
 * Pure logic (no hardware access), run once on the boot CPU; unit-tested
 * on the host with hand-built and damaged tag lists.
 * Multiboot2 Specification, "Boot information format".
 */
#include "lib/bytes.h"
#include "boot/multiboot2/mb2.h"
#include "lib/fmt.h"
#include "lib/string.h"

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

/* Offsets inside the framebuffer tag (GRUB's multiboot2.h layout). */
#define FB_ADDR		8
#define FB_PITCH	16
#define FB_WIDTH	20
#define FB_HEIGHT	24
#define FB_BPP		28
#define FB_TYPE		29
#define FB_COLOR	32
#define FB_RGB_TAG_SIZE 38

__attribute__((format(printf, 3, 4))) static int
mb2_fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

static void copy_string(char *dst, size_t size, const uint8_t *src,
			size_t avail)
{
	size_t n = strnlen((const char *)src, avail);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int parse_module(const uint8_t *t, uint32_t size, struct boot_info *bi,
			char *err, size_t err_size)
{
	struct boot_module *m;
	uint32_t start, end;

	if (size < 16)
		return mb2_fail(err, err_size,
				"module tag too short (%u bytes)", size);
	if (bi->module_count == BOOT_MODULES_MAX)
		return mb2_fail(err, err_size, "more than %d boot modules",
				BOOT_MODULES_MAX);
	start = get_le32(t + 8);
	end = get_le32(t + 12);
	if (end < start)
		return mb2_fail(err, err_size,
				"module ends (0x%x) before it starts (0x%x)",
				end, start);
	m = &bi->modules[bi->module_count++];
	m->start = start;
	m->size = end - start;
	copy_string(m->name, sizeof(m->name), t + 16, size - 16);
	return 0;
}

static int parse_mmap(const uint8_t *t, uint32_t size, struct boot_info *bi,
		      char *err, size_t err_size)
{
	uint32_t entry_size;

	if (size < 16)
		return mb2_fail(err, err_size,
				"memory map tag too short (%u bytes)", size);
	entry_size = get_le32(t + 8);
	if (entry_size < sizeof(struct mb2_mmap_entry) || entry_size % 8)
		return mb2_fail(err, err_size,
				"memory map entry size %u is invalid",
				entry_size);
	for (uint32_t off = 16; off + entry_size <= size; off += entry_size) {
		struct boot_mem_range *r;

		if (bi->mmap_count == BOOT_MMAP_MAX)
			return mb2_fail(err, err_size,
					"more than %d memory map entries",
					BOOT_MMAP_MAX);
		r = &bi->mmap[bi->mmap_count++];
		r->base = get_le64(t + off);
		r->length = get_le64(t + off + 8);
		r->type = get_le32(t + off + 16);
		if (r->type < BOOT_MEM_USABLE || r->type > BOOT_MEM_BAD)
			r->type =
				BOOT_MEM_RESERVED; /* spec: other = reserved */
	}
	return 0;
}

static int parse_framebuffer(const uint8_t *t, uint32_t size,
			     struct boot_info *bi, char *err, size_t err_size)
{
	struct boot_framebuffer *fb = &bi->fb;
	uint8_t type;

	if (size < FB_COLOR)
		return mb2_fail(err, err_size,
				"framebuffer tag too short (%u bytes)", size);
	type = t[FB_TYPE];
	if (type != MB2_FB_TYPE_RGB && type != MB2_FB_TYPE_EGA_TEXT)
		return 0; /* indexed colour: not used, no console mirror */
	if (type == MB2_FB_TYPE_RGB && size < FB_RGB_TAG_SIZE)
		return mb2_fail(err, err_size,
				"RGB framebuffer tag too short (%u bytes)",
				size);
	fb->base = get_le64(t + FB_ADDR);
	fb->pitch = get_le32(t + FB_PITCH);
	fb->width = get_le32(t + FB_WIDTH);
	fb->height = get_le32(t + FB_HEIGHT);
	fb->bpp = t[FB_BPP];
	fb->type = type == MB2_FB_TYPE_RGB ? BOOT_FB_RGB : BOOT_FB_EGA_TEXT;
	if (type == MB2_FB_TYPE_RGB) {
		fb->red_shift = t[FB_COLOR];
		fb->green_shift = t[FB_COLOR + 2];
		fb->blue_shift = t[FB_COLOR + 4];
	}
	return 0;
}

static int parse_acpi(const uint8_t *t, uint32_t size, struct boot_info *bi,
		      bool is_new)
{
	size_t n = size - 8;

	/* Prefer the ACPI 2.0+ RSDP (it has the XSDT) when both are given. */
	if (bi->acpi_rsdp_len && !is_new)
		return 0;
	if (n > sizeof(bi->acpi_rsdp))
		n = sizeof(bi->acpi_rsdp);
	memcpy(bi->acpi_rsdp, t + 8, n);
	bi->acpi_rsdp_len = (uint32_t)n;
	return 0;
}

static int parse_tag(const uint8_t *t, uint32_t type, uint32_t size,
		     struct boot_info *bi, char *err, size_t err_size)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		copy_string(bi->cmdline, sizeof(bi->cmdline), t + 8, size - 8);
		return 0;
	case MB2_TAG_LOADER_NAME:
		copy_string(bi->loader_name, sizeof(bi->loader_name), t + 8,
			    size - 8);
		return 0;
	case MB2_TAG_MODULE: return parse_module(t, size, bi, err, err_size);
	case MB2_TAG_MMAP: return parse_mmap(t, size, bi, err, err_size);
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(t, size, bi, err, err_size);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_acpi(t, size, bi, type == MB2_TAG_ACPI_NEW);
	default: return 0;
	}
}

int mb2_parse(const void *info, size_t max_size, struct boot_info *bi,
	      char *err, size_t err_size)
{
	const uint8_t *base = info;
	uint32_t total;

	memset(bi, 0, sizeof(*bi));
	bi->magic = BOOT_INFO_MAGIC;
	bi->firmware = BOOT_FW_MULTIBOOT2;
	if (max_size < 16)
		return mb2_fail(err, err_size, "boot information too small");
	total = get_le32(base);
	if (total < 16 || total > max_size)
		return mb2_fail(err, err_size,
				"boot information size %u is invalid", total);
	for (uint32_t off = 8;;) {
		uint32_t type, size;

		if (off + 8 > total)
			return mb2_fail(err, err_size,
					"tag list has no end tag");
		type = get_le32(base + off);
		size = get_le32(base + off + 4);
		if (size < 8 || size > total - off)
			return mb2_fail(err, err_size,
					"tag %u at offset %u has bad size %u",
					type, off, size);
		if (type == MB2_TAG_END)
			return 0;
		if (parse_tag(base + off, type, size, bi, err, err_size))
			return -1;
		off += (size + 7) & ~7u;
	}
}
