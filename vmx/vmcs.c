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

/* 0 success, 1 VMfailInvalid, 2 VMfailValid */
static int vmx_result(bool cf, bool zf)
{
	return cf ? 1 : zf ? 2 : 0;
}

uint32_t vmcs_insn_error(void)
{
	uint64_t value = 0;

	__asm__ volatile("vmread %1, %0"
			 : "=rm"(value)
			 : "r"((uint64_t)VMCS_INSN_ERROR)
			 : "cc");
	return (uint32_t)value;
}

static void vmx_insn_failed(const char *insn, uint32_t field, int result,
			    const char *file, int line)
{
	uint32_t err = result == 2 ? vmcs_insn_error() : 0;

	panic_at(file, line, "%s of VMCS field 0x%x failed: %s", insn, field,
		 result == 1 ? "VMfailInvalid (no current VMCS)"
			     : vmx_error_string(err));
}

uint64_t vmcs_read_checked(uint32_t field, const char *file, int line)
{
	uint64_t value;
	bool cf, zf;

	__asm__ volatile("vmread %[f], %[v]"
			 : [v] "=r"(value), "=@ccc"(cf), "=@ccz"(zf)
			 : [f] "r"((uint64_t)field));
	if (cf || zf)
		vmx_insn_failed("VMREAD", field, vmx_result(cf, zf), file,
				line);
	return value;
}

void vmcs_write_checked(uint32_t field, uint64_t value, const char *file,
			int line)
{
	bool cf, zf;

	__asm__ volatile("vmwrite %[v], %[f]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [f] "r"((uint64_t)field), [v] "rm"(value));
	if (cf || zf)
		vmx_insn_failed("VMWRITE", field, vmx_result(cf, zf), file,
				line);
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
