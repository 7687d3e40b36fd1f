/*
 * tests/unit/test_vtd_unit.c - drivers/iommu/vtd_unit.c (a VT-d
 * remapping unit driven through its registers), on the host, against a
 * fake register file that behaves as the spec describes: commands are
 * acknowledged in the status register only after a few reads, the
 * invalidation registers report their actual granularity, fault records
 * clear when their F bit is written. The fake also enforces the rules
 * software must follow (one Global Command bit per write, no one-shot
 * bit repeated, translation enabled only with a root table set, a root
 * table address written before SRTP, no invalidation written while one
 * is running) and logs each command, so a test checks the exact order.
 * Intel Virtualization Technology for Directed I/O Architecture
 * Specification: "Global Command Register", "Global Status Register",
 * "Context Command Register", "IOTLB Invalidate Register", "Fault
 * Status Register", "Fault Recording Registers"; for vtd_assign.c
 * (a device given to a domain on a live unit, tables in a small page
 * arena): "Caching Mode", "Guidance to Software for Invalidations".
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/iommu/vtd_assign.h"
#include "drivers/iommu/vtd_unit.h"

/* The fake unit's registers, written out from the spec's bit layout. */
#define F_CAP                                                             \
	(2ULL /* ND: 256 domains */ | 0x4ULL << 8 /* SAGAW: 48-bit */ |   \
	 47ULL << 16 /* MGAW */ | 0x22ULL << 24 /* FRO: 0x220 */ |        \
	 1ULL << 34 /* SLLPS 2 MiB */ | 3ULL << 40 /* NFR: 4 records */ | \
	 1ULL << 54 /* DWD */ | 1ULL << 55 /* DRD */)
#define F_ECAP	  (0x50ULL << 8) /* IRO: 0x500; C = 0 */
#define F_IOTLB	  0x508
#define F_FRCD	  0x220
#define GSTS_TES  0x80000000U
#define GSTS_RTPS 0x40000000U
#define GSTS_WBFS 0x08000000U

struct fake {
	uint8_t regs[4096];
	uint32_t gsts, gsts_next;
	unsigned gsts_wait; /* reads before gsts_next shows */
	unsigned delay;
	bool never_ack, refuse;
	uint64_t root; /* latched by SRTP */
	bool root_set;
	uint64_t ccmd, iotlb;
	unsigned ccmd_wait, iotlb_wait;
	char log[32][64];
	unsigned nlog;
	char violation[128];
	uint32_t last_gcmd;
};

static struct fake fk;

static void note(const char *fmt, ...)
{
	va_list ap;

	assert_true(fk.nlog < 32);
	va_start(ap, fmt);
	vsnprintf(fk.log[fk.nlog++], 64, fmt, ap);
	va_end(ap);
}

static void violate(const char *what)
{
	if (!fk.violation[0])
		snprintf(fk.violation, sizeof(fk.violation), "%s", what);
}

static uint64_t reg64(unsigned off)
{
	uint64_t v;

	memcpy(&v, fk.regs + off, 8);
	return v;
}

static void set_reg64(unsigned off, uint64_t v)
{
	memcpy(fk.regs + off, &v, 8);
}

static uint32_t reg32(unsigned off)
{
	uint32_t v;

	memcpy(&v, fk.regs + off, 4);
	return v;
}

static void set_reg32(unsigned off, uint32_t v)
{
	memcpy(fk.regs + off, &v, 4);
}

static bool any_fault(void)
{
	for (unsigned i = 0; i < 4; i++)
		if (reg64(F_FRCD + 16 * i + 8) >> 63)
			return true;
	return false;
}

static uint32_t f_read32(void *ctx, unsigned off)
{
	if (off == 0x1c) {
		if (fk.gsts_wait && !fk.never_ack && --fk.gsts_wait == 0)
			fk.gsts = fk.gsts_next;
		return fk.gsts;
	}
	if (off == 0x34) /* PPF: some record has F */
		return (reg32(off) & ~2U) | (any_fault() ? 2 : 0);
	return reg32(off);
}

/* An invalidation register: busy for `wait` reads, then done, with the
 * actual granularity (at ashift) equal to the requested one (rshift). */
static uint64_t inval_read(uint64_t *v, unsigned *wait, unsigned rshift,
			   unsigned ashift)
{
	if (*wait && !fk.never_ack && --*wait == 0) {
		*v &= ~(1ULL << 63);
		if (!fk.refuse)
			*v |= ((*v >> rshift) & 3) << ashift;
	}
	return *v;
}

static uint64_t f_read64(void *ctx, unsigned off)
{
	if (off == 0x28)
		return inval_read(&fk.ccmd, &fk.ccmd_wait, 61, 59);
	if (off == F_IOTLB)
		return inval_read(&fk.iotlb, &fk.iotlb_wait, 60, 57);
	return reg64(off);
}

static void gcmd(uint32_t v)
{
	uint32_t persistent_changed = (v ^ fk.gsts) & (GSTS_TES | 0x17800000U);
	uint32_t one_shot =
		v & (GSTS_RTPS | 0x20000000U | GSTS_WBFS | 0x01000000U);
	unsigned commands = __builtin_popcount(persistent_changed) +
			    __builtin_popcount(one_shot);

	fk.last_gcmd = v;
	if (fk.gsts_wait)
		violate("GCMD written before the last command was "
			"acknowledged");
	if (commands != 1)
		violate("GCMD write is not exactly one command");
	fk.gsts_next = fk.gsts & ~(GSTS_RTPS | GSTS_WBFS);
	if (persistent_changed & GSTS_TES) {
		if ((v & GSTS_TES) && !fk.root_set)
			violate("translation enabled without a root table");
		note("TE %s", v & GSTS_TES ? "on" : "off");
		fk.gsts_next = (fk.gsts_next & ~GSTS_TES) | (v & GSTS_TES);
	}
	if (one_shot & GSTS_RTPS) {
		if (!reg64(0x20))
			violate("SRTP with no root table address");
		fk.root = reg64(0x20);
		fk.root_set = true;
		note("SRTP 0x%llx", (unsigned long long)fk.root);
		fk.gsts_next |= GSTS_RTPS;
	}
	if (one_shot & GSTS_WBFS) {
		note("WBF");
		fk.gsts |= GSTS_WBFS; /* busy until done */
	}
	fk.gsts_wait = fk.delay;
	if (!fk.delay)
		fk.gsts = fk.gsts_next;
}

static void f_write32(void *ctx, unsigned off, uint32_t v)
{
	if (off == 0x18) {
		gcmd(v);
	} else if (off == 0x34) { /* RW1C */
		set_reg32(off, reg32(off) & ~(v & 0x75U));
	} else if (off >= F_FRCD && off < F_FRCD + 64 && off % 16 == 12) {
		if (v >> 31) /* F is RW1C */
			set_reg32(off, reg32(off) & 0x7fffffffU);
	} else {
		set_reg32(off, v);
	}
}

static void f_write64(void *ctx, unsigned off, uint64_t v)
{
	if (off == 0x28) {
		if (fk.ccmd >> 63)
			violate("CCMD written while busy");
		fk.ccmd = v & ~(3ULL << 59);
		fk.ccmd_wait = fk.delay + 1;
		if ((v >> 61 & 3) == 1)
			note("CC global");
		else
			note("CC device did=%u sid=0x%04x fm=%u",
			     (unsigned)(v & 0xffff),
			     (unsigned)(v >> 16 & 0xffff),
			     (unsigned)(v >> 32 & 3));
		if (!(v >> 63))
			violate("CCMD without ICC");
	} else if (off == F_IOTLB) {
		if (fk.iotlb >> 63)
			violate("IOTLB written while busy");
		fk.iotlb = v & ~(3ULL << 57);
		fk.iotlb_wait = fk.delay + 1;
		note("IOTLB %s did=%u%s%s",
		     (v >> 60 & 3) == 1 ? "global" : "domain",
		     (unsigned)(v >> 32 & 0xffff), v >> 49 & 1 ? " DR" : "",
		     v >> 48 & 1 ? " DW" : "");
		if (!(v >> 63))
			violate("IOTLB without IVT");
	} else {
		set_reg64(off, v);
	}
}

static const struct vtd_mmio_ops mmio = {f_read32, f_read64, f_write32,
					 f_write64, NULL};

static int setup(void **state)
{
	memset(&fk, 0, sizeof(fk));
	set_reg32(0x00, 0x10); /* version 1.0 */
	set_reg64(0x08, F_CAP);
	set_reg64(0x10, F_ECAP);
	fk.delay = 3;
	return 0;
}

static void assert_log(const char *const *want, unsigned n)
{
	for (unsigned i = 0; i < fk.nlog || i < n; i++) {
		const char *got = i < fk.nlog ? fk.log[i] : "(nothing)";

		if (i >= n || strcmp(got, want[i]) != 0)
			fail_msg("command %u: \"%s\", expected \"%s\"", i, got,
				 i < n ? want[i] : "(nothing)");
	}
}

static void assert_rules_kept(void)
{
	if (fk.violation[0])
		fail_msg("rule broken: %s", fk.violation);
}

static void probe(struct vtd_unit *u)
{
	char err[128];

	assert_int_equal(vtd_unit_probe(u, &mmio, 1, err, sizeof(err)), 0);
	u->poll_limit = 100;
}

static void test_probe_decodes_capabilities(void **state)
{
	struct vtd_unit u;

	probe(&u);
	assert_int_equal(u.domains, 256);
	assert_int_equal(u.addr_width, 48);
	assert_int_equal(u.iotlb_reg, 0x500);
	assert_int_equal(u.fault_reg, 0x220);
	assert_int_equal(u.fault_count, 4);
	assert_false(u.coherent);
	assert_true(u.large_pages);
	assert_false(u.caching_mode);
	assert_false(u.rwbf);
}

static void assert_probe_fails(const char *want)
{
	struct vtd_unit u;
	char err[128] = "";

	assert_int_equal(vtd_unit_probe(&u, &mmio, 1, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
}

static void test_probe_refusals(void **state)
{
	set_reg32(0x00, 0xffffffff);
	assert_probe_fails("no remapping unit answers (VER_REG 0xffffffff)");
	set_reg32(0x00, 0x10);
	set_reg64(0x08, (F_CAP & ~(0x1fULL << 8)) | 2ULL << 8);
	assert_probe_fails("no 4-level (48-bit) tables: SAGAW 0x2");
	set_reg64(0x08, F_CAP);
	set_reg64(0x10, 0x3f8ULL << 8 | 1); /* IRO past the page */
	assert_probe_fails("IOTLB registers at 0x3f80 outside");
	set_reg64(0x10, F_ECAP);
	set_reg64(0x08, (F_CAP & ~(0x3ffULL << 24)) | 0xffULL << 24);
	assert_probe_fails("4 fault records at 0xff0 outside");
}

/* The whole bring-up, in the order the spec requires, each command
 * acknowledged before the next. */
static void test_start_sequence(void **state)
{
	struct vtd_unit u;
	static const char *const want[] = {"SRTP 0x7654000", "CC global",
					   "IOTLB global did=0 DR DW", "TE on"};

	set_reg32(0x34, 1); /* an old overflow */
	probe(&u);
	assert_int_equal(vtd_unit_start(&u, 0x7654000), 0);
	assert_log(want, 4);
	assert_rules_kept();
	assert_int_equal(fk.root, 0x7654000);
	assert_int_equal(fk.gsts & GSTS_TES, GSTS_TES);
	assert_int_equal(reg32(0x38), 0x80000000U); /* fault IRQ masked */
	assert_int_equal(reg32(0x34) & 1, 0);	    /* PFO cleared */
}

/* Firmware left translation on with its own tables: off first. */
static void test_start_after_firmware(void **state)
{
	struct vtd_unit u;
	static const char *const want[] = {"TE off", "SRTP 0x1000", "CC global",
					   "IOTLB global did=0 DR DW", "TE on"};

	fk.gsts = GSTS_TES | GSTS_RTPS;
	fk.root_set = true;
	probe(&u);
	assert_int_equal(vtd_unit_start(&u, 0x1000), 0);
	assert_log(want, 5);
	assert_rules_kept();
}

/* Commands on a running unit keep TE set in every GCMD write and never
 * repeat SRTP. */
static void test_commands_keep_translation_on(void **state)
{
	struct vtd_unit u;
	static const char *const want[] = {"SRTP 0x2000",
					   "CC global",
					   "IOTLB global did=0 DR DW",
					   "TE on",
					   "WBF",
					   "SRTP 0x3000",
					   "CC device did=5 sid=0x0310 fm=0",
					   "IOTLB domain did=7 DR DW"};

	probe(&u);
	assert_int_equal(vtd_unit_start(&u, 0x2000), 0);
	assert_int_equal(vtd_unit_flush_write_buffer(&u), 0); /* no RWBF */
	u.rwbf = true;
	assert_int_equal(vtd_unit_flush_write_buffer(&u), 0);
	assert_int_equal(fk.last_gcmd, GSTS_TES | GSTS_WBFS);
	assert_int_equal(vtd_unit_set_root(&u, 0x3000), 0);
	assert_int_equal(fk.last_gcmd, GSTS_TES | GSTS_RTPS);
	assert_int_equal(vtd_unit_inval_context_device(&u, 5, 0x0310), 0);
	assert_int_equal(vtd_unit_inval_iotlb_domain(&u, 7), 0);
	assert_log(want, 8);
	assert_rules_kept();
	assert_int_equal(fk.gsts & GSTS_TES, GSTS_TES);
	assert_int_equal(vtd_unit_disable(&u), 0);
	assert_int_equal(fk.gsts & GSTS_TES, 0);
	assert_rules_kept();
}

/* A unit that never acknowledges, or refuses an invalidation. */
static void test_stuck_and_refused(void **state)
{
	struct vtd_unit u;

	probe(&u);
	fk.never_ack = true;
	assert_int_equal(vtd_unit_set_root(&u, 0x1000), -1);
	memset(&fk, 0, sizeof(fk));
	setup(NULL);
	probe(&u);
	fk.refuse = true;
	assert_int_equal(vtd_unit_inval_context_global(&u), -1);
	assert_int_equal(vtd_unit_inval_iotlb_global(&u), -1);
	fk.refuse = false;
	assert_int_equal(vtd_unit_inval_iotlb_global(&u), 0);
}

static void put_fault(unsigned i, uint64_t page, uint16_t sid, bool read,
		      unsigned reason)
{
	set_reg64(F_FRCD + 16 * i, page);
	set_reg64(F_FRCD + 16 * i + 8, 1ULL << 63 | (uint64_t)read << 62 |
					       (uint64_t)reason << 32 | sid);
}

static void test_faults(void **state)
{
	struct vtd_unit u;
	struct vtd_fault f;

	probe(&u);
	assert_false(vtd_unit_next_fault(&u, &f));
	/* Two faults from record 3 on (the ring wraps to 0), and an
	 * overflow. */
	put_fault(3, 0x12345000, 0x0310, false, VTD_FAULT_NO_WRITE);
	put_fault(0, 0xfee00000, 0x00fa, true, VTD_FAULT_CTX_NOT_PRESENT);
	set_reg32(0x34, 3 << 8 | 1);
	assert_true(vtd_unit_next_fault(&u, &f));
	assert_int_equal(f.page, 0x12345000);
	assert_int_equal(f.sid, 0x0310);
	assert_true(f.write);
	assert_int_equal(f.reason, 5);
	assert_true(f.overflowed);
	assert_int_equal(reg32(0x34) & 1, 0);
	assert_int_equal(reg64(F_FRCD + 3 * 16 + 8) >> 63, 0);
	assert_true(vtd_unit_next_fault(&u, &f));
	assert_int_equal(f.page, 0xfee00000);
	assert_int_equal(f.sid, 0x00fa);
	assert_false(f.write);
	assert_int_equal(f.reason, 2);
	assert_false(f.overflowed);
	assert_false(vtd_unit_next_fault(&u, &f));
	assert_string_equal(vtd_fault_reason_name(6),
			    "read of a page without read access");
	assert_string_equal(vtd_fault_reason_name(0), "unknown fault reason");
	assert_string_equal(vtd_fault_reason_name(200), "unknown fault reason");
}

/* ---- a device given to a domain on a running unit (vtd_assign.c) ---- */

#define ARENA_BASE  0x7000000ULL
#define ARENA_PAGES 16

static uint8_t arena[ARENA_PAGES][4096] __attribute__((aligned(4096)));
static bool arena_used[ARENA_PAGES];

static hpa_t arena_alloc(void *ctx)
{
	for (unsigned i = 0; i < ARENA_PAGES; i++) {
		if (arena_used[i])
			continue;
		arena_used[i] = true;
		memset(arena[i], 0, 4096);
		return ARENA_BASE + i * 4096ULL;
	}
	return 0;
}

static void arena_free(void *ctx, hpa_t pa)
{
	arena_used[(pa - ARENA_BASE) / 4096] = false;
}

static void *arena_ptr(void *ctx, hpa_t pa)
{
	return arena[(pa - ARENA_BASE) / 4096];
}

static const void *arena_read(void *ctx, hpa_t pa)
{
	if (pa < ARENA_BASE || pa >= ARENA_BASE + ARENA_PAGES * 4096ULL)
		return NULL;
	return arena[(pa - ARENA_BASE) / 4096] + pa % 4096;
}

static const struct vtd_mem_ops arena_ops = {arena_alloc, arena_free, arena_ptr,
					     NULL, NULL};

/* A started unit, a root table and domain 5 mapping 2 MiB of a VM's RAM
 * at guest-physical 0; the log holds only what follows. */
static void live_unit(struct vtd_unit *u, struct vtd_root *r,
		      struct vtd_domain *d)
{
	const struct vtd_range ram = {0, 0x40000000, 2 * MIB};

	memset(arena_used, 0, sizeof(arena_used));
	probe(u);
	assert_int_equal(vtd_root_init(r, &arena_ops), 0);
	assert_int_equal(vtd_unit_start(u, vtd_root_rtaddr(r)), 0);
	assert_int_equal(
		vtd_domain_build(d, &arena_ops, 5, true, &ram, 1, NULL), 0);
	fk.nlog = 0;
}

static void assert_walk(const struct vtd_root *r, uint16_t sid, uint64_t addr,
			unsigned reason)
{
	struct vtd_xlate x;

	assert_int_equal(vtd_translate(arena_read, NULL, vtd_root_rtaddr(r),
				       sid, addr, true, &x),
			 reason);
}

/* Not present -> present: the device's context-cache entry, then the
 * domain's IOTLB; TE stays on throughout. Present -> not present: the
 * same with the old domain. The DMA walk follows. */
static void test_assign_sequence(void **state)
{
	struct vtd_unit u;
	struct vtd_root r;
	struct vtd_domain d;
	static const char *const want[] = {
		"CC device did=5 sid=0x0310 fm=0", "IOTLB domain did=5 DR DW",
		"CC device did=5 sid=0x0310 fm=0", "IOTLB domain did=5 DR DW",
		"IOTLB domain did=5 DR DW"};

	live_unit(&u, &r, &d);
	assert_walk(&r, 0x0310, 0x1000, VTD_FAULT_ROOT_NOT_PRESENT);
	assert_int_equal(vtd_assign(&u, &r, 0x0310, &d), 0);
	assert_walk(&r, 0x0310, 0x1000, VTD_FAULT_NONE);
	assert_walk(&r, 0x0310, 2 * MIB, VTD_FAULT_NO_WRITE);
	assert_int_equal(vtd_assign(&u, &r, 0x0310, &d), -1); /* has one */
	assert_int_equal(vtd_unassign(&u, &r, 0x0310), 0);
	assert_walk(&r, 0x0310, 0x1000, VTD_FAULT_CTX_NOT_PRESENT);
	assert_int_equal(vtd_unassign(&u, &r, 0x0310), -1); /* had none */
	assert_int_equal(vtd_domain_changed(&u, 5), 0);
	assert_log(want, 5);
	assert_rules_kept();
	assert_int_equal(fk.gsts & GSTS_TES, GSTS_TES);
	vtd_domain_destroy(&d);
	vtd_root_destroy(&r);
}

/* Caching mode: the unit cached the not-present entry under domain id
 * 0, so that is the id to invalidate at assign; an RWBF unit flushes
 * its write buffer before each invalidation. */
static void test_assign_caching_mode_and_rwbf(void **state)
{
	struct vtd_unit u;
	struct vtd_root r;
	struct vtd_domain d;
	static const char *const want[] = {
		"WBF",
		"CC device did=0 sid=0x00a8 fm=0",
		"IOTLB domain did=5 DR DW",
		"WBF",
		"CC device did=5 sid=0x00a8 fm=0",
		"IOTLB domain did=5 DR DW",
	};

	live_unit(&u, &r, &d);
	u.caching_mode = true;
	u.rwbf = true;
	assert_int_equal(vtd_assign(&u, &r, 0x00a8, &d), 0);
	assert_int_equal(vtd_unassign(&u, &r, 0x00a8), 0);
	assert_log(want, 6);
	assert_rules_kept();
	vtd_domain_destroy(&d);
	vtd_root_destroy(&r);
}

/* A unit that refuses the invalidation: the entry is cleared again, so
 * the tables never say more than the unit confirmed. */
static void test_assign_refused(void **state)
{
	struct vtd_unit u;
	struct vtd_root r;
	struct vtd_domain d;

	live_unit(&u, &r, &d);
	fk.refuse = true;
	assert_int_equal(vtd_assign(&u, &r, 0x0310, &d), -1);
	assert_int_equal(vtd_attached_did(&r, 0x0310), -1);
	assert_walk(&r, 0x0310, 0x1000, VTD_FAULT_CTX_NOT_PRESENT);
	vtd_domain_destroy(&d);
	vtd_root_destroy(&r);
}

/* The log's words for a unit and a fault. */
static void test_describe_and_fault_line(void **state)
{
	struct vtd_unit u;
	struct vtd_fault f = {0x0210, 0x10000000, true, VTD_FAULT_NO_WRITE,
			      false};
	char buf[256];

	probe(&u);
	vtd_unit_describe(&u, buf, sizeof(buf));
	assert_string_equal(buf,
			    "VT-d 1.0, SAGAW 0x4 (4-level tables), MGAW 48 "
			    "bits, 2 MiB pages, 256 domains, caching mode off, "
			    "page walks not snooped (tables flushed), 4 fault "
			    "records");
	vtd_fault_format(&f, buf, sizeof(buf));
	assert_string_equal(buf, "device 02:02.0 write to 0x10000000: reason "
				 "5 (write to a page without write access)");
	f = (struct vtd_fault){0x00fa, 0xfee00000, false,
			       VTD_FAULT_CTX_NOT_PRESENT, true};
	vtd_fault_format(&f, buf, sizeof(buf));
	assert_string_equal(buf, "device 00:1f.2 read of 0xfee00000: reason 2 "
				 "(context entry not present); faults were "
				 "lost before this one");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_decodes_capabilities, setup),
		cmocka_unit_test_setup(test_probe_refusals, setup),
		cmocka_unit_test_setup(test_start_sequence, setup),
		cmocka_unit_test_setup(test_start_after_firmware, setup),
		cmocka_unit_test_setup(test_commands_keep_translation_on,
				       setup),
		cmocka_unit_test_setup(test_stuck_and_refused, setup),
		cmocka_unit_test_setup(test_faults, setup),
		cmocka_unit_test_setup(test_assign_sequence, setup),
		cmocka_unit_test_setup(test_assign_caching_mode_and_rwbf,
				       setup),
		cmocka_unit_test_setup(test_assign_refused, setup),
		cmocka_unit_test_setup(test_describe_and_fault_line, setup),
	};
	return cmocka_run_group_tests_name("vtd_unit", tests, NULL, NULL);
}
