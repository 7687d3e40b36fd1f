/*
 * vmx/exit_cr.c - control-register accesses that exit: writes that touch
 * a CR0 or CR4 bit the hypervisor owns (CR0.NE/CD/NW, CR4.VMXE), and CR8.
 * The checks a CPU makes on MOV to CR0/CR4 are made here too, so a bad
 * value gives the guest #GP exactly as hardware would.
 * Runs on the vCPU's CPU in a VM exit.
 * SDM Vol. 3C, "Exit Qualification for Control-Register Accesses";
 * SDM Vol. 3A, "Control Registers"; SDM Vol. 2B, "MOV—Move to/from
 * Control Registers".
 */
#include "arch/x86_64/regs.h"
#include "vmx/exit.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmxon.h"

/* "Exit Qualification for Control-Register Accesses" */
#define CR_NUMBER(q) ((q)&0xf)
#define CR_ACCESS(q) (((q) >> 4) & 3)
#define CR_GPR(q)    (((q) >> 8) & 0xf)
#define CR_MOV_TO    0
#define CR_MOV_FROM  1
#define CR0_RESERVED 0xffffffff1ffaffc0ULL
#define CR4_PCIDE    BIT(17)

/* CR4 bits a guest may set: what the CPU supports (CR4_FIXED1) minus the
 * ones we hide. */
static uint64_t cr4_allowed(void)
{
	return vmx_guest_cr4_allowed & ~CR4_VMXE;
}

static bool cr0_valid(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	if (cr0 & CR0_RESERVED)
		return false;
	if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
		return false;
	if ((cr0 & CR0_NW) && !(cr0 & CR0_CD))
		return false;
	if ((cr0 & CR0_PG) && (efer & EFER_LME) && !(cr4 & CR4_PAE))
		return false;
	return true;
}

/* Turning paging on or off with EFER.LME set enters or leaves IA-32e
 * mode: EFER.LMA and the "IA-32e mode guest" entry control follow. */
static void update_long_mode(uint64_t cr0)
{
	uint64_t efer = vmcs_read64(VMCS_GUEST_EFER);
	uint32_t entry = vmcs_read32(VMCS_ENTRY_CONTROLS);

	if ((cr0 & CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= ENTRY_IA32E_MODE_GUEST;
	} else {
		efer &= ~EFER_LMA;
		entry &= ~ENTRY_IA32E_MODE_GUEST;
	}
	vmcs_write64(VMCS_GUEST_EFER, efer);
	vmcs_write32(VMCS_ENTRY_CONTROLS, entry);
}

static bool write_cr0(uint64_t value)
{
	uint64_t cr4 = vmcs_readn(VMCS_CR4_SHADOW);

	if (!cr0_valid(value, cr4, vmcs_read64(VMCS_GUEST_EFER)))
		return false;
	vmcs_writen(VMCS_CR0_SHADOW, value);
	/* Caches stay on underneath (CD/NW are the host's), NE is fixed. */
	vmcs_writen(VMCS_GUEST_CR0, (value & ~(CR0_CD | CR0_NW)) | CR0_NE);
	update_long_mode(value);
	return true;
}

static bool write_cr4(uint64_t value)
{
	bool long_mode = vmcs_read64(VMCS_GUEST_EFER) & EFER_LMA;

	if (value & ~cr4_allowed())
		return false; /* includes VMXE: no VMX inside a VM */
	if (long_mode && !(value & CR4_PAE))
		return false;
	if (!long_mode && (value & CR4_PCIDE))
		return false;
	vmcs_writen(VMCS_CR4_SHADOW, value);
	vmcs_writen(VMCS_GUEST_CR4, value | CR4_VMXE);
	return true;
}

static enum exit_action mov_to_cr(struct vcpu *v, unsigned cr, uint64_t value)
{
	bool ok;

	switch (cr) {
	case 0: ok = write_cr0(value); break;
	case 4: ok = write_cr4(value); break;
	case 8:
		ok = !(value & ~0xfULL);
		if (ok) {
			vcpu_intr_set_cr8(v, value);
			return vcpu_intr_after(v, EXIT_ADVANCE);
		}
		break;
	default:
		vm_stop(v->vm, "unexpected exit for MOV to CR%u", cr);
		return EXIT_STOP_VM;
	}
	if (!ok) {
		vcpu_inject_gp(v);
		return EXIT_RESUME;
	}
	return EXIT_ADVANCE;
}

enum exit_action exit_cr_access(struct vcpu *v)
{
	uint64_t q = vcpu_exit_qualification();
	unsigned cr = CR_NUMBER(q);
	enum gpr reg = (enum gpr)CR_GPR(q);

	switch (CR_ACCESS(q)) {
	case CR_MOV_TO: return mov_to_cr(v, cr, vcpu_gpr(v, reg));
	case CR_MOV_FROM:
		if (cr == 8) {
			vcpu_set_gpr(v, reg, vcpu_intr_cr8(v));
			return EXIT_ADVANCE;
		}
		break;
	default: break;
	}
	vm_stop(v->vm, "unexpected control-register exit (qualification 0x%lx)",
		(unsigned long)q);
	return EXIT_STOP_VM;
}
