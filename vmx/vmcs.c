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

bool vmcs_clear(hpa_t vmcs)
{
	bool cf, zf;

	__asm__ volatile("vmclear %[p]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [p] "m"(vmcs)
			 : "memory");
	if (cf || zf)
		pr_err("VMCLEAR 0x%lx failed: %s", (unsigned long)vmcs,
		       cf ? "VMfailInvalid"
			  : vmx_error_string(vmcs_insn_error()));
	return !(cf || zf);
}

bool vmcs_load(hpa_t vmcs)
{
	bool cf, zf;

	__asm__ volatile("vmptrld %[p]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [p] "m"(vmcs)
			 : "memory");
	if (cf || zf)
		pr_err("VMPTRLD 0x%lx failed: %s", (unsigned long)vmcs,
		       cf ? "VMfailInvalid"
			  : vmx_error_string(vmcs_insn_error()));
	return !(cf || zf);
}
