/*
 * vmx/hypercall_abi.h - the hypercall interface guests use, shared by
 * the hypervisor and the test guests (tests/guests/). Definitions only.
 * See docs/hypercalls.md.
 *
 * A guest calls VMCALL at CPL 0 with the call number in EAX/RAX and
 * arguments in EBX/RBX, ECX/RCX, EDX/RDX. The result comes back in
 * EAX/RAX: HC_OK (0) or a value >= 0 the call defines, or a negative
 * HC_E* error code. Registers other than RAX are preserved.
 */
#ifndef VMX_HYPERCALL_ABI_H
#define VMX_HYPERCALL_ABI_H

/* Call numbers */
#define HC_PRINT \
	0	      /* RBX = guest-physical address, RCX = length
                       * (at most HC_PRINT_MAX bytes): write to the VM's
                       * console */
#define HC_YIELD    1 /* give up the rest of this time slice */
#define HC_VM_ID    2 /* returns this VM's id (0, 1, ...) */
#define HC_SHUTDOWN 3 /* RBX = exit code: stop this VM; does not return */

#define HC_PRINT_MAX 256

/* Results */
#define HC_OK	  0
#define HC_ENOSYS (-1) /* no such call number */
#define HC_EPERM  (-2) /* called from CPL > 0 */
#define HC_EINVAL (-3) /* an argument is out of range */
#define HC_EFAULT (-4) /* an address is outside the VM's memory */

/* CPUID leaf 0x40000000: EAX = highest hypervisor leaf, EBX ECX EDX =
 * this signature (12 bytes). */
#define HV_CPUID_SIGNATURE "hvHypervisor"
#define HV_CPUID_BASE	   0x40000000

#endif
