/*
 * vmx/exit_ept.c - EPT violations: the guest touched a guest-physical
 * address its EPT does not map. Its RAM is mapped whole, so this is an
 * address with nothing behind it, or a device window on the VM's MMIO
 * bus (drivers/virt/mmiobus.c; docs/virtio.md). A device gets the
 * access; elsewhere a PC answers reads with all ones and drops the
 * writes, and so do we (counting them).
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "EPT Violations", "Exit Qualification for EPT Violations".
 *
 * The exit gives no instruction length for EPT violations, so the
 * instruction is fetched through the guest's own page tables
 * (vmx/guest_walk.c) and decoded (vmx/decode.c); RIP then moves past it.
 * An instruction we cannot emulate stops the VM with its bytes.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "drivers/virt/mmiobus.h"
#include "lib/string.h"
#include "vmx/decode.h"
#include "vmx/exit.h"
#include "vmx/guest_walk.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"

#define INSN_MAX  15
#define AR_L	  BIT(13) /* CS access rights: 64-bit code segment */
#define AR_DB	  BIT(14) /* CS access rights: default operation size 32 */
#define RFLAGS_DF BIT(10)

static enum decode_mode guest_mode(void)
{
	uint32_t ar = vmcs_read32(VMCS_GUEST_AR(SEG_CS));

	if ((vmcs_read64(VMCS_GUEST_EFER) & EFER_LMA) && (ar & AR_L))
		return DECODE_MODE_64;
	return (ar & AR_DB) ? DECODE_MODE_32 : DECODE_MODE_16;
}

/* Fetch up to 15 bytes at CS:RIP; fewer near the end of RAM. */
/* With paging off, linear addresses are guest-physical: copy straight
 * from the VM's RAM (up to its end). */
static size_t fetch_unpaged(struct vcpu *v, uint64_t linear, uint8_t *buf)
{
	uint64_t end = v->vm->ram_size;
	size_t n;

	linear &= 0xffffffffULL; /* paging off: 32-bit linear addresses */
	if (linear >= end)
		return 0;
	n = (size_t)MIN((uint64_t)INSN_MAX, end - linear);
	memcpy(buf, vm_gpa_to_hva(v->vm, linear, n), n);
	return n;
}

static size_t fetch_insn(struct vcpu *v, uint8_t *buf)
{
	struct guest_paging pg;
	uint64_t rip = vmcs_readn(VMCS_GUEST_RIP) +
		       vmcs_readn(VMCS_GUEST_BASE(SEG_CS));
	uint32_t pf;
	gva_t fault;

	if (!(vmcs_readn(VMCS_GUEST_CR0) & CR0_PG))
		return fetch_unpaged(v, rip, buf);
	vcpu_paging_state(&pg);
	for (size_t n = INSN_MAX; n > 0; n--)
		if (guest_read_linear(&pg, rip, buf, n, GW_FETCH, vcpu_read_gpa,
				      v->vm, &pf, &fault) == GW_OK)
			return n;
	return 0;
}

static uint64_t all_ones(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* Emulate d against "nothing": loads get all ones, stores vanish. */
static bool emulate_nothing(struct vcpu *v, const struct decoded *d)
{
	/* The decoder works on the register file in place (struct
	 * guest_regs is in x86 order); only RSP lives elsewhere. */
	uint64_t *gpr = v->regs.gpr;

	gpr[GPR_RSP] = vmcs_readn(VMCS_GUEST_RSP);
	if (d->dir == DECODE_DIR_READ) {
		if (!decode_emulate_read(d, all_ones(d->size), gpr))
			return false;
	} else if (d->dir == DECODE_DIR_WRITE) {
		__atomic_add_fetch(&v->vm->unhandled_mmio_writes, 1,
				   __ATOMIC_RELAXED);
		if (d->kind == DECODE_STOS &&
		    !decode_string_advance(
			    d, gpr, vmcs_readn(VMCS_GUEST_RFLAGS) & RFLAGS_DF))
			return false;
	} else {
		return false; /* read-modify-write: needs flags, not yet */
	}
	vmcs_writen(VMCS_GUEST_RSP, gpr[GPR_RSP]);
	return true;
}

/* A device's window: MOV loads (also MOVZX/MOVSX) and MOV stores go to
 * the device; anything else (read-modify-write, STOS) stops the VM. */
static bool is_device_access(const struct decoded *d)
{
	if (d->dir == DECODE_DIR_READ)
		return d->kind == DECODE_MOV || d->kind == DECODE_MOVZX ||
		       d->kind == DECODE_MOVSX;
	return d->dir == DECODE_DIR_WRITE && d->kind == DECODE_MOV;
}

static enum exit_action emulate_device(struct vcpu *v, const struct decoded *d,
				       struct mmio_device *dev, gpa_t gpa)
{
	uint64_t *gpr = v->regs.gpr, value;

	if (!is_device_access(d)) {
		vm_stop(v->vm,
			"%s of device %s at guest-physical 0x%lx (rip 0x%lx): "
			"only MOV loads and stores reach a device",
			decode_kind_name(d->kind), dev->name,
			(unsigned long)gpa,
			(unsigned long)vmcs_readn(VMCS_GUEST_RIP));
		return EXIT_STOP_VM;
	}
	gpr[GPR_RSP] = vmcs_readn(VMCS_GUEST_RSP);
	if (d->dir == DECODE_DIR_READ) {
		decode_emulate_read(d, mmiobus_read(dev, gpa, d->size), gpr);
	} else {
		decode_write_value(d, gpr, &value);
		mmiobus_write(dev, gpa, d->size, value);
	}
	vmcs_writen(VMCS_GUEST_RSP, gpr[GPR_RSP]);
	vcpu_skip_insn_len(v, d->len);
	return EXIT_RESUME;
}

/* The vCPU's local APIC page or the VM's IOAPIC (vmx/vcpu_intr.c):
 * the same MOV accesses as a device; false when gpa is not theirs. */
static bool emulate_intc(struct vcpu *v, const struct decoded *d, gpa_t gpa,
			 enum exit_action *act)
{
	uint64_t *gpr = v->regs.gpr, value = 0;
	bool write = d->dir == DECODE_DIR_WRITE;

	if (!is_device_access(d))
		return false;
	gpr[GPR_RSP] = vmcs_readn(VMCS_GUEST_RSP);
	if (write)
		decode_write_value(d, gpr, &value);
	if (!vcpu_intr_mmio(v, gpa, write, d->size, &value))
		return false;
	if (!write)
		decode_emulate_read(d, value, gpr);
	vmcs_writen(VMCS_GUEST_RSP, gpr[GPR_RSP]);
	vcpu_skip_insn_len(v, d->len);
	*act = vcpu_intr_after(v, EXIT_RESUME);
	return true;
}

/* Decode, or reuse the last decoding when the same bytes come back in
 * the same mode (a driver polling a device register runs the same
 * instruction again and again). The decoding depends on nothing else:
 * the effective address is computed later from the live registers. */
static enum decode_status decode_cached(struct vcpu *v, const uint8_t *bytes,
					size_t n, struct decoded *d)
{
	struct decode_cache *c = &v->decode_cache;
	enum decode_mode mode = guest_mode();
	enum decode_status st;

	if (c->valid && c->d.mode == mode && c->d.len <= n &&
	    memcmp(c->bytes, bytes, c->d.len) == 0) {
		*d = c->d;
		return DECODE_OK;
	}
	st = decode_insn(bytes, n, mode, d);
	c->valid = st == DECODE_OK;
	if (c->valid) {
		c->d = *d;
		memcpy(c->bytes, bytes, d->len);
	}
	return st;
}

enum exit_action exit_ept_violation(struct vcpu *v)
{
	return exit_mmio_at(v, vmcs_read64(VMCS_GUEST_PHYS_ADDR));
}

enum exit_action exit_mmio_at(struct vcpu *v, gpa_t gpa)
{
	uint8_t bytes[INSN_MAX];
	size_t n = fetch_insn(v, bytes);
	struct decoded d;
	enum decode_status st;

	if (!n) {
		vm_stop(v->vm,
			"access to 0x%lx with nothing behind it from an "
			"instruction that cannot be fetched (rip 0x%lx)",
			(unsigned long)gpa,
			(unsigned long)vmcs_readn(VMCS_GUEST_RIP));
		return EXIT_STOP_VM;
	}
	st = decode_cached(v, bytes, n, &d);
	if (st == DECODE_OK) {
		struct mmio_device *dev =
			mmiobus_find(&v->vm->mmio, gpa, d.size);

		enum exit_action act;

		if (dev)
			return emulate_device(v, &d, dev, gpa);
		if (emulate_intc(v, &d, gpa, &act))
			return act;
	}
	if (st != DECODE_OK || !emulate_nothing(v, &d)) {
		vm_stop(v->vm,
			"access to guest-physical 0x%lx (nothing there) by an "
			"instruction the hypervisor cannot emulate (%s, bytes "
			"%02x %02x %02x %02x at rip 0x%lx)",
			(unsigned long)gpa,
			st == DECODE_OK ? decode_kind_name(d.kind)
					: decode_status_name(st),
			bytes[0], n > 1 ? bytes[1] : 0, n > 2 ? bytes[2] : 0,
			n > 3 ? bytes[3] : 0,
			(unsigned long)vmcs_readn(VMCS_GUEST_RIP));
		return EXIT_STOP_VM;
	}
	vcpu_skip_insn_len(v, d.len);
	return EXIT_RESUME;
}
