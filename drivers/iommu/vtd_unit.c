/*
 * drivers/iommu/vtd_unit.c - driving one VT-d remapping unit through its
 * registers: capabilities, the root table pointer, register-based
 * context-cache and IOTLB invalidation, translation enable, fault
 * records. Every access goes through struct vtd_mmio_ops; the
 * command/status sequences are unit-tested against a fake register file
 * (tests/unit/test_vtd_unit.c). docs/vt-d.md has the order of the steps.
 * Runs on the boot CPU at start-up, then one caller at a time per unit.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Global Command Register" (the read-modify-write rule
 * for its bits), "Root Table Address Register", "Context Command
 * Register", "IOTLB Invalidate Register", "Fault Status Register",
 * "Fault Recording Registers", "Fault Reasons".
 */
#define LOG_PREFIX "vt-d: "
#include <stdarg.h>
#include "drivers/iommu/vtd_unit.h"
#include "lib/fmt.h"
#include "lib/log.h"

#define FRCD_HI	       8  /* the high qword of a fault record */
#define FRCD_HI_DWORD3 12 /* the dword holding F (bit 127) */
#define FRCD_F_DWORD   BIT(31)

static uint32_t rd32(const struct vtd_unit *u, unsigned off)
{
	return u->mmio.read32(u->mmio.ctx, off);
}

static uint64_t rd64(const struct vtd_unit *u, unsigned off)
{
	return u->mmio.read64(u->mmio.ctx, off);
}

static void wr32(const struct vtd_unit *u, unsigned off, uint32_t v)
{
	u->mmio.write32(u->mmio.ctx, off, v);
}

static void wr64(const struct vtd_unit *u, unsigned off, uint64_t v)
{
	u->mmio.write64(u->mmio.ctx, off, v);
}

__attribute__((format(printf, 3, 4))) static int
probe_fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

int vtd_unit_probe(struct vtd_unit *u, const struct vtd_mmio_ops *mmio,
		   unsigned reg_pages, char *err, size_t err_size)
{
	uint32_t ver;
	uint64_t regs_end = (uint64_t)reg_pages * VTD_REG_PAGE;

	u->mmio = *mmio;
	u->poll_limit = VTD_POLL_LIMIT;
	ver = rd32(u, VTD_REG_VER);
	u->version = ver;
	if (ver == 0 || ver == 0xffffffff)
		return probe_fail(err, err_size,
				  "no remapping unit answers (VER_REG 0x%x)",
				  ver);
	u->cap = rd64(u, VTD_REG_CAP);
	u->ecap = rd64(u, VTD_REG_ECAP);
	u->iotlb_reg = VTD_ECAP_IRO(u->ecap) * 16;
	u->fault_reg = VTD_CAP_FRO(u->cap) * 16;
	u->fault_count = VTD_CAP_NFR(u->cap) + 1;
	u->domains = 1U << (4 + 2 * VTD_CAP_ND(u->cap));
	u->addr_width = VTD_CAP_MGAW(u->cap) + 1;
	u->coherent = u->ecap & VTD_ECAP_C;
	u->large_pages = u->cap & VTD_CAP_SLLPS_2M;
	u->caching_mode = u->cap & VTD_CAP_CM;
	u->rwbf = u->cap & VTD_CAP_RWBF;
	if (!(VTD_CAP_SAGAW(u->cap) & VTD_CAP_SAGAW_48))
		return probe_fail(err, err_size,
				  "no 4-level (48-bit) tables: SAGAW 0x%x",
				  VTD_CAP_SAGAW(u->cap));
	if (u->iotlb_reg < VTD_REG_FECTL || u->iotlb_reg + 16 > regs_end)
		return probe_fail(err, err_size,
				  "IOTLB registers at 0x%x outside the %u "
				  "register page(s)",
				  u->iotlb_reg, reg_pages);
	if (u->fault_reg < VTD_REG_FECTL ||
	    u->fault_reg + (uint64_t)u->fault_count * VTD_FRCD_SIZE > regs_end)
		return probe_fail(err, err_size,
				  "%u fault records at 0x%x outside the %u "
				  "register page(s)",
				  u->fault_count, u->fault_reg, reg_pages);
	return 0;
}

/* ---- the global command register ------------------------------------- */

/*
 * Wait until GSTS & mask equals want. The unit acknowledges a command in
 * its own time; a unit that never does is broken (or absent).
 */
static int wait_gsts(const struct vtd_unit *u, uint32_t mask, uint32_t want,
		     const char *what)
{
	for (unsigned i = 0; i < u->poll_limit; i++)
		if ((rd32(u, VTD_REG_GSTS) & mask) == want)
			return 0;
	pr_err("%s: the unit did not acknowledge (GSTS 0x%x)\n", what,
	       rd32(u, VTD_REG_GSTS));
	return -1;
}

/*
 * "Global Command Register": write one command, keeping the persistent
 * bits (TE, QIE, IRE, ...) as the status register shows them and never
 * repeating a one-shot command (SRTP, SFL, WBF, SIRTP).
 */
static void gcmd_write(const struct vtd_unit *u, uint32_t set, uint32_t clear)
{
	uint32_t cmd = rd32(u, VTD_REG_GSTS) & ~VTD_GCMD_ONE_SHOT;

	wr32(u, VTD_REG_GCMD, (cmd | set) & ~clear);
}

int vtd_unit_set_root(struct vtd_unit *u, uint64_t rtaddr)
{
	wr64(u, VTD_REG_RTADDR, rtaddr & ~VTD_RTADDR_TTM_MASK);
	gcmd_write(u, VTD_GCMD_SRTP, 0);
	return wait_gsts(u, VTD_GCMD_SRTP, VTD_GCMD_SRTP, "set root table");
}

int vtd_unit_enable(struct vtd_unit *u)
{
	gcmd_write(u, VTD_GCMD_TE, 0);
	return wait_gsts(u, VTD_GCMD_TE, VTD_GCMD_TE, "enable translation");
}

int vtd_unit_disable(struct vtd_unit *u)
{
	gcmd_write(u, 0, VTD_GCMD_TE);
	return wait_gsts(u, VTD_GCMD_TE, 0, "disable translation");
}

int vtd_unit_flush_write_buffer(struct vtd_unit *u)
{
	if (!u->rwbf)
		return 0;
	gcmd_write(u, VTD_GCMD_WBF, 0);
	return wait_gsts(u, VTD_GCMD_WBF, 0, "write buffer flush");
}

/* ---- invalidation ---------------------------------------------------- */

/* Wait until the 64-bit register's busy bit clears; then its actual
 * granularity (bits at shift) must be non-zero, or the unit did not do
 * the invalidation. */
static int wait_inval(const struct vtd_unit *u, unsigned reg, uint64_t busy,
		      unsigned actual_shift, const char *what)
{
	for (unsigned i = 0; i < u->poll_limit; i++) {
		uint64_t v = rd64(u, reg);

		if (v & busy)
			continue;
		if (!((v >> actual_shift) & 3)) {
			pr_err("%s: refused by the unit (0x%llx)\n", what,
			       (unsigned long long)v);
			return -1;
		}
		return 0;
	}
	pr_err("%s: did not complete\n", what);
	return -1;
}

/* Register-based invalidation takes one request at a time: wait for an
 * earlier one to finish before writing. */
static int wait_idle(const struct vtd_unit *u, unsigned reg, uint64_t busy,
		     const char *what)
{
	for (unsigned i = 0; i < u->poll_limit; i++)
		if (!(rd64(u, reg) & busy))
			return 0;
	pr_err("%s: an earlier invalidation is still running\n", what);
	return -1;
}

static int context_inval(struct vtd_unit *u, uint64_t cmd, const char *what)
{
	if (wait_idle(u, VTD_REG_CCMD, VTD_CCMD_ICC, what))
		return -1;
	wr64(u, VTD_REG_CCMD, VTD_CCMD_ICC | cmd);
	return wait_inval(u, VTD_REG_CCMD, VTD_CCMD_ICC, VTD_CCMD_CAIG_SHIFT,
			  what);
}

int vtd_unit_inval_context_global(struct vtd_unit *u)
{
	return context_inval(u, VTD_CCMD_GLOBAL << VTD_CCMD_CIRG_SHIFT,
			     "global context invalidation");
}

int vtd_unit_inval_context_device(struct vtd_unit *u, uint16_t did,
				  uint16_t sid)
{
	return context_inval(u,
			     VTD_CCMD_DEVICE << VTD_CCMD_CIRG_SHIFT |
				     (uint64_t)sid << VTD_CCMD_SID_SHIFT | did,
			     "device context invalidation");
}

static int iotlb_inval(struct vtd_unit *u, uint64_t cmd, const char *what)
{
	unsigned reg = u->iotlb_reg + VTD_REG_IOTLB_OFF;

	if (wait_idle(u, reg, VTD_IOTLB_IVT, what))
		return -1;
	if (u->cap & VTD_CAP_DRD)
		cmd |= VTD_IOTLB_DR;
	if (u->cap & VTD_CAP_DWD)
		cmd |= VTD_IOTLB_DW;
	wr64(u, reg, VTD_IOTLB_IVT | cmd);
	return wait_inval(u, reg, VTD_IOTLB_IVT, VTD_IOTLB_IAIG_SHIFT, what);
}

int vtd_unit_inval_iotlb_global(struct vtd_unit *u)
{
	return iotlb_inval(u, VTD_IOTLB_GLOBAL << VTD_IOTLB_IIRG_SHIFT,
			   "global IOTLB invalidation");
}

int vtd_unit_inval_iotlb_domain(struct vtd_unit *u, uint16_t did)
{
	return iotlb_inval(u,
			   VTD_IOTLB_DOMAIN << VTD_IOTLB_IIRG_SHIFT |
				   (uint64_t)did << VTD_IOTLB_DID_SHIFT,
			   "domain IOTLB invalidation");
}

/* ---- start-up -------------------------------------------------------- */

static void faults_clear_all(struct vtd_unit *u)
{
	for (unsigned i = 0; i < u->fault_count; i++)
		wr32(u, u->fault_reg + i * VTD_FRCD_SIZE + FRCD_HI_DWORD3,
		     FRCD_F_DWORD);
	wr32(u, VTD_REG_FSTS, VTD_FSTS_RW1C);
}

int vtd_unit_start(struct vtd_unit *u, uint64_t rtaddr)
{
	wr32(u, VTD_REG_FECTL, VTD_FECTL_IM); /* faults are polled */
	faults_clear_all(u);
	if ((rd32(u, VTD_REG_GSTS) & VTD_GCMD_TE) && vtd_unit_disable(u))
		return -1;
	if (vtd_unit_set_root(u, rtaddr) || vtd_unit_inval_context_global(u) ||
	    vtd_unit_inval_iotlb_global(u) || vtd_unit_enable(u))
		return -1;
	return 0;
}

/* ---- faults ---------------------------------------------------------- */

bool vtd_unit_next_fault(struct vtd_unit *u, struct vtd_fault *f)
{
	uint32_t fsts = rd32(u, VTD_REG_FSTS);
	unsigned first = VTD_FSTS_FRI(fsts);

	if (!(fsts & VTD_FSTS_PPF) || first >= u->fault_count)
		return false;
	/* Records fill in a ring from FRI on. */
	for (unsigned n = 0; n < u->fault_count; n++) {
		unsigned rec = u->fault_reg +
			       (first + n) % u->fault_count * VTD_FRCD_SIZE;
		uint64_t hi = rd64(u, rec + FRCD_HI);

		if (!(hi & VTD_FRCD_HI_F))
			continue;
		f->page = rd64(u, rec) & VTD_FRCD_FI;
		f->sid = VTD_FRCD_HI_SID(hi);
		f->write = !(hi & VTD_FRCD_HI_T);
		f->reason = VTD_FRCD_HI_FR(hi);
		f->overflowed = fsts & VTD_FSTS_PFO;
		wr32(u, rec + FRCD_HI_DWORD3, FRCD_F_DWORD);
		if (f->overflowed)
			wr32(u, VTD_REG_FSTS, VTD_FSTS_PFO);
		return true;
	}
	return false;
}

const char *vtd_fault_reason_name(unsigned reason)
{
	static const char *const names[] = {
		[VTD_FAULT_ROOT_NOT_PRESENT] = "root entry not present",
		[VTD_FAULT_CTX_NOT_PRESENT] = "context entry not present",
		[VTD_FAULT_CTX_INVALID] = "invalid context entry",
		[VTD_FAULT_BEYOND_MGAW] = "address beyond the address width",
		[VTD_FAULT_NO_WRITE] = "write to a page without write access",
		[VTD_FAULT_NO_READ] = "read of a page without read access",
		[VTD_FAULT_NEXT_TABLE] = "page table address invalid",
		[VTD_FAULT_ROOT_TABLE] = "root table address invalid",
		[VTD_FAULT_CTX_TABLE] = "context table address invalid",
		[VTD_FAULT_ROOT_RSVD] = "reserved bit set in a root entry",
		[VTD_FAULT_CTX_RSVD] = "reserved bit set in a context entry",
		[VTD_FAULT_SL_RSVD] = "reserved bit set in a page-table entry",
	};

	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "unknown fault reason";
}

int vtd_fault_format(const struct vtd_fault *f, char *buf, size_t n)
{
	return fmt_snprintf(
		buf, n, "device %02x:%02x.%x %s 0x%llx: reason %u (%s)%s",
		VTD_SID_BUS(f->sid), VTD_SID_DEVFN(f->sid) >> 3,
		VTD_SID_DEVFN(f->sid) & 7, f->write ? "write to" : "read of",
		(unsigned long long)f->page, f->reason,
		vtd_fault_reason_name(f->reason),
		f->overflowed ? "; faults were lost before this one" : "");
}

/* "3- and 4-level": the table depths SAGAW allows (bit 1: 39-bit, 3
 * levels; bit 2: 48-bit, 4; bit 3: 57-bit, 5). */
static int sagaw_levels(unsigned sagaw, char *buf, size_t n)
{
	static const unsigned levels[] = {2, 3, 4, 5, 6};
	int k = 0, seen = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < ARRAY_SIZE(levels); bit++) {
		if (!(sagaw & BIT(bit)))
			continue;
		k += fmt_snprintf(buf + k, n - MIN((size_t)k, n), "%s%u",
				  seen++ ? "/" : "", levels[bit]);
	}
	return k;
}

int vtd_unit_describe(const struct vtd_unit *u, char *buf, size_t n)
{
	char lv[24];

	sagaw_levels(VTD_CAP_SAGAW(u->cap), lv, sizeof(lv));
	return fmt_snprintf(
		buf, n,
		"VT-d %u.%u, SAGAW 0x%x (%s-level tables), MGAW %u bits, %s, "
		"%u domains, caching mode %s, page walks %s, %u fault records",
		(u->version >> 4) & 0xf, u->version & 0xf,
		VTD_CAP_SAGAW(u->cap), lv[0] ? lv : "no", u->addr_width,
		u->large_pages ? "2 MiB pages" : "4 KiB pages only", u->domains,
		u->caching_mode ? "on" : "off",
		u->coherent ? "snooped" : "not snooped (tables flushed)",
		u->fault_count);
}
