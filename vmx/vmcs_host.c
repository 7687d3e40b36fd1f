/*
 * vmx/vmcs_host.c - the host-state area: what the CPU loads on every VM
 * exit. Per physical CPU (GDT, TSS, GS base differ), so it is written when
 * a vCPU's VMCS becomes current on a CPU.
 * SDM Vol. 3C, "Host-State Area", "Loading Host State".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/regs.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

extern const char vmx_exit[]; /* vmx/entry.S */

struct table_reg {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t idt_base(void)
{
	struct table_reg r;

	__asm__ volatile("sidt %0" : "=m"(r));
	return r.base;
}

void vmcs_setup_host(const struct percpu *cpu)
{
	vmcs_writen(VMCS_HOST_CR0, read_cr0());
	vmcs_writen(VMCS_HOST_CR3, read_cr3());
	vmcs_writen(VMCS_HOST_CR4, read_cr4());
	vmcs_write16(VMCS_HOST_CS_SEL, GDT_KERNEL_CS);
	vmcs_write16(VMCS_HOST_SS_SEL, GDT_KERNEL_DS);
	vmcs_write16(VMCS_HOST_DS_SEL, GDT_KERNEL_DS);
	vmcs_write16(VMCS_HOST_ES_SEL, GDT_KERNEL_DS);
	vmcs_write16(VMCS_HOST_FS_SEL, 0);
	vmcs_write16(VMCS_HOST_GS_SEL, 0);
	vmcs_write16(VMCS_HOST_TR_SEL, GDT_TSS);
	vmcs_writen(VMCS_HOST_FS_BASE, 0);
	vmcs_writen(VMCS_HOST_GS_BASE, (uint64_t)cpu);
	vmcs_writen(VMCS_HOST_TR_BASE, (uint64_t)&cpu->tables.tss);
	vmcs_writen(VMCS_HOST_GDTR_BASE, (uint64_t)cpu->tables.gdt);
	vmcs_writen(VMCS_HOST_IDTR_BASE, idt_base());
	vmcs_write32(VMCS_HOST_SYSENTER_CS, 0);
	vmcs_writen(VMCS_HOST_SYSENTER_ESP, 0);
	vmcs_writen(VMCS_HOST_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_HOST_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write64(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_writen(VMCS_HOST_RIP, (uint64_t)vmx_exit);
}
