/*
 * vmx/e820.c - builds a VM's E820 memory map from its RAM size and the
 * ranges reserved in it: every boundary becomes a cut, each piece takes
 * the type of the first reserved range covering it (else RAM, if below
 * the RAM's end), and equal neighbours are merged.
 * Pure logic: VMX root when a VM is built, and the host unit tests.
 * ACPI Specification, "System Address Map Interfaces".
 */
#include "vmx/e820.h"

#define CUTS_MAX (2 + 2 * E820_RESERVED_MAX)

/* Insert V into the sorted set CUTS of *N values (no duplicates). */
static void cut_add(gpa_t *cuts, unsigned *n, gpa_t v)
{
	unsigned i = *n;

	for (unsigned k = 0; k < *n; k++)
		if (cuts[k] == v)
			return;
	while (i > 0 && cuts[i - 1] > v) {
		cuts[i] = cuts[i - 1];
		i--;
	}
	cuts[i] = v;
	(*n)++;
}

/* The type of the piece [a, b), which no cut splits: 0 for no memory. */
static uint32_t piece_type(uint64_t ram, const struct e820_range *res,
			   unsigned nres, gpa_t a, gpa_t b)
{
	for (unsigned i = 0; i < nres; i++)
		if (res[i].start <= a && b <= res[i].end)
			return res[i].type;
	return b <= ram ? E820_RAM : 0;
}

int e820_build(uint64_t ram, const struct e820_range *res, unsigned nres,
	       struct e820_range *out, unsigned max)
{
	gpa_t cuts[CUTS_MAX];
	unsigned ncuts = 0, n = 0;

	if (nres > E820_RESERVED_MAX)
		return -1;
	cut_add(cuts, &ncuts, 0);
	cut_add(cuts, &ncuts, ram);
	for (unsigned i = 0; i < nres; i++) {
		if (res[i].start >= res[i].end)
			continue;
		cut_add(cuts, &ncuts, res[i].start);
		cut_add(cuts, &ncuts, res[i].end);
	}
	for (unsigned k = 0; k + 1 < ncuts; k++) {
		uint32_t type =
			piece_type(ram, res, nres, cuts[k], cuts[k + 1]);

		if (!type)
			continue;
		if (n && out[n - 1].type == type && out[n - 1].end == cuts[k]) {
			out[n - 1].end = cuts[k + 1];
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = (struct e820_range){cuts[k], cuts[k + 1], type};
	}
	return (int)n;
}

bool e820_all_ram(const struct e820_range *map, unsigned n, gpa_t start,
		  gpa_t end)
{
	for (unsigned i = 0; i < n; i++)
		if (map[i].type == E820_RAM && map[i].start <= start &&
		    end <= map[i].end)
			return true;
	return false;
}
