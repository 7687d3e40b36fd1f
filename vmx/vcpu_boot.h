/*
 * vmx/vcpu_boot.h - the state a guest loader asks a vCPU to start in:
 * its mode, entry point, registers and control registers. Filled by
 * vmx/vm.c from what a loader returned, written into the VMCS by
 * vmx/vmcs_guest.c. Pure definition; host tests use it too.
 * Multiboot Specifications, "Machine state"; Linux
 * Documentation/x86/boot.rst, "64-bit BOOT PROTOCOL".
 */
#ifndef VMX_VCPU_BOOT_H
#define VMX_VCPU_BOOT_H

#include "lib/types.h"

/* The CPU modes a guest can be started in; vmx/vmcs_guest.c has one
 * segment table per mode. */
enum vcpu_boot_mode {
	VCPU_BOOT_PROTECTED32, /* flat 32-bit protected mode, paging off */
	VCPU_BOOT_LONG64,      /* 64-bit mode: paging on, CS.L = 1 */
	VCPU_BOOT_REAL16,      /* real mode, segment bases = selector << 4:
				* an AP after INIT and STARTUP */
	VCPU_BOOT_MODES,
};

struct vcpu_boot {
	enum vcpu_boot_mode mode;
	uint64_t rip, rsp;
	uint64_t rax, rbx, rsi; /* the loader's hand-over registers */
	/* As the guest reads them (the bits VT-x needs, CR0.NE and
	 * CR4.VMXE, are added underneath). In LONG64 mode, CR0.PG|PE,
	 * CR4.PAE and EFER.LME|LMA are required. */
	uint64_t cr0, cr3, cr4, efer;
	gpa_t gdt_base; /* 0 with limit 0xffff: no GDT in guest memory */
	uint16_t gdt_limit;
	uint16_t cs, ds; /* selectors: CS, and DS ES SS FS GS */
};

/* A CPU after INIT and a STARTUP IPI with this vector (SDM Vol. 3A,
 * "MP Initialization Protocol Algorithm", "Processor State After
 * Reset"): real mode, CS = vector << 8 (base vector << 12), IP = 0,
 * CR0 = ET, flags, IDT limit 0xffff. */
#define VCPU_BOOT_CR0_INIT 0x10 /* CR0.ET */

static inline void vcpu_boot_sipi(struct vcpu_boot *b, uint8_t vector)
{
	*b = (struct vcpu_boot){.mode = VCPU_BOOT_REAL16,
				.cr0 = VCPU_BOOT_CR0_INIT,
				.gdt_limit = 0xffff,
				.cs = (uint16_t)(vector << 8)};
}

#endif
