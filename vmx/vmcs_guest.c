/*
 * vmx/vmcs_guest.c - a vCPU's initial guest-state area.
 * Runs once per vCPU, VMCS current.
 * One table of segment registers per start mode (vmx/vcpu_boot.h): the
 * loader says the mode, registers and control registers.
 * SDM Vol. 3C, "Guest-State Area", "Checks on Guest Segment Registers";
 * Multiboot Specification, "Machine state"; Multiboot2 Specification,
 * "I386 machine state"; Linux Documentation/x86/boot.rst, "64-bit BOOT
 * PROTOCOL".
 */
#include "arch/x86_64/regs.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

/* SDM Vol. 3C, "Guest-State Area": segment access rights */
#define AR_CODE32_FLAT 0xc09b /* present, code exec/read, accessed, D, G */
#define AR_CODE64_FLAT 0xa09b /* present, code exec/read, accessed, L, G */
#define AR_DATA32_FLAT 0xc093 /* present, data read/write, accessed, D, G */
#define AR_TSS_BUSY    0x008b /* busy TSS: 32-bit, or 64-bit in IA-32e */
#define AR_UNUSABLE    BIT(16)
#define AR_CODE16      0x009b /* present, code exec/read, accessed */
#define AR_DATA16      0x0093 /* present, data read/write, accessed */
#define REAL_LIMIT     0xffffu
#define FLAT_LIMIT     0xffffffffu
#define PAT_POWER_ON   0x0007040600070406ULL
#define DR7_POWER_ON   0x400
#define RFLAGS_FIXED   0x2

/* Which selector of the boot state a segment register gets. */
enum seg_sel {
	SEL_NULL,
	SEL_CODE, /* vcpu_boot.cs */
	SEL_DATA, /* vcpu_boot.ds */
};

struct seg_init {
	enum seg_sel sel;
	uint32_t limit;
	uint32_t ar;
};

/* Every start mode's segment registers, as the cached state a loaded
 * descriptor would give (the GDT a loader writes must agree).
 * Multiboot: flat 32-bit code and data ("the exact values are all
 * undefined" for selectors). Linux 64-bit: CS = __BOOT_CS, a 64-bit
 * code segment; DS ES SS = __BOOT_DS, flat data; FS and GS too. */
static const struct seg_init mode_segs[VCPU_BOOT_MODES][SEG_COUNT] = {
	[VCPU_BOOT_PROTECTED32] =
		{
			[SEG_ES] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_CS] = {SEL_CODE, FLAT_LIMIT, AR_CODE32_FLAT},
			[SEG_SS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_DS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_FS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_GS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_LDTR] = {SEL_NULL, 0, AR_UNUSABLE},
			[SEG_TR] = {SEL_NULL, 0xff, AR_TSS_BUSY},
		},
	[VCPU_BOOT_LONG64] =
		{
			[SEG_ES] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_CS] = {SEL_CODE, FLAT_LIMIT, AR_CODE64_FLAT},
			[SEG_SS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_DS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_FS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_GS] = {SEL_DATA, FLAT_LIMIT, AR_DATA32_FLAT},
			[SEG_LDTR] = {SEL_NULL, 0, AR_UNUSABLE},
			[SEG_TR] = {SEL_NULL, 0xff, AR_TSS_BUSY},
		},
	/* SDM Vol. 3A, "Processor State After Reset" (INIT), with CS
	 * from the STARTUP vector ("MP Initialization Protocol
	 * Algorithm"): 64 KiB segments, TR a busy TSS as VMX requires of
	 * an unrestricted guest */
	[VCPU_BOOT_REAL16] =
		{
			[SEG_ES] = {SEL_DATA, REAL_LIMIT, AR_DATA16},
			[SEG_CS] = {SEL_CODE, REAL_LIMIT, AR_CODE16},
			[SEG_SS] = {SEL_DATA, REAL_LIMIT, AR_DATA16},
			[SEG_DS] = {SEL_DATA, REAL_LIMIT, AR_DATA16},
			[SEG_FS] = {SEL_DATA, REAL_LIMIT, AR_DATA16},
			[SEG_GS] = {SEL_DATA, REAL_LIMIT, AR_DATA16},
			[SEG_LDTR] = {SEL_NULL, 0xffff, AR_UNUSABLE},
			[SEG_TR] = {SEL_NULL, 0xffff, AR_TSS_BUSY},
		},
};

static uint16_t seg_selector(enum seg_sel sel, const struct vcpu_boot *b)
{
	return sel == SEL_CODE ? b->cs : sel == SEL_DATA ? b->ds : 0;
}

static void setup_segments(const struct vcpu_boot *b)
{
	const struct seg_init *segs = mode_segs[b->mode];

	for (unsigned s = 0; s < SEG_COUNT; s++) {
		uint16_t sel = seg_selector(segs[s].sel, b);
		/* real mode: base = selector * 16; flat modes: 0 */
		uint64_t base =
			b->mode == VCPU_BOOT_REAL16 ? (uint64_t)sel << 4 : 0;

		vmcs_write_checked(VMCS_GUEST_SEL(s), sel, __FILE__, __LINE__);
		vmcs_write_checked(VMCS_GUEST_LIMIT(s), segs[s].limit, __FILE__,
				   __LINE__);
		vmcs_write_checked(VMCS_GUEST_AR(s), segs[s].ar, __FILE__,
				   __LINE__);
		vmcs_write_checked(VMCS_GUEST_BASE(s), base, __FILE__,
				   __LINE__);
	}
}

static void setup_common(const struct vcpu_boot *b)
{
	vmcs_writen(VMCS_GUEST_GDTR_BASE, b->gdt_base);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, b->gdt_limit);
	vmcs_writen(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, 0xffff);
	vmcs_writen(VMCS_GUEST_DR7, DR7_POWER_ON);
	vmcs_writen(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write64(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write64(VMCS_GUEST_PAT, PAT_POWER_ON);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writen(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writen(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
}

/* EFER as given, and the "IA-32e mode guest" entry control with it
 * (SDM Vol. 3C, "Checks on Guest Control Registers, Debug Registers,
 * and MSRs": it must equal EFER.LMA). */
static void setup_efer(const struct vcpu_boot *b)
{
	uint32_t entry = vmcs_read32(VMCS_ENTRY_CONTROLS);

	if (b->efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE_GUEST;
	else
		entry &= ~ENTRY_IA32E_MODE_GUEST;
	vmcs_write32(VMCS_ENTRY_CONTROLS, entry);
	vmcs_write64(VMCS_GUEST_EFER, b->efer);
}

void vmcs_setup_guest(struct vcpu *v, const struct vcpu_boot *b)
{
	setup_segments(b);
	setup_common(b);
	setup_efer(b);
	/* The guest sees CR0 and CR4 as the loader set them; the bits VMX
	 * needs (CR0.NE, CR4.VMXE) are set underneath and shadowed. */
	vmcs_writen(VMCS_GUEST_CR0, b->cr0 | CR0_NE);
	vmcs_writen(VMCS_CR0_SHADOW, b->cr0);
	vmcs_writen(VMCS_GUEST_CR3, b->cr3);
	vmcs_writen(VMCS_GUEST_CR4, b->cr4 | CR4_VMXE);
	vmcs_writen(VMCS_CR4_SHADOW, b->cr4);
	vmcs_writen(VMCS_GUEST_RIP, b->rip);
	vmcs_writen(VMCS_GUEST_RSP, b->rsp);
	vmcs_writen(VMCS_GUEST_RFLAGS, RFLAGS_FIXED);
	v->regs = (struct guest_regs){
		.rax = b->rax, .rbx = b->rbx, .rsi = b->rsi};
}
