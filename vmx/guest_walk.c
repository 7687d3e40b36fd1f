/*
 * vmx/guest_walk.c - the guest's page-table walk: guest-linear to
 * guest-physical, with the access-rights checks and the page-fault error
 * code the guest's CPU would produce.
 * Pure logic; runs in VMX root from the EPT-violation handler, and on the
 * host in the unit tests and fuzzers.
 * SDM Vol. 3A, "Paging": "Hierarchical Paging Structures: an Overview",
 * "32-Bit Paging", "PAE Paging", "4-Level Paging and 5-Level Paging",
 * "Access Rights", "Page-Fault Exceptions".
 *
 * Accessed and dirty bits are left alone. We walk only to fetch the bytes
 * of an instruction the CPU has already executed up to its data access
 * (the EPT violation happens after the CPU's own walk, which set them),
 * and to check the address of that access. Setting them again would be a
 * guest-visible write of our own, racing with the guest's other vCPUs.
 *
 * PAE paging: the CPU keeps its four PDPTEs in registers loaded at
 * MOV to CR3; this walk reads them from memory at CR3, which differs only
 * for a guest that changed its PDPT without reloading CR3.
 *
 * Not modelled: protection keys (CR4.PKE), SMAP (it needs RFLAGS.AC),
 * 5-level paging (refused as GW_UNSUPPORTED).
 */
#include "arch/x86_64/regs.h"
#include "vmx/guest_walk.h"

/* SDM Vol. 3A, "Hierarchical Paging Structures: an Overview" (entry bits) */
#define PTE_P  BIT(0)
#define PTE_RW BIT(1)
#define PTE_US BIT(2)
#define PTE_PS BIT(7)
#define PTE_XD BIT(63)

enum paging_mode { PAGING_OFF, PAGING_32, PAGING_PAE, PAGING_4LEVEL };

/* One level of a walk: the linear-address bits that index it. */
struct walk_level {
	uint8_t shift;	   /* lowest linear-address bit of the index */
	uint8_t bits;	   /* width of the index */
	bool can_map_page; /* an entry with PS = 1 maps a page here */
};

static const struct walk_level levels_32[] = {{22, 10, true}, {12, 10, 0}};
static const struct walk_level levels_pae[] = {
	{30, 2, false}, {21, 9, true}, {12, 9, false}};
static const struct walk_level levels_4level[] = {
	{39, 9, false}, {30, 9, true}, {21, 9, true}, {12, 9, false}};

/* Bits hi..lo set; none when lo > hi. */
static uint64_t bit_range(unsigned hi, unsigned lo)
{
	if (lo > hi)
		return 0;
	return (~0ULL >> (63 - hi)) & ~(BIT(lo) - 1);
}

/* SDM Vol. 3A, "Paging-Mode Enabling". */
static int paging_mode(const struct guest_paging *pg, enum paging_mode *mode)
{
	bool lma = pg->efer & EFER_LMA;

	if (!(pg->cr0 & CR0_PG))
		*mode = PAGING_OFF;
	else if (!(pg->cr4 & CR4_PAE) && !lma)
		*mode = PAGING_32;
	else if ((pg->cr4 & CR4_PAE) && !lma)
		*mode = PAGING_PAE;
	else if ((pg->cr4 & CR4_PAE) && !(pg->cr4 & CR4_LA57))
		*mode = PAGING_4LEVEL;
	else
		return GW_UNSUPPORTED; /* 5-level, or LMA without PAE */
	return GW_OK;
}

/* Reserved bits of a present entry at level lvl (0 = the top), or 0.
 * SDM Vol. 3A, the "Format of a ... Entry" tables of each paging mode. */
static uint64_t reserved_bits(enum paging_mode mode, unsigned lvl, uint64_t e,
			      const struct guest_paging *pg)
{
	unsigned m = pg->maxphyaddr;
	uint64_t xd = pg->efer & EFER_NXE ? 0 : PTE_XD;

	if (mode == PAGING_32) {
		/* 4-MByte pages: PSE-36 puts address bits 39:32 in 20:13. */
		if (lvl == 0 && (e & PTE_PS) && (pg->cr4 & CR4_PSE))
			return e &
			       (BIT(21) | bit_range(20, 13 + MIN(m, 40) - 32));
		return 0;
	}
	if (mode == PAGING_PAE) {
		if (lvl == 0)
			return e & (bit_range(63, m) | bit_range(2, 1) |
				    bit_range(8, 5));
		if (lvl == 1 && (e & PTE_PS))
			return e & (bit_range(62, m) | xd | bit_range(20, 13));
		return e & (bit_range(62, m) | xd);
	}
	/* 4-level: bits 62:52 are ignored, 51:M reserved. */
	uint64_t rsvd = bit_range(51, m) | xd;

	if (lvl == 0)
		rsvd |= PTE_PS;
	else if (lvl == 1 && (e & PTE_PS))
		rsvd |= bit_range(29, 13);
	else if (lvl == 2 && (e & PTE_PS))
		rsvd |= bit_range(20, 13);
	return e & rsvd;
}

/* Guest-physical address of the next table, or of a 4-KByte page. */
static gpa_t entry_address(enum paging_mode mode, uint64_t e, unsigned m)
{
	if (mode == PAGING_32)
		return e & 0xfffff000u;
	return e & bit_range(m - 1, 12);
}

/* Physical address of a large page (PS = 1) mapping gva. */
static gpa_t large_page_address(enum paging_mode mode, uint64_t e, unsigned m,
				unsigned shift, gva_t gva)
{
	gpa_t frame;

	if (mode == PAGING_32)
		frame = (e & 0xffc00000u) | ((e >> 13) & 0xff) << 32;
	else
		frame = e & bit_range(m - 1, shift);
	return frame | (gva & (BIT(shift) - 1));
}

/* The rights the walk collected, checked against the access.
 * SDM Vol. 3A, "Access Rights". */
struct rights {
	bool writable, user, no_exec;
};

static bool access_allowed(const struct guest_paging *pg, struct rights r,
			   unsigned access)
{
	bool user_mode = pg->cpl == 3;

	if (user_mode && !r.user)
		return false;
	if ((access & GW_WRITE) && !r.writable &&
	    (user_mode || (pg->cr0 & CR0_WP)))
		return false;
	if ((access & GW_FETCH) && r.no_exec)
		return false;
	if ((access & GW_FETCH) && !user_mode && r.user && (pg->cr4 & CR4_SMEP))
		return false;
	return true;
}

/* SDM Vol. 3A, "Page-Fault Exceptions". */
static uint32_t pf_error_code(const struct guest_paging *pg, unsigned access,
			      uint32_t cause)
{
	uint32_t err = cause;

	if (access & GW_WRITE)
		err |= PF_ERR_W;
	if (pg->cpl == 3)
		err |= PF_ERR_U;
	if ((access & GW_FETCH) &&
	    ((pg->cr4 & CR4_SMEP) ||
	     ((pg->cr4 & CR4_PAE) && (pg->efer & EFER_NXE))))
		err |= PF_ERR_I;
	return err;
}

static int walk_fault(const struct guest_paging *pg, unsigned access,
		      uint32_t cause, uint32_t *pf_error)
{
	*pf_error = pf_error_code(pg, access, cause);
	return GW_FAULT;
}

static bool canonical48(gva_t gva)
{
	uint64_t top = gva >> 47;

	return top == 0 || top == 0x1ffff;
}

static int walk_tables(const struct guest_paging *pg, enum paging_mode mode,
		       gva_t gva, unsigned access, gpa_read_fn read, void *ctx,
		       gpa_t *out, uint32_t *pf_error)
{
	const struct walk_level *levels = levels_4level;
	unsigned nlevels = ARRAY_SIZE(levels_4level);
	unsigned entry_size = 8, m = pg->maxphyaddr;
	gpa_t table = entry_address(mode, pg->cr3, m);
	struct rights r = {true, true, false};

	if (mode == PAGING_32) {
		levels = levels_32, nlevels = ARRAY_SIZE(levels_32);
		entry_size = 4;
	} else if (mode == PAGING_PAE) {
		levels = levels_pae, nlevels = ARRAY_SIZE(levels_pae);
		table = pg->cr3 & 0xffffffe0u;
	}
	for (unsigned lvl = 0; lvl < nlevels; lvl++) {
		const struct walk_level *l = &levels[lvl];
		uint64_t index = (gva >> l->shift) & (BIT(l->bits) - 1);
		uint64_t e = 0;

		if (!read(ctx, table + index * entry_size, &e, entry_size))
			return GW_BAD_TABLE;
		if (!(e & PTE_P))
			return walk_fault(pg, access, 0, pf_error);
		if (reserved_bits(mode, lvl, e, pg))
			return walk_fault(pg, access, PF_ERR_P | PF_ERR_RSVD,
					  pf_error);
		/* PAE PDPTEs carry no access rights. */
		if (!(mode == PAGING_PAE && lvl == 0)) {
			r.writable &= !!(e & PTE_RW);
			r.user &= !!(e & PTE_US);
			r.no_exec |= (e & PTE_XD) && (pg->efer & EFER_NXE);
		}
		bool large = l->can_map_page && (e & PTE_PS) &&
			     (mode != PAGING_32 || (pg->cr4 & CR4_PSE));

		if (large || lvl == nlevels - 1) {
			if (!access_allowed(pg, r, access))
				return walk_fault(pg, access, PF_ERR_P,
						  pf_error);
			*out = large ? large_page_address(mode, e, m, l->shift,
							  gva)
				     : entry_address(mode, e, m) |
					       (gva & (PAGE_SIZE - 1));
			return GW_OK;
		}
		table = entry_address(mode, e, m);
	}
	return GW_BAD_TABLE; /* not reached: the last level maps a page */
}

int guest_walk(const struct guest_paging *pg, gva_t gva, unsigned access,
	       gpa_read_fn read, void *ctx, gpa_t *out, uint32_t *pf_error)
{
	enum paging_mode mode;
	int err = paging_mode(pg, &mode);

	if (err)
		return err;
	if (pg->maxphyaddr < 32 || pg->maxphyaddr > 52)
		return GW_UNSUPPORTED;
	if (mode == PAGING_4LEVEL && !canonical48(gva))
		return GW_NONCANONICAL;
	if (mode != PAGING_4LEVEL)
		gva &= 0xffffffffu; /* linear addresses are 32 bits wide */
	if (mode == PAGING_OFF) {
		*out = gva;
		return GW_OK;
	}
	return walk_tables(pg, mode, gva, access, read, ctx, out, pf_error);
}

int guest_read_linear(const struct guest_paging *pg, gva_t gva, void *buf,
		      size_t len, unsigned access, gpa_read_fn read, void *ctx,
		      uint32_t *pf_error, gva_t *fault_gva)
{
	uint8_t *dst = buf;

	while (len > 0) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		gpa_t gpa;
		int err =
			guest_walk(pg, gva, access, read, ctx, &gpa, pf_error);

		if (err == GW_FAULT)
			*fault_gva = gva;
		if (err)
			return err;
		if (!read(ctx, gpa, dst, chunk))
			return GW_BAD_MEMORY;
		dst += chunk, gva += chunk, len -= chunk;
	}
	return GW_OK;
}

const char *guest_walk_result_name(int result)
{
	static const char *const names[] = {
		[GW_OK] = "ok",
		[GW_FAULT] = "page fault",
		[GW_BAD_TABLE] = "paging structure outside guest memory",
		[GW_BAD_MEMORY] = "address outside guest memory",
		[GW_NONCANONICAL] = "non-canonical address",
		[GW_UNSUPPORTED] = "unsupported paging mode",
	};

	if (result < 0 || (size_t)result >= ARRAY_SIZE(names))
		return "?";
	return names[result];
}
