/*
 * vmx/vcpu_state.c - switching FPU/SSE/AVX state, XCR0 and the
 * passed-through MSRs between vCPUs on one CPU.
 * Runs on the switching CPU, interrupts off.
 * SDM Vol. 1, "XSAVE-Supported Features and State-Component Bitmaps",
 * "XSAVE Area"; SDM Vol. 2, "XSAVE", "XRSTOR".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "kernel/memory.h"
#include "lib/string.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vcpu_state.h"
#include "vmx/vm.h"

#define CPUID1_ECX_XSAVE BIT(26)
#define XSAVE_ALIGN	 64
#define XSAVE_MXCSR	 24 /* "Legacy Region of an XSAVE Area" */
#define MXCSR_RESET	 0x1f80

static const uint32_t switched_msrs[6] = {
	MSR_IA32_KERNEL_GS_BASE,
	MSR_STAR,
	MSR_LSTAR,
	MSR_CSTAR,
	MSR_SFMASK,
	MSR_TSC_AUX,
};

static bool have_xsave;
static uint32_t xsave_size;
static uint64_t xcr0_all; /* every component the CPU supports */

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

void vcpu_state_cpu_init(void)
{
	struct cpuid_regs r;

	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_XSAVE))
		return;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	r = cpuid(0xd, 0);
	xcr0_all = r.eax | ((uint64_t)r.edx << 32);
	xsave_size = r.ecx; /* the size for every supported component */
	have_xsave = true;
}

int vcpu_state_init(struct vcpu *v)
{
	uint32_t size = have_xsave ? xsave_size : 512;
	uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	hpa_t pa = page_alloc_zeroed(pages);

	if (!pa)
		return -1;
	v->vm->overhead_bytes += pages * PAGE_SIZE;
	/* A zero XSAVE header means every component is in its initial
	 * state, which XRSTOR then loads (SDM "XRSTOR"); but XRSTOR, like
	 * FXRSTOR, loads MXCSR from the area whenever it restores SSE or
	 * AVX, in the initial state too: give it the reset value. */
	v->xsave_area = phys_to_virt(pa);
	*(uint32_t *)((uint8_t *)v->xsave_area + XSAVE_MXCSR) = MXCSR_RESET;
	v->xcr0 = 1;
	return 0;
}

static void save_fpu(struct vcpu *v)
{
	if (have_xsave)
		__asm__ volatile("xsave64 %0"
				 : "+m"(*(uint8_t(*)[4096])v->xsave_area)
				 : "a"((uint32_t)xcr0_all),
				   "d"((uint32_t)(xcr0_all >> 32)));
	else
		__asm__ volatile("fxsave64 %0"
				 : "=m"(*(uint8_t(*)[512])v->xsave_area));
}

static void load_fpu(struct vcpu *v)
{
	if (have_xsave) {
		__asm__ volatile(
			"xrstor64 %0" ::"m"(*(uint8_t(*)[4096])v->xsave_area),
			"a"((uint32_t)xcr0_all),
			"d"((uint32_t)(xcr0_all >> 32)));
		xsetbv0(v->xcr0);
	} else {
		__asm__ volatile(
			"fxrstor64 %0" ::"m"(*(uint8_t(*)[512])v->xsave_area));
	}
}

/*
 * XSAVE and XRSTOR handle only the components enabled in XCR0, and XCR0
 * holds what the last guest chose: a guest with XCR0 = 1 still uses SSE
 * (CR4.OSFXSR is enough), and with its XCR0 the XMM registers and MXCSR
 * would be neither saved nor restored, so the next vCPU would find and
 * overwrite them. Switch with every component enabled, then give next
 * its own XCR0.
 */
void vcpu_state_switch(struct vcpu *prev, struct vcpu *next)
{
	if (have_xsave)
		xsetbv0(xcr0_all);
	if (prev) {
		prev->regs.cr2 = read_cr2();
		save_fpu(prev);
		for (unsigned i = 0; i < ARRAY_SIZE(switched_msrs); i++)
			prev->msrs[i] = rdmsr(switched_msrs[i]);
	}
	write_cr2(next->regs.cr2);
	load_fpu(next);
	for (unsigned i = 0; i < ARRAY_SIZE(switched_msrs); i++)
		wrmsr(switched_msrs[i], next->msrs[i]);
}
