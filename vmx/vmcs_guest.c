/*
 * vmx/vmcs_guest.c - a vCPU's initial guest-state area.
 * Runs once per vCPU, VMCS current.
 * SDM Vol. 3C, "Guest-State Area", "Checks on Guest Segment Registers";
 * Multiboot Specification, "Machine state"; Multiboot2 Specification,
 * "I386 machine state".
 */
#include "arch/x86_64/regs.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

/* SDM Vol. 3C, "Guest-State Area": segment access rights */
#define AR_CODE32_FLAT 0xc09b /* present, code exec/read, accessed, D, G */
#define AR_DATA32_FLAT 0xc093 /* present, data read/write, accessed, D, G */
#define AR_TSS32_BUSY  0x008b
#define AR_UNUSABLE    BIT(16)
#define FLAT_LIMIT     0xffffffffu
#define PAT_POWER_ON   0x0007040600070406ULL
#define DR7_POWER_ON   0x400
#define RFLAGS_FIXED   0x2

struct seg_init {
	uint16_t selector;
	uint32_t limit;
	uint32_t ar;
};

/* Multiboot: flat 32-bit code and data; "the exact values are all
 * undefined" for selectors, so any that fit the GDT a guest loads. */
static const struct seg_init multiboot_segs[SEG_COUNT] = {
	[SEG_ES] = {0x10, FLAT_LIMIT, AR_DATA32_FLAT},
	[SEG_CS] = {0x08, FLAT_LIMIT, AR_CODE32_FLAT},
	[SEG_SS] = {0x10, FLAT_LIMIT, AR_DATA32_FLAT},
	[SEG_DS] = {0x10, FLAT_LIMIT, AR_DATA32_FLAT},
	[SEG_FS] = {0x10, FLAT_LIMIT, AR_DATA32_FLAT},
	[SEG_GS] = {0x10, FLAT_LIMIT, AR_DATA32_FLAT},
	[SEG_LDTR] = {0, 0, AR_UNUSABLE},
	[SEG_TR] = {0, 0xff, AR_TSS32_BUSY},
};

static void setup_segments(const struct seg_init *segs)
{
	for (unsigned s = 0; s < SEG_COUNT; s++) {
		vmcs_write_checked(VMCS_GUEST_SEL(s), segs[s].selector,
				   __FILE__, __LINE__);
		vmcs_write_checked(VMCS_GUEST_LIMIT(s), segs[s].limit, __FILE__,
				   __LINE__);
		vmcs_write_checked(VMCS_GUEST_AR(s), segs[s].ar, __FILE__,
				   __LINE__);
		vmcs_write_checked(VMCS_GUEST_BASE(s), 0, __FILE__, __LINE__);
	}
}

static void setup_common(void)
{
	vmcs_writen(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writen(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, 0xffff);
	vmcs_writen(VMCS_GUEST_DR7, DR7_POWER_ON);
	vmcs_writen(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write64(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write64(VMCS_GUEST_PAT, PAT_POWER_ON);
	vmcs_write64(VMCS_GUEST_EFER, 0);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writen(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writen(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
}

void vmcs_setup_guest_multiboot(struct vcpu *v, uint32_t entry, uint32_t eax,
				uint32_t ebx)
{
	uint64_t cr0 = CR0_PE | BIT(4) /* ET */;

	setup_segments(multiboot_segs);
	setup_common();
	/* The guest sees CR0 and CR4 as it set them; the bits VMX needs
	 * (CR0.NE, CR4.VMXE) are set underneath and shadowed. */
	vmcs_writen(VMCS_GUEST_CR0, cr0 | CR0_NE);
	vmcs_writen(VMCS_CR0_SHADOW, cr0);
	vmcs_writen(VMCS_GUEST_CR3, 0);
	vmcs_writen(VMCS_GUEST_CR4, CR4_VMXE);
	vmcs_writen(VMCS_CR4_SHADOW, 0);
	vmcs_writen(VMCS_GUEST_RIP, entry);
	vmcs_writen(VMCS_GUEST_RSP, 0);
	vmcs_writen(VMCS_GUEST_RFLAGS, RFLAGS_FIXED);
	v->regs = (struct guest_regs){.rax = eax, .rbx = ebx};
}
