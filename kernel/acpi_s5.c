/*
 * kernel/acpi_s5.c - find the \_S5 sleep type in the DSDT's AML.
 * Pure logic, run once on the boot CPU; unit-tested on the host.
 * We do not interpret AML: \_S5 is a Name whose value is a Package of
 * constant integers, and that is all we read.
 * ACPI Specification, "ACPI Machine Language (AML) Specification":
 * "Name Objects Encoding", "Data Objects Encoding", "Package Length
 * Encoding"; "\_Sx (System States)".
 */
#include "kernel/acpi.h"
#include "lib/string.h"

/* "AML Byte Stream Byte Values" */
#define AML_ZERO_OP	 0x00
#define AML_ONE_OP	 0x01
#define AML_NAME_OP	 0x08
#define AML_BYTE_PREFIX	 0x0a
#define AML_WORD_PREFIX	 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_ROOT_CHAR	 0x5c /* '\' */
#define AML_PACKAGE_OP	 0x12
#define AML_ONES_OP	 0xff
#define SLP_TYP_MASK	 0x7

/* "Package Length Encoding": bits 7-6 of the lead byte count the bytes
 * that follow; with none, bits 5-0 are the length, else bits 3-0 are its
 * low nibble and each following byte the next 8 bits. The length counts
 * the PkgLength bytes themselves. */
#define PKG_LENGTH_SHORT_MASK 0x3f
#define PKG_LENGTH_NIBBLE     0x0f

/* Decode a PkgLength; returns the bytes it used, or 0 if it does not fit. */
static size_t pkg_length(const uint8_t *p, size_t avail, size_t *length)
{
	size_t n = 1 + (p[0] >> 6);

	if (n > avail)
		return 0;
	if (n == 1) {
		*length = p[0] & PKG_LENGTH_SHORT_MASK;
		return 1;
	}
	*length = p[0] & PKG_LENGTH_NIBBLE;
	for (size_t i = 1; i < n; i++)
		*length |= (size_t)p[i] << (4 + 8 * (i - 1));
	return n;
}

/* One constant integer element; returns bytes used or 0 if not one. */
static size_t aml_integer(const uint8_t *p, size_t avail, uint64_t *value)
{
	static const uint8_t widths[] = {[AML_BYTE_PREFIX] = 1,
					 [AML_WORD_PREFIX] = 2,
					 [AML_DWORD_PREFIX] = 4,
					 [AML_QWORD_PREFIX] = 8};
	size_t w;

	if (avail < 1)
		return 0;
	switch (p[0]) {
	case AML_ZERO_OP: *value = 0; return 1;
	case AML_ONE_OP: *value = 1; return 1;
	case AML_ONES_OP: *value = ~0ULL; return 1;
	case AML_BYTE_PREFIX:
	case AML_WORD_PREFIX:
	case AML_DWORD_PREFIX:
	case AML_QWORD_PREFIX:
		w = widths[p[0]];
		if (avail < 1 + w)
			return 0;
		*value = 0;
		for (size_t i = 0; i < w; i++)
			*value |= (uint64_t)p[1 + i] << (8 * i);
		return 1 + w;
	default: return 0;
	}
}

/* Parse "Package(n) { a, b, ... }" at p; 0 on success. */
static int parse_s5_package(const uint8_t *p, size_t avail, uint8_t *a,
			    uint8_t *b)
{
	uint64_t va, vb;
	size_t n, length, used;

	if (avail < 3 || p[0] != AML_PACKAGE_OP)
		return -1;
	n = pkg_length(p + 1, avail - 1, &length);
	/* the package must hold its NumElements byte and end in the buffer */
	if (!n || length < n + 1 || length > avail - 1)
		return -1;
	uint8_t count = p[1 + n];
	p += 2 + n;
	avail = length - n - 1; /* the elements, up to the package's end */
	if (count < 1 || !(used = aml_integer(p, avail, &va)))
		return -1;
	vb = va;
	if (count >= 2 && !aml_integer(p + used, avail - used, &vb))
		return -1;
	*a = (uint8_t)(va & SLP_TYP_MASK);
	*b = (uint8_t)(vb & SLP_TYP_MASK);
	return 0;
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa,
		 uint8_t *slp_typb)
{
	for (size_t i = 1; i + 4 <= len; i++) {
		size_t name = i;

		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		if (aml[i - 1] == AML_ROOT_CHAR && i >= 2)
			name = i - 1;
		if (aml[name - 1] != AML_NAME_OP)
			continue;
		if (parse_s5_package(aml + i + 4, len - i - 4, slp_typa,
				     slp_typb) == 0)
			return 0;
	}
	return -1;
}
