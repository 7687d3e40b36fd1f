/*
 * tests/guests/hello.c - the first guest: says hello with its VM id,
 * reads its memory map, then writes and verifies a pattern (different
 * for each VM id) over all its RAM above its own image, and prints a
 * checksum of it. A leak between VMs, or RAM that is not really there,
 * shows as a mismatch. Runs as a Multiboot2 guest (hello.elf), and as a
 * Multiboot (v1) guest (hello-mb1.elf, hello-aout.bin), which also
 * prints what its information says (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"
#include "vmx/multiboot.h"

const char guest_name[] = "hello";

#define MAX_RANGES 16

extern char _image_end[];

struct ranges {
	unsigned n;
	uint32_t base[MAX_RANGES], end[MAX_RANGES];
};

/* A mix of the address and the VM id: no two words alike, and another
 * VM's pattern never matches ours. */
static uint32_t pattern(uint32_t addr, uint32_t id)
{
	uint32_t x = addr * 0x9e3779b1u ^ (id + 1) * 0x85ebca6bu;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return x;
}

/* Keep the RAM above the image and below 4 GiB; the Multiboot2
 * information may be overwritten once this list is taken. */
static void keep_range(uint64_t base, uint64_t len, void *arg)
{
	struct ranges *r = arg;
	uint64_t lo = MAX(base, (uint64_t)(uint32_t)_image_end);
	uint64_t hi = MIN(base + len, 0x100000000ULL) & ~3ULL;

	if (lo >= hi || r->n == MAX_RANGES)
		return;
	r->base[r->n] = (uint32_t)lo;
	r->end[r->n] = (uint32_t)(hi - 1) + 1; /* 4 GiB wraps to 0 */
	r->n++;
}

static void fill(const struct ranges *r, uint32_t id)
{
	for (unsigned i = 0; i < r->n; i++)
		for (uint32_t a = r->base[i]; a != r->end[i]; a += 4)
			poke32(a, pattern(a, id));
}

/* Returns the first bad address, or 0; *sum gets the checksum. */
static uint32_t verify(const struct ranges *r, uint32_t id, uint32_t *sum)
{
	uint32_t s = 0;

	for (unsigned i = 0; i < r->n; i++) {
		for (uint32_t a = r->base[i]; a != r->end[i]; a += 4) {
			uint32_t v = peek32(a);

			if (v != pattern(a, id)) {
				gprintf("hello: memory check FAILED at 0x%08x: "
					"read 0x%08x, expected 0x%08x\n",
					a, v, pattern(a, id));
				return a;
			}
			s = ((s << 1) | (s >> 31)) ^ v;
		}
	}
	*sum = s;
	return 0;
}

/* A Multiboot (v1) loader's information, as the guest sees it. */
static int mb1_ranges(uint32_t magic, uint32_t info, struct ranges *r,
		      uint64_t *usable)
{
	struct mb1_view v;
	const char *why = mb1_parse(0, magic, info, &v);

	if (why) {
		gprintf("hello: unusable Multiboot information: %s\n", why);
		return -1;
	}
	gprintf("hello: Multiboot (v1) information from \"%s\": flags 0x%x, "
		"mem_lower %u KiB, mem_upper %u KiB\n",
		v.loader, v.flags, v.mem_lower, v.mem_upper);
	gprintf("hello: command line \"%s\"; %u modules, the first \"%s\" "
		"ending at 0x%08x\n",
		v.cmdline, v.mods_count, v.mod0, v.mods_end);
	gprintf("hello: memory map of %u ranges, RAM ends at 0x%llx\n",
		v.mmap_ranges, (unsigned long long)v.ram_end);
	*usable = v.usable_bytes;
	mb1_for_each_ram(&v, keep_range, r);
	return 0;
}

static int mb2_ranges(uint32_t magic, uint32_t info, struct ranges *r,
		      uint64_t *usable)
{
	struct mb2_view v;

	if (mb2_view(magic, info, &v))
		return -1;
	*usable = v.usable_bytes;
	mb2_for_each_ram(&v, keep_range, r);
	return 0;
}

int main(uint32_t magic, uint32_t info)
{
	struct ranges r = {0};
	uint32_t id = vm_id(), sum = 0, bytes = 0;
	uint64_t usable = 0;

	gprintf("hello: starting\n");
	gprintf("hello from VM %u\n", id);
	if (!hv_present())
		gprintf("hello: no hypervisor (CPUID 0x40000000): running "
			"bare\n");
	if ((magic == MB1_BOOTLOADER_MAGIC ? mb1_ranges : mb2_ranges)(
		    magic, info, &r, &usable))
		return 1;
	gprintf("hello: memory map: %llu KiB usable\n",
		(unsigned long long)(usable / 1024));
	for (unsigned i = 0; i < r.n; i++)
		bytes += r.end[i] - r.base[i];
	gprintf("hello: writing a pattern over %u KiB above 0x%08x\n",
		bytes / 1024, (uint32_t)_image_end);
	fill(&r, id);
	if (verify(&r, id, &sum))
		return 1;
	gprintf("hello: memory check passed, checksum 0x%08x\n", sum);
	return 0;
}
