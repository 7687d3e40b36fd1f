/*
 * vmx/vmcs.c - VMREAD, VMWRITE, VMCLEAR, VMPTRLD with their failures
 * checked. VMX root operation, on the CPU that owns the VMCS.
 * SDM Vol. 3C, "Conventions" (VMfailInvalid: CF=1; VMfailValid: ZF=1,
 * error number in the VM-instruction error field).
 */
#define LOG_PREFIX "vmcs: "
#include "lib/log.h"
#include "lib/panic.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_error.h"

uint32_t vmcs_insn_error(void)
{
	uint64_t value = 0;

	__asm__ volatile("vmread %1, %0"
			 : "=rm"(value)
			 : "r"((uint64_t)VMCS_INSN_ERROR)
			 : "cc");
	return (uint32_t)value;
}

/* The VM-instruction error, or -1 when there is no current VMCS to hold
 * one (VMfailInvalid). */
static int64_t insn_error_or_invalid(void)
{
	uint64_t value = 0;
	bool failed;

	__asm__ volatile("vmread %[f], %[v]"
			 : [v] "=r"(value), "=@ccbe"(failed)
			 : [f] "r"((uint64_t)VMCS_INSN_ERROR));
	return failed ? -1 : (int64_t)(uint32_t)value;
}

void vmcs_access_failed(const char *insn, uint32_t field, const char *file,
			int line)
{
	int64_t err = insn_error_or_invalid();

	panic_at(file, line, "%s of VMCS field 0x%x failed: %s", insn, field,
		 err < 0 ? "VMfailInvalid (no current VMCS)"
			 : vmx_error_string((uint32_t)err));
}

/* VMCLEAR and VMPTRLD take a VMCS's physical address in memory. */
#define VMX_PTR_INSN(insn, pa, cf, zf)              \
	__asm__ volatile(insn " %[p]"               \
			 : "=@ccc"(cf), "=@ccz"(zf) \
			 : [p] "m"(pa)              \
			 : "memory")

static bool vmx_ptr_result(const char *insn, hpa_t vmcs, bool cf, bool zf)
{
	if (cf || zf)
		pr_err("%s 0x%lx failed: %s", insn, (unsigned long)vmcs,
		       cf ? "VMfailInvalid"
			  : vmx_error_string(vmcs_insn_error()));
	return !(cf || zf);
}

bool vmcs_clear(hpa_t vmcs)
{
	bool cf, zf;

	VMX_PTR_INSN("vmclear", vmcs, cf, zf);
	return vmx_ptr_result("VMCLEAR", vmcs, cf, zf);
}

bool vmcs_load(hpa_t vmcs)
{
	bool cf, zf;

	VMX_PTR_INSN("vmptrld", vmcs, cf, zf);
	return vmx_ptr_result("VMPTRLD", vmcs, cf, zf);
}
