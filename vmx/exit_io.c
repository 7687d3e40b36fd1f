/*
 * vmx/exit_io.c - IN, OUT, INS and OUTS from a guest, sent to the VM's
 * port bus (drivers/virt/portbus.c).
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "Exit Qualification for I/O Instructions"; SDM Vol. 2,
 * "INS/INSB/INSW/INSD", "OUTS/OUTSB/OUTSW/OUTSD".
 *
 * String forms move at most IO_STRING_BATCH elements per exit and then
 * resume the guest without skipping the instruction (RCX and RSI/RDI
 * updated), so a huge REP count cannot hold the CPU: the CPU re-executes
 * the instruction, which exits again, and the scheduler's timer still
 * fires between batches.
 */
#include "arch/x86_64/regs.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"

/* "Exit Qualification for I/O Instructions" */
#define IO_SIZE_MASK	0x7
#define IO_DIR_IN	BIT(3)
#define IO_STRING	BIT(4)
#define IO_REP		BIT(5)
#define IO_PORT_SHIFT	16
#define IO_STRING_BATCH 256
#define RFLAGS_DF	BIT(10)

static void io_simple(struct vcpu *v, uint16_t port, unsigned size, bool in)
{
	uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;

	if (in) {
		uint64_t value = portbus_read(&v->vm->ports, port, size);

		/* A 32-bit IN zero-extends into RAX; narrower ones merge. */
		if (size == 4)
			v->regs.rax = value;
		else
			v->regs.rax = (v->regs.rax & ~mask) | value;
	} else {
		portbus_write(&v->vm->ports, port, size,
			      (uint32_t)(v->regs.rax & mask));
	}
}

/* Guest-physical address of a string operand; paging must be off or the
 * operand identity-mapped for now (the guest page walk comes with the
 * MMIO decoder). */
static bool string_address(struct vcpu *v, uint64_t linear, gpa_t *gpa)
{
	if (vmcs_readn(VMCS_CR0_SHADOW) & CR0_PG)
		return false;
	*gpa = linear;
	return true;
}

/* One element of INS/OUTS; false when the memory operand is not RAM. */
static bool io_string_one(struct vcpu *v, uint16_t port, unsigned size, bool in,
			  uint64_t linear)
{
	gpa_t gpa;
	void *p;

	if (!string_address(v, linear, &gpa))
		return false;
	p = vm_gpa_to_hva(v->vm, gpa, size);
	if (!p)
		return false;
	if (in) {
		uint32_t value = portbus_read(&v->vm->ports, port, size);

		__builtin_memcpy(p, &value, size);
	} else {
		uint32_t value = 0;

		__builtin_memcpy(&value, p, size);
		portbus_write(&v->vm->ports, port, size, value);
	}
	return true;
}

static enum exit_action io_string(struct vcpu *v, uint16_t port, unsigned size,
				  bool in, bool rep)
{
	int64_t step = (vmcs_readn(VMCS_GUEST_RFLAGS) & RFLAGS_DF)
			       ? -(int64_t)size
			       : (int64_t)size;
	uint64_t *index = in ? &v->regs.rdi : &v->regs.rsi;
	uint64_t count = rep ? v->regs.rcx : 1;

	/* Protected-mode flat segments only: the segment bases are 0 for the
	 * guests we start; a 32-bit guest's addresses wrap at 4 GiB. */
	for (unsigned n = 0; count && n < IO_STRING_BATCH; n++) {
		if (!io_string_one(v, port, size, in, *index & 0xffffffffULL)) {
			vm_stop(v->vm,
				"%s at port 0x%x with a memory operand at "
				"0x%lx "
				"outside the VM's RAM",
				in ? "INS" : "OUTS", port,
				(unsigned long)*index);
			return EXIT_STOP_VM;
		}
		*index += step;
		count--;
		if (rep)
			v->regs.rcx = count;
	}
	return count ? EXIT_RESUME : EXIT_ADVANCE;
}

enum exit_action exit_io(struct vcpu *v)
{
	uint64_t q = v->exit_qualification;
	unsigned size = (q & IO_SIZE_MASK) + 1;
	uint16_t port = (uint16_t)(q >> IO_PORT_SHIFT);
	bool in = q & IO_DIR_IN;

	if (q & IO_STRING)
		return io_string(v, port, size, in, q & IO_REP);
	io_simple(v, port, size, in);
	return EXIT_ADVANCE;
}
