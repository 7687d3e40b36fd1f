/*
 * vmx/vcpu_create.c - a new vCPU and its VMCS.
 * Runs on the boot CPU while a VM is built; the VMCS is VMCLEARed at the
 * end so that the physical CPU that will run it can VMPTRLD it.
 * SDM Vol. 3C, "VMCS Region" (revision identifier), "Initializing a VMCS".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"
#include "kernel/memory.h"
#include "lib/fmt.h"
#include "vmx/caps.h"
#include "vmx/vcpu_create.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"

#define VCPU_PAGES (ALIGN_UP(sizeof(struct vcpu), PAGE_SIZE) / PAGE_SIZE)
#define VPID_MAX   0xffff

static uint16_t next_vpid = 1; /* 0 is the host's */

static hpa_t vmcs_alloc(void)
{
	hpa_t pa = page_alloc_zeroed(1);

	if (pa)
		*(uint32_t *)phys_to_virt(pa) =
			(uint32_t)(rdmsr(MSR_IA32_VMX_BASIC) &
				   VMX_BASIC_REVISION_MASK);
	return pa;
}

static int vcpu_fill_vmcs(struct vcpu *v, const struct vcpu_boot *boot,
			  char *err, size_t n)
{
	struct vmcs_vm_tables t = {
		.io_bitmap_a = v->vm->io_bitmap,
		.io_bitmap_b = v->vm->io_bitmap + PAGE_SIZE,
		.msr_bitmap = v->vm->msr_bitmap,
		.eptp = ept_eptp(&v->vm->ept),
		.apic_access = v->vm->apic_access,
	};

	if (!vmcs_clear(v->vmcs) || !vmcs_load(v->vmcs)) {
		fmt_snprintf(err, n, "its VMCS could not be made current");
		return -1;
	}
	if (vmcs_setup_controls(v, &t, err, n))
		return -1;
	vmcs_setup_host(this_cpu());
	vmcs_setup_guest(v, boot);
	v->timer_saved =
		vmcs_read32(VMCS_EXIT_CONTROLS) & EXIT_SAVE_PREEMPTION_TIMER;
	return vmcs_clear(v->vmcs) ? 0 : -1;
}

struct vcpu *vcpu_create(struct vm *vm, unsigned id,
			 const struct vcpu_boot *boot, char *err, size_t n)
{
	hpa_t pa = page_alloc_zeroed(VCPU_PAGES);
	struct vcpu *v;

	if (!pa) {
		fmt_snprintf(err, n, "no memory for vCPU %u", id);
		return NULL;
	}
	v = phys_to_virt(pa);
	vm->overhead_bytes += (VCPU_PAGES + 1) * PAGE_SIZE; /* and its VMCS */
	v->vm = vm;
	v->id = id;
	v->vpid = next_vpid < VPID_MAX ? next_vpid++ : VPID_MAX;
	v->xcr0 = 1; /* x87 only, as after reset */
	v->vmcs = vmcs_alloc();
	if (!v->vmcs) {
		fmt_snprintf(err, n, "no memory for vCPU %u's VMCS", id);
		return NULL;
	}
	if (vcpu_fill_vmcs(v, boot, err, n))
		return NULL;
	v->state = VCPU_RUNNABLE;
	return v;
}

void vcpu_reset(struct vcpu *v, const struct vcpu_boot *boot)
{
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write32(VMCS_PROC_CONTROLS,
		     vmcs_read32(VMCS_PROC_CONTROLS) &
			     ~(PROC_INTERRUPT_WINDOW | PROC_NMI_WINDOW));
	v->intr_windows = 0;
	v->decode_cache.valid = false;
	vmcs_setup_guest(v, boot);
	/* a reset local APIC is in xAPIC mode at 0xFEE00000: the CPU can
	 * virtualize it again; RVI, SVI and the EOI-exit bitmap start over */
	if (v->vm->apic_access && !v->apicv)
		vcpu_apicv_switch(v, true);
	v->apicv_stale = true;
}
