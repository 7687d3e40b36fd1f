/*
 * drivers/iommu/vtd_tables.c - a VT-d remapping unit's root table and
 * context tables (which device belongs to which domain), and the walk a
 * unit does for a DMA request, from the root table to the page.
 * Runs on any CPU, one caller at a time per root. Pure logic: pages
 * through struct vtd_mem_ops, unit-tested on fake memory. The domains'
 * page tables are in vtd_pagetable.c. docs/vt-d.md explains it.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Root Entry", "Context Entry", "Legacy Mode Address
 * Translation", "Second-Level Translation", "Fault Reasons".
 *
 * Layout (legacy mode, RTADDR.TTM = 00):
 *   root table: 256 x 128-bit entries, one per bus; low qword = context
 *   table address | present. Context table: 256 x 128-bit entries, one
 *   per device/function; low = page table | TT | present, high = domain
 *   id << 8 | address width.
 * Context tables stay allocated until vtd_root_destroy, even when the
 * last device of a bus is detached.
 */
#include "drivers/iommu/vtd_tables.h"
#include "lib/panic.h"

#define ENTRY_QWORDS 2 /* root and context entries are 128 bits */

static uint64_t *rt_page(const struct vtd_root *r, hpa_t pa)
{
	return r->ops.page_ptr(r->ops.ctx, pa);
}

static void rt_flush(const struct vtd_root *r, const void *p, size_t len)
{
	if (r->ops.flush)
		r->ops.flush(r->ops.ctx, p, len);
}

static hpa_t rt_alloc(struct vtd_root *r)
{
	hpa_t pa = r->ops.alloc_page(r->ops.ctx);

	BUG_ON(pa & (PAGE_SIZE - 1));
	if (pa) {
		r->table_pages++;
		rt_flush(r, rt_page(r, pa), PAGE_SIZE);
	}
	return pa;
}

int vtd_root_init(struct vtd_root *r, const struct vtd_mem_ops *ops)
{
	r->ops = *ops;
	r->table_pages = 0;
	r->table = rt_alloc(r);
	return r->table ? 0 : -1;
}

uint64_t vtd_root_rtaddr(const struct vtd_root *r)
{
	BUG_ON(!r->table);
	return r->table; /* TTM 00: legacy mode */
}

void vtd_root_destroy(struct vtd_root *r)
{
	const uint64_t *root;

	if (!r->table)
		return;
	root = rt_page(r, r->table);
	for (unsigned bus = 0; bus < VTD_ROOT_ENTRIES; bus++) {
		uint64_t lo = root[bus * ENTRY_QWORDS];

		if (lo & VTD_ROOT_PRESENT) {
			r->ops.free_page(r->ops.ctx, lo & VTD_ROOT_CTP);
			r->table_pages--;
		}
	}
	r->ops.free_page(r->ops.ctx, r->table);
	r->table_pages--;
	BUG_ON(r->table_pages != 0);
	r->table = 0;
}

/* The context entry of sid, or NULL when its bus has no context table. */
static uint64_t *ctx_lookup(const struct vtd_root *r, uint16_t sid)
{
	const uint64_t *re =
		&rt_page(r, r->table)[VTD_SID_BUS(sid) * ENTRY_QWORDS];

	if (!(re[0] & VTD_ROOT_PRESENT))
		return NULL;
	return &rt_page(
		r, re[0] & VTD_ROOT_CTP)[VTD_SID_DEVFN(sid) * ENTRY_QWORDS];
}

/* The context entry of sid; the bus's context table is made when absent.
 * NULL when out of memory. */
static uint64_t *ctx_entry_alloc(struct vtd_root *r, uint16_t sid)
{
	uint64_t *re = &rt_page(r, r->table)[VTD_SID_BUS(sid) * ENTRY_QWORDS];
	hpa_t ct;

	if (!(re[0] & VTD_ROOT_PRESENT)) {
		if (!(ct = rt_alloc(r)))
			return NULL;
		/* The context table (zeroes, flushed) before the link. */
		*(volatile uint64_t *)&re[0] = ct | VTD_ROOT_PRESENT;
		rt_flush(r, re, ENTRY_QWORDS * sizeof(*re));
	}
	return ctx_lookup(r, sid);
}

static uint64_t ctx_lo(const struct vtd_domain *d)
{
	return d->pml4 | (uint64_t)VTD_CTX_TT_UNTRANSL << VTD_CTX_TT_SHIFT |
	       VTD_CTX_PRESENT;
}

static uint64_t ctx_hi(const struct vtd_domain *d)
{
	return (uint64_t)d->did << VTD_CTX_DID_SHIFT | VTD_CTX_AW_48;
}

int vtd_attach(struct vtd_root *r, uint16_t sid, const struct vtd_domain *d)
{
	uint64_t *ce;

	BUG_ON(!r->table || !d->pml4);
	ce = ctx_entry_alloc(r, sid);
	if (!ce || (ce[0] & VTD_CTX_PRESENT))
		return -1;
	/* The high qword before the present bit: the unit never sees a
	 * present entry with the wrong domain. */
	*(volatile uint64_t *)&ce[1] = ctx_hi(d);
	*(volatile uint64_t *)&ce[0] = ctx_lo(d);
	rt_flush(r, ce, ENTRY_QWORDS * sizeof(*ce));
	return 0;
}

int vtd_detach(struct vtd_root *r, uint16_t sid)
{
	uint64_t *ce;

	BUG_ON(!r->table);
	ce = ctx_lookup(r, sid);
	if (!ce || !(ce[0] & VTD_CTX_PRESENT))
		return -1;
	*(volatile uint64_t *)&ce[0] = 0; /* not present first */
	*(volatile uint64_t *)&ce[1] = 0;
	rt_flush(r, ce, ENTRY_QWORDS * sizeof(*ce));
	return 0;
}

int vtd_attached_did(const struct vtd_root *r, uint16_t sid)
{
	const uint64_t *ce = ctx_lookup(r, sid);

	if (!ce || !(ce[0] & VTD_CTX_PRESENT))
		return -1;
	return (int)((ce[1] & VTD_CTX_DID_MASK) >> VTD_CTX_DID_SHIFT);
}

/* ---- the unit's walk ------------------------------------------------- */

struct walk {
	vtd_read_fn read;
	void *ctx;
};

/* Entry `index` (of `qwords` qwords) of the table at pa, or NULL. */
static const uint64_t *walk_entry(const struct walk *w, hpa_t pa,
				  unsigned index, unsigned qwords)
{
	const uint64_t *t = w->read(w->ctx, pa);

	return t ? &t[index * qwords] : NULL;
}

/* Reserved bits of a second-level entry at `level` (AW 48): PS in a
 * PML4E; the address bits below the page size in a large leaf. */
static bool sl_reserved(uint64_t e, unsigned level)
{
	if (level == 4)
		return e & VTD_SL_PS;
	if (level == 3 && (e & VTD_SL_PS))
		return e & (VTD_SL_ADDR & ~VTD_SL_ADDR_1G);
	if (level == 2 && (e & VTD_SL_PS))
		return e & (VTD_SL_ADDR & ~VTD_SL_ADDR_2M);
	return false;
}

static enum vtd_fault_reason walk_sl(const struct walk *w, hpa_t table,
				     unsigned levels, uint64_t addr, bool write,
				     struct vtd_xlate *out)
{
	unsigned perms = VTD_READ | VTD_WRITE;

	for (unsigned lv = levels;; lv--) {
		unsigned idx =
			(addr >> VTD_SL_LEVEL_SHIFT(lv)) & (VTD_SL_ENTRIES - 1);
		const uint64_t *e = walk_entry(w, table, idx, 1);
		uint64_t off;

		if (!e)
			return VTD_FAULT_NEXT_TABLE;
		perms &= *e & (VTD_READ | VTD_WRITE);
		/* Not present (R = W = 0) faults as missing permission. */
		if (!(*e & (VTD_READ | VTD_WRITE)))
			return write ? VTD_FAULT_NO_WRITE : VTD_FAULT_NO_READ;
		if (sl_reserved(*e, lv))
			return VTD_FAULT_SL_RSVD;
		if (lv > 1 && !(*e & VTD_SL_PS)) {
			table = *e & VTD_SL_ADDR;
			continue;
		}
		if (write && !(perms & VTD_WRITE))
			return VTD_FAULT_NO_WRITE;
		if (!write && !(perms & VTD_READ))
			return VTD_FAULT_NO_READ;
		off = VTD_SL_LEVEL_SIZE(lv) - 1;
		out->hpa = (*e & VTD_SL_ADDR & ~off) | (addr & off);
		out->level = lv;
		out->perms = perms;
		return VTD_FAULT_NONE;
	}
}

enum vtd_fault_reason vtd_translate(vtd_read_fn read, void *ctx,
				    uint64_t rtaddr, uint16_t sid,
				    uint64_t addr, bool write,
				    struct vtd_xlate *out)
{
	struct walk w = {read, ctx};
	const uint64_t *re, *ce;
	unsigned tt, aw, levels;

	re = walk_entry(&w, rtaddr & ~(PAGE_SIZE - 1), VTD_SID_BUS(sid),
			ENTRY_QWORDS);
	if (!re)
		return VTD_FAULT_ROOT_TABLE;
	if (!(re[0] & VTD_ROOT_PRESENT))
		return VTD_FAULT_ROOT_NOT_PRESENT;
	if ((re[0] & VTD_ROOT_RSVD_LO) || re[1])
		return VTD_FAULT_ROOT_RSVD;
	ce = walk_entry(&w, re[0] & VTD_ROOT_CTP, VTD_SID_DEVFN(sid),
			ENTRY_QWORDS);
	if (!ce)
		return VTD_FAULT_CTX_TABLE;
	if (!(ce[0] & VTD_CTX_PRESENT))
		return VTD_FAULT_CTX_NOT_PRESENT;
	if ((ce[0] & VTD_CTX_RSVD_LO) || (ce[1] & VTD_CTX_RSVD_HI))
		return VTD_FAULT_CTX_RSVD;
	tt = (ce[0] & VTD_CTX_TT_MASK) >> VTD_CTX_TT_SHIFT;
	aw = ce[1] & VTD_CTX_AW_MASK;
	out->did = (ce[1] & VTD_CTX_DID_MASK) >> VTD_CTX_DID_SHIFT;
	if (tt == VTD_CTX_TT_PASSTHRU) {
		*out = (struct vtd_xlate){addr, 0, out->did, VTD_RW};
		return VTD_FAULT_NONE;
	}
	if (tt > VTD_CTX_TT_PASSTHRU || aw < VTD_CTX_AW_39 ||
	    aw > VTD_CTX_AW_57)
		return VTD_FAULT_CTX_INVALID;
	levels = aw + 2;
	if (addr >> VTD_SL_LEVEL_SHIFT(levels + 1))
		return VTD_FAULT_BEYOND_MGAW;
	return walk_sl(&w, ce[0] & VTD_CTX_SLPTPTR, levels, addr, write, out);
}
