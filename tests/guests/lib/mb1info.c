/*
 * tests/guests/lib/mb1info.c - the Multiboot (v1) information, read by a
 * guest that a Multiboot loader started (hello-mb1.elf, hello-aout.bin);
 * pure, so tests/unit/test_guest_lib.c runs it on the host over what the
 * hypervisor's own loader wrote. Runs in the guest before it writes to
 * any memory outside its image.
 * Multiboot Specification 0.6.96, "Boot information format".
 */
#include "tests/guests/lib/mb1info.h"
#include "lib/string.h"
#include "vmx/multiboot.h"

/* An mmap entry's size field counts the bytes after itself; the fields
 * we read need this many. */
#define MMAP_ENTRY_MIN (sizeof(struct mb1_mmap_entry) - sizeof(uint32_t))

static const void *at(const struct mb1_view *v, uint32_t addr)
{
	return (const void *)(v->mem + addr);
}

/* Each mmap entry, with its size checked; returns why the map is bad, or
 * NULL. FN may be NULL (a check only). */
static const char *
walk_mmap(const struct mb1_view *v,
	  void (*fn)(const struct mb1_mmap_entry *e, void *arg), void *arg)
{
	uint32_t pos = 0;

	while (pos < v->mmap_length) {
		struct mb1_mmap_entry e;

		if (v->mmap_length - pos < sizeof(uint32_t))
			return "memory map ends inside an entry's size field";
		memcpy(&e.size, at(v, v->mmap_addr + pos), sizeof(e.size));
		if (e.size < MMAP_ENTRY_MIN)
			return "memory map entry shorter than 20 bytes";
		if (e.size > v->mmap_length - pos - sizeof(uint32_t))
			return "memory map entry runs past mmap_length";
		memcpy(&e, at(v, v->mmap_addr + pos), sizeof(e));
		if (fn)
			fn(&e, arg);
		pos += (uint32_t)sizeof(uint32_t) + e.size;
	}
	return NULL;
}

static void count_range(const struct mb1_mmap_entry *e, void *arg)
{
	struct mb1_view *v = arg;
	uint64_t base = (uint64_t)e->base_hi << 32 | e->base_lo;
	uint64_t len = (uint64_t)e->len_hi << 32 | e->len_lo;

	v->mmap_ranges++;
	if (e->type != MB_MEMORY_AVAILABLE || !len)
		return;
	v->usable_bytes += len;
	v->ram_end = MAX(v->ram_end, base + len);
}

static void view_modules(struct mb1_view *v, const struct mb1_info *mi)
{
	v->mods_count = mi->mods_count;
	for (uint32_t i = 0; i < mi->mods_count; i++) {
		struct mb1_module m;

		memcpy(&m, at(v, mi->mods_addr + i * (uint32_t)sizeof(m)),
		       sizeof(m));
		v->mods_end = MAX(v->mods_end, m.mod_end);
		if (i == 0 && m.string)
			v->mod0 = at(v, m.string);
	}
}

const char *mb1_parse(uintptr_t mem, uint32_t magic, uint32_t info,
		      struct mb1_view *v)
{
	struct mb1_info mi;
	const char *why;

	memset(v, 0, sizeof(*v));
	v->mem = mem;
	v->cmdline = v->loader = v->mod0 = "";
	if (magic != MB1_BOOTLOADER_MAGIC)
		return "EAX is not the Multiboot magic 0x2badb002";
	memcpy(&mi, at(v, info), sizeof(mi));
	v->flags = mi.flags;
	if (mi.flags & MB1_INFO_MEMORY) {
		v->mem_lower = mi.mem_lower;
		v->mem_upper = mi.mem_upper;
	}
	if ((mi.flags & MB1_INFO_CMDLINE) && mi.cmdline)
		v->cmdline = at(v, mi.cmdline);
	if ((mi.flags & MB1_INFO_LOADER_NAME) && mi.boot_loader_name)
		v->loader = at(v, mi.boot_loader_name);
	if (mi.flags & MB1_INFO_MODS)
		view_modules(v, &mi);
	if (!(mi.flags & MB1_INFO_MMAP))
		return "no memory map (flags bit 6 clear)";
	v->mmap_addr = mi.mmap_addr;
	v->mmap_length = mi.mmap_length;
	why = walk_mmap(v, count_range, v);
	if (!why && !v->usable_bytes)
		why = "no available memory in the memory map";
	return why;
}

struct ram_walk {
	void (*fn)(uint64_t base, uint64_t len, void *arg);
	void *arg;
};

static void ram_range(const struct mb1_mmap_entry *e, void *arg)
{
	const struct ram_walk *w = arg;
	uint64_t len = (uint64_t)e->len_hi << 32 | e->len_lo;

	if (e->type == MB_MEMORY_AVAILABLE && len)
		w->fn((uint64_t)e->base_hi << 32 | e->base_lo, len, w->arg);
}

void mb1_for_each_ram(const struct mb1_view *v,
		      void (*fn)(uint64_t base, uint64_t len, void *arg),
		      void *arg)
{
	struct ram_walk w = {fn, arg};

	walk_mmap(v, ram_range, &w);
}
