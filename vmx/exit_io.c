/*
 * vmx/exit_io.c - IN, OUT, INS and OUTS from a guest, sent to the VM's
 * port bus (drivers/virt/portbus.c).
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "Exit Qualification for I/O Instructions"; SDM Vol. 2,
 * "INS/INSB/INSW/INSD", "OUTS/OUTSB/OUTSW/OUTSD".
 *
 * String forms go through the guest's page tables (a fault is injected as
 * the CPU would) and move at most IO_STRING_BATCH elements per exit, then
 * resume the guest without skipping the instruction (RCX and RSI/RDI
 * updated), so a huge REP count cannot hold the CPU: the CPU re-executes
 * the instruction, which exits again, and the scheduler's timer still
 * fires between batches.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "lib/fmt.h"
#include "vmx/exit.h"
#include "vmx/vcpu_intr.h"
#include "vmx/guest_walk.h"
#include "vmx/vmcs.h"

/* "Exit Qualification for I/O Instructions" */
#define IO_SIZE_MASK	0x7
#define IO_DIR_IN	BIT(3)
#define IO_STRING	BIT(4)
#define IO_REP		BIT(5)
#define IO_PORT_SHIFT	16
#define IO_STRING_BATCH 256
#define RFLAGS_DF	BIT(10)

/* IN: AL and AX merge into RAX; a 32-bit IN zero-extends into RAX. The
 * bits of RAX an IN of `size` bytes keeps (the exit qualification's size
 * is 1, 2 or 4; the table covers every value its 3 bits can give). */
static const uint64_t in_keeps[IO_SIZE_MASK + 2] = {
	[1] = ~0xffULL,
	[2] = ~0xffffULL,
	[4] = 0,
};

static void io_in(struct vcpu *v, uint16_t port, unsigned size)
{
	uint32_t value = portbus_read(&v->vm->ports, port, size);

	v->regs.rax = (v->regs.rax & in_keeps[size]) | value;
}

static void io_out(struct vcpu *v, uint16_t port, unsigned size)
{
	/* the port bus keeps the low `size` bytes */
	portbus_write(&v->vm->ports, port, size, (uint32_t)v->regs.rax);
}

/* One byte of a string operand, through the guest's page tables: false
 * when the guest's CPU would take #PF (injected here). A byte with no RAM
 * behind it reads as all ones and takes no write, as on a PC. */
static bool string_byte(struct vcpu *v, uint64_t linear, bool write,
			uint8_t *byte)
{
	struct guest_paging pg;
	uint32_t pf_error;
	gpa_t gpa;
	uint8_t *p;

	vcpu_paging_state(&pg);
	switch (guest_walk(&pg, linear, write ? GW_WRITE : GW_READ,
			   vcpu_read_gpa, v->vm, &gpa, &pf_error)) {
	case GW_OK: break;
	case GW_FAULT:
		write_cr2(linear); /* the guest's, live while it runs here */
		vcpu_inject_exception(v, 14, true, pf_error);
		return false;
	default: /* the guest's page tables are not in its RAM */
		vcpu_inject_gp(v);
		return false;
	}
	p = vm_gpa_to_hva(v->vm, gpa, 1);
	if (write && p)
		*p = *byte;
	else if (write)
		__atomic_add_fetch(&v->vm->unhandled_mmio_writes, 1,
				   __ATOMIC_RELAXED);
	else
		*byte = p ? *p : 0xff;
	return true;
}

/* One element of INS/OUTS; false when a fault was injected. */
static bool io_string_one(struct vcpu *v, uint16_t port, unsigned size, bool in,
			  uint64_t linear)
{
	uint8_t bytes[4];
	uint32_t value = 0;

	if (in) {
		value = portbus_read(&v->vm->ports, port, size);
		__builtin_memcpy(bytes, &value, size);
	}
	for (unsigned i = 0; i < size; i++)
		if (!string_byte(v, linear + i, in, &bytes[i]))
			return false;
	if (!in) {
		__builtin_memcpy(&value, bytes, size);
		portbus_write(&v->vm->ports, port, size, value);
	}
	return true;
}

/* Not inlined into exit_io: the plain IN/OUT path stays short. */
static __attribute__((noinline)) enum exit_action
io_string(struct vcpu *v, uint16_t port, unsigned size, bool in, bool rep)
{
	bool df = vmcs_readn(VMCS_GUEST_RFLAGS) & RFLAGS_DF;
	uint64_t *index = in ? &v->regs.rdi : &v->regs.rsi;
	uint64_t count = rep ? v->regs.rcx : 1;
	/* ES (INS) or DS (OUTS) base is 0 in the flat models guests use; a
	 * 64-bit guest's addresses do not wrap, a 32-bit guest's at 4 GiB. */
	uint64_t addr_mask = (vmcs_read64(VMCS_GUEST_EFER) & EFER_LMA)
				     ? ~0ULL
				     : 0xffffffffULL;

	for (unsigned n = 0; count && n < IO_STRING_BATCH; n++) {
		if (!io_string_one(v, port, size, in, *index & addr_mask))
			return EXIT_RESUME; /* #PF: RCX/RSI/RDI say how far */
		*index = df ? *index - size : *index + size;
		count--;
		if (rep)
			v->regs.rcx = count;
	}
	return count ? EXIT_RESUME : EXIT_ADVANCE;
}

/* A device asked for a machine reset during this exit (0xcf9, the
 * keyboard controller), or the guest kernel said it panicked (pvpanic):
 * reset or stop, as a triple fault would. Only a write asks for one, so
 * a plain IN does not check. */
static enum exit_action io_reset_request(struct vcpu *v, enum exit_action act)
{
	char why[96];

	if (v->vm->panic_request) {
		v->vm->panic_request = false;
		return vm_guest_panicked(v) ? vcpu_intr_after(v, EXIT_RESUME)
					    : EXIT_STOP_VM;
	}
	if (!v->vm->reset_request)
		return vcpu_intr_after(v, act); /* the write raised a line? */
	fmt_snprintf(why, sizeof(why), "reset by the guest (%s)",
		     v->vm->reset_request);
	v->vm->reset_request = NULL;
	return vm_machine_reset(v, why) ? vcpu_intr_after(v, EXIT_RESUME)
					: EXIT_STOP_VM;
}

enum exit_action exit_io(struct vcpu *v)
{
	uint64_t q = vcpu_exit_qualification();
	unsigned size = (q & IO_SIZE_MASK) + 1;
	uint16_t port = (uint16_t)(q >> IO_PORT_SHIFT);
	bool in = q & IO_DIR_IN;

	if (q & IO_STRING)
		return io_reset_request(
			v, io_string(v, port, size, in, q & IO_REP));
	if (in) {
		io_in(v, port, size);
		return EXIT_ADVANCE;
	}
	io_out(v, port, size);
	return io_reset_request(v, EXIT_ADVANCE);
}
