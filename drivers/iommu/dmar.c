/*
 * drivers/iommu/dmar.c - parsing the ACPI DMAR table: the remapping
 * units (DRHD), the reserved memory regions (RMRR) and their device
 * scopes. The bytes come from firmware: every structure's length is
 * checked against its type's minimum and against what is left of its
 * parent before a field is read. Pure logic; runs once on the boot CPU
 * and in tests/unit/test_dmar.c and tests/fuzz/fuzz_dmar.c.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "DMA Remapping Reporting Structure", "Remapping
 * Structure Types", "DMA Remapping Hardware Unit Definition Structure",
 * "Device Scope Structure", "Reserved Memory Region Reporting Structure".
 * ACPI Specification: "System Description Table Header".
 */
#include <stdarg.h>
#include "drivers/iommu/dmar.h"
#include "lib/bytes.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* "System Description Table Header" and "DMA Remapping Reporting
 * Structure" */
#define HDR_SIGNATURE 0
#define HDR_LENGTH    4
#define DMAR_HAW      36 /* host address width - 1 */
#define DMAR_FLAGS    37
#define DMAR_STRUCTS  48 /* after 10 reserved bytes */

/* "Remapping Structure Types": every one starts with type and length. */
#define RS_TYPE	  0
#define RS_LENGTH 2
#define RS_HDR	  4
#define RS_DRHD	  0
#define RS_RMRR	  1

/* "DMA Remapping Hardware Unit Definition Structure" */
#define DRHD_FLAGS	     4
#define DRHD_SIZE	     5 /* bits 3:0: 2^N pages of registers */
#define DRHD_SEGMENT	     6
#define DRHD_BASE	     8
#define DRHD_SCOPES	     16
#define DRHD_INCLUDE_PCI_ALL BIT(0)
#define DRHD_SIZE_MASK	     0xf

/* "Reserved Memory Region Reporting Structure" */
#define RMRR_SEGMENT 6
#define RMRR_BASE    8
#define RMRR_LIMIT   16
#define RMRR_SCOPES  24

/* "Device Scope Structure" */
#define DS_TYPE	   0
#define DS_LENGTH  1
#define DS_ENUM_ID 4
#define DS_BUS	   5
#define DS_PATH	   6
#define DS_HOP	   2 /* device number, function number */

#define PCI_DEVICES   32
#define PCI_FUNCTIONS 8
#define DMAR_PAGE     4096

struct parser {
	const uint8_t *t;
	char *err;
	size_t err_size;
	struct dmar_info *info;
};

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p,
						      const char *fmt, ...)
{
	va_list ap;
	size_t n = p->err_size ? str_copy(p->err, "DMAR: ", p->err_size) : 0;

	va_start(ap, fmt);
	if (n < p->err_size)
		fmt_vsnprintf(p->err + n, p->err_size - n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool checksum_ok(const uint8_t *t, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += t[i];
	return sum == 0;
}

/* One device scope at t[off], inside a structure ending at `end`. */
static int parse_scope(struct parser *p, size_t off, size_t end,
		       struct dmar_scope *s, unsigned *len)
{
	unsigned hops;

	if (end - off < DS_PATH)
		return fail(p,
			    "device scope at 0x%zx: %zu bytes left, a scope "
			    "needs %u",
			    off, end - off, DS_PATH);
	*len = p->t[off + DS_LENGTH];
	if (*len < DS_PATH || (*len - DS_PATH) % DS_HOP)
		return fail(p,
			    "device scope at 0x%zx: length %u is not 6 + 2 per "
			    "path hop",
			    off, *len);
	if (*len > end - off)
		return fail(p,
			    "device scope at 0x%zx: length %u runs past its "
			    "structure (%zu bytes left)",
			    off, *len, end - off);
	hops = (*len - DS_PATH) / DS_HOP;
	if (hops == 0 || hops > DMAR_PATH_MAX)
		return fail(p,
			    "device scope at 0x%zx: a path of %u hops (1 to %u "
			    "accepted)",
			    off, hops, DMAR_PATH_MAX);
	s->type = p->t[off + DS_TYPE];
	s->enum_id = p->t[off + DS_ENUM_ID];
	s->bus = p->t[off + DS_BUS];
	s->path_len = (uint8_t)hops;
	for (unsigned i = 0; i < hops; i++) {
		uint8_t dev = p->t[off + DS_PATH + DS_HOP * i];
		uint8_t fn = p->t[off + DS_PATH + DS_HOP * i + 1];

		if (dev >= PCI_DEVICES || fn >= PCI_FUNCTIONS)
			return fail(p,
				    "device scope at 0x%zx: hop %u is %02x.%x, "
				    "beyond device 1f function 7",
				    off, i, dev, fn);
		s->path[i] = (uint8_t)(dev << 3 | fn);
	}
	return 0;
}

/* The scopes filling t[off, end). */
static int parse_scopes(struct parser *p, size_t off, size_t end,
			struct dmar_scope *scopes, unsigned *count)
{
	unsigned len = 0;

	for (*count = 0; off < end; off += len) {
		if (*count == DMAR_SCOPES_MAX)
			return fail(p,
				    "structure with more than %u device scopes "
				    "(at 0x%zx)",
				    DMAR_SCOPES_MAX, off);
		if (parse_scope(p, off, end, &scopes[*count], &len))
			return -1;
		(*count)++;
	}
	return 0;
}

static bool pci_all_twice(const struct dmar_info *info, uint16_t segment)
{
	for (unsigned i = 0; i < info->drhd_count; i++)
		if (info->drhd[i].include_pci_all &&
		    info->drhd[i].segment == segment)
			return true;
	return false;
}

/* What every structure with a table slot must pass first: the fixed
 * part of its type (`need` bytes, before the scopes) and a free slot
 * (count of max taken). 0, or -1 with the reason. */
static int check_struct(struct parser *p, const char *type, size_t off,
			size_t len, unsigned need, unsigned count, unsigned max,
			const char *things)
{
	if (len < need)
		return fail(p,
			    "%s at 0x%zx: length %zu, below the %u bytes it "
			    "needs",
			    type, off, len, need);
	if (count == max)
		return fail(p, "%s at 0x%zx: more than %u %s", type, off, max,
			    things);
	return 0;
}

static int parse_drhd(struct parser *p, size_t off, size_t len)
{
	struct dmar_info *info = p->info;
	struct dmar_drhd *u;

	if (check_struct(p, "DRHD", off, len, DRHD_SCOPES, info->drhd_count,
			 DMAR_DRHD_MAX, "remapping units"))
		return -1;
	u = &info->drhd[info->drhd_count];
	u->reg_base = get_le64(p->t + off + DRHD_BASE);
	u->reg_pages = 1U << (p->t[off + DRHD_SIZE] & DRHD_SIZE_MASK);
	u->segment = get_le16(p->t + off + DRHD_SEGMENT);
	u->include_pci_all = p->t[off + DRHD_FLAGS] & DRHD_INCLUDE_PCI_ALL;
	if (!u->reg_base || (u->reg_base & (DMAR_PAGE - 1)))
		return fail(p,
			    "DRHD at 0x%zx: register base 0x%llx is not a 4 "
			    "KiB aligned address",
			    off, (unsigned long long)u->reg_base);
	if (u->include_pci_all && pci_all_twice(info, u->segment))
		return fail(p,
			    "DRHD at 0x%zx: a second INCLUDE_PCI_ALL unit for "
			    "segment %u",
			    off, u->segment);
	if (parse_scopes(p, off + DRHD_SCOPES, off + len, u->scopes,
			 &u->scope_count))
		return -1;
	info->drhd_count++;
	return 0;
}

static int parse_rmrr(struct parser *p, size_t off, size_t len)
{
	struct dmar_info *info = p->info;
	struct dmar_rmrr *r;

	if (check_struct(p, "RMRR", off, len, RMRR_SCOPES, info->rmrr_count,
			 DMAR_RMRR_MAX, "reserved regions"))
		return -1;
	r = &info->rmrr[info->rmrr_count];
	r->segment = get_le16(p->t + off + RMRR_SEGMENT);
	r->base = get_le64(p->t + off + RMRR_BASE);
	r->limit = get_le64(p->t + off + RMRR_LIMIT);
	if ((r->base & (DMAR_PAGE - 1)) || ((r->limit + 1) & (DMAR_PAGE - 1)) ||
	    r->limit < r->base)
		return fail(p,
			    "RMRR at 0x%zx: region 0x%llx-0x%llx is not whole "
			    "4 KiB pages",
			    off, (unsigned long long)r->base,
			    (unsigned long long)r->limit);
	if (parse_scopes(p, off + RMRR_SCOPES, off + len, r->scopes,
			 &r->scope_count))
		return -1;
	info->rmrr_count++;
	return 0;
}

static int parse_header(struct parser *p, size_t avail, size_t *len)
{
	if (avail < DMAR_STRUCTS)
		return fail(
			p,
			"table of %zu bytes, shorter than its %u-byte header",
			avail, DMAR_STRUCTS);
	if (memcmp(p->t + HDR_SIGNATURE, "DMAR", 4) != 0)
		return fail(p, "signature is not \"DMAR\"");
	*len = get_le32(p->t + HDR_LENGTH);
	if (*len < DMAR_STRUCTS || *len > avail)
		return fail(p,
			    "length field %zu is outside %u..%zu (the bytes we "
			    "have)",
			    *len, DMAR_STRUCTS, avail);
	if (!checksum_ok(p->t, *len))
		return fail(p, "checksum of the %zu bytes is not zero", *len);
	p->info->host_addr_width = p->t[DMAR_HAW] + 1U;
	p->info->flags = p->t[DMAR_FLAGS];
	if (p->info->host_addr_width < 32 || p->info->host_addr_width > 64)
		return fail(p, "host address width %u bits (32 to 64 accepted)",
			    p->info->host_addr_width);
	return 0;
}

int dmar_parse(const uint8_t *table, size_t avail, struct dmar_info *info,
	       char *err, size_t err_size)
{
	struct parser p = {table, err, err_size, info};
	size_t len = 0, off, slen;

	memset(info, 0, sizeof(*info));
	if (err_size)
		err[0] = '\0';
	if (parse_header(&p, avail, &len))
		return -1;
	for (off = DMAR_STRUCTS; off < len; off += slen) {
		int rc = 0;

		if (len - off < RS_HDR)
			return fail(&p,
				    "structure at 0x%zx: %zu bytes left, a "
				    "header needs %u",
				    off, len - off, RS_HDR);
		slen = get_le16(table + off + RS_LENGTH);
		if (slen < RS_HDR || slen > len - off)
			return fail(&p,
				    "structure at 0x%zx: length %zu is outside "
				    "%u..%zu",
				    off, slen, RS_HDR, len - off);
		switch (get_le16(table + off + RS_TYPE)) {
		case RS_DRHD: rc = parse_drhd(&p, off, slen); break;
		case RS_RMRR: rc = parse_rmrr(&p, off, slen); break;
		default: info->other_count++; break;
		}
		if (rc)
			return -1;
	}
	if (!info->drhd_count)
		return fail(&p, "no remapping unit (DRHD) in the table");
	return 0;
}
