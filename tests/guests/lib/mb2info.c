/*
 * tests/guests/lib/mb2info.c - what a guest reads from the Multiboot2
 * information its loader (GRUB, or the hypervisor's vmx/load_multiboot.c)
 * left: the command line, the modules' extent and the memory map. Runs
 * in the guest, before it writes to any memory outside its image.
 * Multiboot2 Specification, "Boot information format".
 */
#include "tests/guests/lib/guest.h"
#include "lib/string.h"
#include "vmx/multiboot.h"

static void view_tag(struct mb2_view *v, const struct mb2_info_tag *t)
{
	const struct mb2_tag_module *m = (const void *)t;

	switch (t->type) {
	case MB2_ITAG_CMDLINE: v->cmdline = (const char *)(t + 1); break;
	case MB2_ITAG_MODULE: v->mods_end = MAX(v->mods_end, m->mod_end); break;
	case MB2_ITAG_MMAP: v->mmap = t; break;
	}
}

static void add_ram(uint64_t base, uint64_t len, void *arg)
{
	struct mb2_view *v = arg;

	v->usable_bytes += len;
	v->ram_end = MAX(v->ram_end, base + len);
}

int mb2_view(uint32_t magic, uint32_t info, struct mb2_view *v)
{
	const struct mb2_info_header *h = (const void *)info;
	uint32_t at = sizeof(*h);

	memset(v, 0, sizeof(*v));
	v->cmdline = "";
	if (magic != MB2_BOOTLOADER_MAGIC || (info & 7)) {
		gprintf("%s: not started by a Multiboot2 loader (EAX 0x%08x, "
			"EBX 0x%08x)\n",
			guest_name, magic, info);
		return -1;
	}
	v->info = info;
	v->info_end = info + h->total_size;
	while (at + sizeof(struct mb2_info_tag) <= h->total_size) {
		const struct mb2_info_tag *t = (const void *)(info + at);

		if (t->type == MB2_ITAG_END)
			break;
		view_tag(v, t);
		at += (uint32_t)ALIGN_UP(t->size, 8);
	}
	if (!v->mmap) {
		gprintf("%s: no memory map in the Multiboot2 information\n",
			guest_name);
		return -1;
	}
	mb2_for_each_ram(v, add_ram, v);
	return 0;
}

void mb2_for_each_ram(const struct mb2_view *v,
		      void (*fn)(uint64_t base, uint64_t len, void *arg),
		      void *arg)
{
	const struct mb2_tag_mmap *m = v->mmap;
	const uint8_t *e = (const uint8_t *)(m + 1);
	const uint8_t *end = (const uint8_t *)m + m->size;

	for (; e + m->entry_size <= end; e += m->entry_size) {
		const struct mb2_mmap_entry *r = (const void *)e;

		if (r->type == MB_MEMORY_AVAILABLE && r->length)
			fn(r->base, r->length, arg);
	}
}

/* The word at P ends at a space or the end of the string. */
static const char *find_word(const char *s, const char *key, size_t n)
{
	for (const char *p = s; *p; p++) {
		bool at_start = p == s || p[-1] == ' ';

		if (at_start && strncmp(p, key, n) == 0 &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
			return p + n;
	}
	return NULL;
}

bool cmdline_has(const char *cmdline, const char *word)
{
	return find_word(cmdline, word, strlen(word)) != NULL;
}

uint32_t cmdline_number(const char *cmdline, const char *key, uint32_t dflt)
{
	const char *p = find_word(cmdline, key, strlen(key));
	uint32_t n = 0;

	if (!p || *p != '=' || p[1] < '0' || p[1] > '9')
		return dflt;
	for (p++; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (uint32_t)(*p - '0');
	return n;
}
