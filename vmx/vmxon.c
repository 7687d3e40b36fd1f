/*
 * vmx/vmxon.c - VMXON on the calling CPU.
 * Runs on each CPU once during start-up, interrupts off. The decisions
 * are in vmx/caps.c (pure logic); this file is the hardware seam.
 * SDM Vol. 3C, "Enabling and Entering VMX Operation", "VMXON Region",
 * "Restrictions on VMX Operation".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "kernel/memory.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "vmx/vmxon.h"

static uint64_t hw_rdmsr(uint32_t msr)
{
	return rdmsr(msr);
}

static void hw_wrmsr(uint32_t msr, uint64_t value)
{
	wrmsr(msr, value);
}

uint64_t vmx_guest_cr4_allowed;
bool vmx_ept_large_pages;
bool vmx_apicv;

static const struct msr_ops hw_msr_ops = {hw_rdmsr, hw_wrmsr};

static void cpu_vendor(char vendor[12], uint32_t *cpuid1_ecx)
{
	struct cpuid_regs r = cpuid(0, 0);

	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	*cpuid1_ecx = cpuid(1, 0).ecx;
}

/* VMXON: CF=1 is VMfailInvalid (SDM Vol. 3C, "Conventions"). */
static bool vmxon(hpa_t region)
{
	uint8_t failed;

	__asm__ volatile("vmxon %1; setbe %0"
			 : "=qm"(failed)
			 : "m"(region)
			 : "cc", "memory");
	return !failed;
}

static int vmx_enter(struct percpu *cpu, const struct vmx_caps *caps)
{
	hpa_t region = page_alloc_zeroed(1);

	if (!region) {
		fmt_snprintf(cpu->vmx_error, sizeof(cpu->vmx_error),
			     "no memory for the VMXON region");
		return -1;
	}
	*(volatile uint32_t *)phys_to_virt(region) = caps->revision;
	write_cr0(
		vmx_fixed_bits(read_cr0(), caps->cr0_fixed0, caps->cr0_fixed1));
	write_cr4(vmx_fixed_bits(read_cr4() | CR4_VMXE, caps->cr4_fixed0,
				 caps->cr4_fixed1));
	if (!vmxon(region)) {
		write_cr4(read_cr4() & ~CR4_VMXE);
		page_free(region, 1);
		fmt_snprintf(cpu->vmx_error, sizeof(cpu->vmx_error),
			     "VMXON failed (VMfailInvalid): the VMXON region "
			     "or CR0/CR4 were refused");
		return -1;
	}
	cpu->vmxon_region = region;
	return 0;
}

int vmx_cpu_enable(struct percpu *cpu, struct vmx_caps *caps)
{
	char *err = cpu->vmx_error;
	size_t n = sizeof(cpu->vmx_error);
	char vendor[12];
	uint32_t ecx;

	cpu_vendor(vendor, &ecx);
	if (vmx_check_cpuid(vendor, ecx, err, n) ||
	    vmx_feature_control(&hw_msr_ops, err, n))
		return -1;
	vmx_caps_read(&hw_msr_ops, caps);
	if (vmx_caps_check(caps, err, n) || vmx_enter(cpu, caps))
		return -1;
	cpu->vmx_on = true;
	vmx_guest_cr4_allowed = caps->cr4_fixed1;
	vmx_ept_large_pages = caps->ept_2m;
	vmx_apicv = caps->apicv;
	return 0;
}
