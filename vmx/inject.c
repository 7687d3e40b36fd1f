/*
 * vmx/inject.c - giving the guest an exception, and the small vCPU
 * queries the exit handlers share (CPL, register dump).
 * Runs on the vCPU's CPU, VMCS current.
 * SDM Vol. 3C, "VM-Entry Controls for Event Injection", "Guest-State
 * Area" (SS.DPL is the CPL).
 */
#define LOG_PREFIX ""
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/guest_walk.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"

/* Exceptions that push an error code (SDM Vol. 3A, "Exception and
 * Interrupt Reference"). */
static bool exception_has_error(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
	       vector == 21;
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error_code)
{
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

	(void)v;
	if (has_error && exception_has_error(vector)) {
		info |= INTR_INFO_DELIVER_ERROR;
		vmcs_write32(VMCS_ENTRY_EXC_ERROR, error_code);
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

/* CPUID.80000008H:EAX[7:0], read once: it does not change. */
static unsigned maxphyaddr(void)
{
	static unsigned bits;

	if (!bits)
		bits = cpuid(0x80000008, 0).eax & 0xff;
	return bits;
}

void vcpu_paging_state(struct guest_paging *pg)
{
	pg->cr0 = vmcs_readn(VMCS_GUEST_CR0);
	pg->cr3 = vmcs_readn(VMCS_GUEST_CR3);
	pg->cr4 = vmcs_readn(VMCS_GUEST_CR4) & ~CR4_VMXE;
	pg->efer = vmcs_read64(VMCS_GUEST_EFER);
	pg->cpl = vcpu_cpl();
	pg->maxphyaddr = maxphyaddr();
}

bool vcpu_read_gpa(void *ctx, gpa_t gpa, void *buf, size_t len)
{
	void *p = vm_gpa_to_hva(ctx, gpa, len);

	if (p)
		memcpy(buf, p, len);
	return p != NULL;
}

unsigned vcpu_cpl(void)
{
	return (vmcs_read32(VMCS_GUEST_AR(SEG_SS)) >> 5) & 3;
}

uint64_t vcpu_gpr(struct vcpu *v, enum gpr r)
{
	if ((r & 15) == GPR_RSP)
		return vmcs_readn(VMCS_GUEST_RSP);
	return v->regs.gpr[r & 15];
}

void vcpu_set_gpr(struct vcpu *v, enum gpr r, uint64_t value)
{
	if ((r & 15) == GPR_RSP)
		vmcs_writen(VMCS_GUEST_RSP, value);
	else
		v->regs.gpr[r & 15] = value;
}

void vcpu_dump(struct vcpu *v)
{
	const struct guest_regs *g = &v->regs;
	const char *name = v->vm->name;

	pr_err("%s: vCPU %u: rip %016lx rsp %016lx rflags %08lx cpl %u", name,
	       v->id, (unsigned long)vmcs_readn(VMCS_GUEST_RIP),
	       (unsigned long)vmcs_readn(VMCS_GUEST_RSP),
	       (unsigned long)vmcs_readn(VMCS_GUEST_RFLAGS), vcpu_cpl());
	pr_err("%s: rax %016lx rbx %016lx rcx %016lx rdx %016lx", name, g->rax,
	       g->rbx, g->rcx, g->rdx);
	pr_err("%s: rsi %016lx rdi %016lx rbp %016lx cr2 %016lx", name, g->rsi,
	       g->rdi, g->rbp, read_cr2());
	pr_err("%s: cr0 %08lx cr3 %08lx cr4 %08lx efer %lx cs %04x ss %04x",
	       name, (unsigned long)vmcs_readn(VMCS_CR0_SHADOW),
	       (unsigned long)vmcs_readn(VMCS_GUEST_CR3),
	       (unsigned long)vmcs_readn(VMCS_CR4_SHADOW),
	       (unsigned long)vmcs_read64(VMCS_GUEST_EFER),
	       vmcs_read16(VMCS_GUEST_SEL(SEG_CS)) & 0xffff,
	       vmcs_read16(VMCS_GUEST_SEL(SEG_SS)) & 0xffff);
}
