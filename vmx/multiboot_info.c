/*
 * vmx/multiboot_info.c - the boot information a Multiboot (v1) or
 * Multiboot2 kernel finds in guest memory: the information structure or
 * tag list, the memory map, the strings and the module copies.
 * Pure logic: runs in VMX root when a VM is built (called by
 * vmx/load_multiboot.c), and on the host in the unit tests.
 * Multiboot Specification 0.6.96 and Multiboot2 Specification, "Boot
 * information format".
 */
#include "vmx/multiboot_info.h"
#include "vmx/multiboot.h"
#include "lib/string.h"

#define LOADER_NAME "hv"

/*
 * Boot data is laid out twice by the same code: a dry run that only
 * advances the cursor (to learn the size and check that it fits), then
 * the real one that writes.
 */
struct writer {
	uint8_t *base; /* guest-physical 0; NULL in the dry run */
	uint64_t at;   /* next free guest-physical address */
};

static uint32_t w_alloc(struct writer *w, uint64_t size, uint64_t align)
{
	uint64_t gpa = ALIGN_UP(w->at, align);

	w->at = gpa + size;
	return (uint32_t)gpa;
}

static void w_put(struct writer *w, uint32_t gpa, const void *src, uint64_t len)
{
	if (w->base)
		memcpy(w->base + gpa, src, len);
}

static uint32_t w_string(struct writer *w, const char *s)
{
	uint64_t len = strlen(s) + 1;
	uint32_t gpa = w_alloc(w, len, 1);

	w_put(w, gpa, s, len);
	return gpa;
}

struct mb_ram_range {
	uint64_t base, length;
	uint32_t type;
};

/* The VM's memory map (see MB_LOW_RAM_END); returns the entry count. */
static unsigned ram_ranges(uint64_t size, struct mb_ram_range r[3])
{
	unsigned n = 0;

	r[n++] = (struct mb_ram_range){0, MIN(size, MB_LOW_RAM_END),
				       MB_MEMORY_AVAILABLE};
	if (size > MB_LOW_RAM_END)
		r[n++] = (struct mb_ram_range){MB_LOW_RAM_END,
					       MB_HOLE_END - MB_LOW_RAM_END,
					       MB_MEMORY_RESERVED};
	if (size > MB_HOLE_END)
		r[n++] = (struct mb_ram_range){MB_HOLE_END, size - MB_HOLE_END,
					       MB_MEMORY_AVAILABLE};
	return n;
}

static uint32_t mem_lower_kib(uint64_t size)
{
	return (uint32_t)(MIN(size, MB_LOW_RAM_END) / KIB);
}

static uint32_t mem_upper_kib(uint64_t size)
{
	return size > MB_HOLE_END ? (uint32_t)((size - MB_HOLE_END) / KIB) : 0;
}

/* What both versions copy: the modules' bytes. */
static uint32_t w_module(struct writer *w, const struct mb_module *m,
			 uint64_t align)
{
	uint32_t gpa = w_alloc(w, m->size, align);

	w_put(w, gpa, m->data, m->size);
	return gpa;
}

static uint64_t module_align(const struct mb_boot_data *a)
{
	return a->align_modules ? PAGE_SIZE : 8;
}

static const char *mod_string(const struct mb_module *m)
{
	return m->cmdline ? m->cmdline : "";
}

static void w_mb1_mmap(struct writer *w, uint64_t ram, struct mb1_info *info)
{
	struct mb_ram_range r[3];
	unsigned n = ram_ranges(ram, r);

	info->mmap_addr = w_alloc(w, n * sizeof(struct mb1_mmap_entry), 4);
	info->mmap_length = n * sizeof(struct mb1_mmap_entry);
	for (unsigned i = 0; i < n; i++) {
		struct mb1_mmap_entry e = {
			sizeof(e) - 4,
			(uint32_t)r[i].base,
			(uint32_t)(r[i].base >> 32),
			(uint32_t)r[i].length,
			(uint32_t)(r[i].length >> 32),
			r[i].type,
		};
		w_put(w, info->mmap_addr + i * sizeof(e), &e, sizeof(e));
	}
}

/* Multiboot v1: struct mb1_info, the memory map, the module list, the
 * strings, then the modules. Returns the information's address. */
static uint32_t w_mb1_info(struct writer *w, const struct mb_boot_data *a)
{
	struct mb1_info info = {0};
	uint32_t gpa = w_alloc(w, sizeof(info), 8);

	info.flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
		     MB1_INFO_MMAP | MB1_INFO_LOADER_NAME;
	info.mem_lower = mem_lower_kib(a->ram);
	info.mem_upper = mem_upper_kib(a->ram);
	w_mb1_mmap(w, a->ram, &info);
	info.mods_count = a->nmods;
	info.mods_addr = w_alloc(w, a->nmods * sizeof(struct mb1_module), 4);
	info.cmdline = w_string(w, a->cmdline);
	info.boot_loader_name = w_string(w, LOADER_NAME);
	for (unsigned i = 0; i < a->nmods; i++) {
		struct mb1_module m = {0};

		m.string = w_string(w, mod_string(&a->mods[i]));
		m.mod_start = w_module(w, &a->mods[i], module_align(a));
		m.mod_end = m.mod_start + (uint32_t)a->mods[i].size;
		w_put(w, info.mods_addr + i * sizeof(m), &m, sizeof(m));
	}
	w_put(w, gpa, &info, sizeof(info));
	return gpa;
}

/* A Multiboot2 tag of SIZE bytes (header included), 8-aligned. */
static uint32_t w_tag(struct writer *w, uint32_t type, uint32_t size)
{
	struct mb2_info_tag t = {type, size};
	uint32_t gpa = w_alloc(w, size, MB2_ALIGN);

	w_put(w, gpa, &t, sizeof(t));
	return gpa;
}

static void w_tag_string(struct writer *w, uint32_t type, const char *s)
{
	uint32_t len = (uint32_t)strlen(s) + 1;
	uint32_t gpa = w_tag(w, type, sizeof(struct mb2_info_tag) + len);

	w_put(w, gpa + sizeof(struct mb2_info_tag), s, len);
}

static void w_tag_mmap(struct writer *w, uint64_t ram)
{
	struct mb_ram_range r[3];
	unsigned n = ram_ranges(ram, r);
	struct mb2_tag_mmap t = {MB2_ITAG_MMAP,
				 sizeof(t) + n * sizeof(struct mb2_mmap_entry),
				 sizeof(struct mb2_mmap_entry), 0};
	uint32_t gpa = w_tag(w, t.type, t.size);

	w_put(w, gpa, &t, sizeof(t));
	for (unsigned i = 0; i < n; i++) {
		struct mb2_mmap_entry e = {r[i].base, r[i].length, r[i].type,
					   0};

		w_put(w, gpa + sizeof(t) + i * sizeof(e), &e, sizeof(e));
	}
}

/* Module tags come before the module copies they point to: a cursor of
 * their own, starting where the copies will start (MODS_AT), walks the
 * same allocations w_module makes later. */
static void w_tag_modules(struct writer *w, const struct mb_boot_data *a,
			  uint64_t mods_at)
{
	struct writer copies = {NULL, mods_at};

	for (unsigned i = 0; i < a->nmods; i++) {
		const char *s = mod_string(&a->mods[i]);
		uint32_t len = (uint32_t)strlen(s) + 1;
		uint32_t start =
			w_alloc(&copies, a->mods[i].size, module_align(a));
		struct mb2_tag_module t = {MB2_ITAG_MODULE,
					   (uint32_t)sizeof(t) + len, start,
					   start + (uint32_t)a->mods[i].size};
		uint32_t gpa = w_tag(w, t.type, t.size);

		w_put(w, gpa, &t, sizeof(t));
		w_put(w, gpa + sizeof(t), s, len);
	}
}

/* The tags after the information header; returns their size. */
static uint32_t w_mb2_tags(struct writer *w, const struct mb_boot_data *a,
			   uint64_t mods_at)
{
	uint64_t first = w->at;
	struct mb2_tag_meminfo mi = {MB2_ITAG_BASIC_MEMINFO, sizeof(mi),
				     mem_lower_kib(a->ram),
				     mem_upper_kib(a->ram)};

	w_tag_string(w, MB2_ITAG_CMDLINE, a->cmdline);
	w_tag_string(w, MB2_ITAG_LOADER_NAME, LOADER_NAME);
	w_tag_modules(w, a, mods_at);
	w_put(w, w_tag(w, mi.type, mi.size), &mi, sizeof(mi));
	w_tag_mmap(w, a->ram);
	w_tag(w, MB2_ITAG_END, sizeof(struct mb2_info_tag));
	return (uint32_t)(w->at - first);
}

/* Multiboot2: the information header and tag list, then the modules.
 * Returns the information's address. */
static uint32_t w_mb2_info(struct writer *w, const struct mb_boot_data *a)
{
	struct writer measure = {NULL, 0};
	struct mb2_info_header h = {sizeof(h) + w_mb2_tags(&measure, a, 0), 0};
	uint32_t gpa = w_alloc(w, h.total_size, MB2_ALIGN);
	struct writer tags = {w->base, gpa + sizeof(h)};

	w_put(w, gpa, &h, sizeof(h));
	w_mb2_tags(&tags, a, w->at);
	for (unsigned i = 0; i < a->nmods; i++)
		w_module(w, &a->mods[i], module_align(a));
	return gpa;
}

uint32_t mb_info_write(uint8_t *base, uint64_t start,
		       const struct mb_boot_data *d, uint64_t *end)
{
	struct writer w = {base, start};
	uint32_t gpa = d->version == 2 ? w_mb2_info(&w, d) : w_mb1_info(&w, d);

	*end = w.at;
	return gpa;
}
