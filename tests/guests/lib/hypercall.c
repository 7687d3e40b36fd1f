/*
 * tests/guests/lib/hypercall.c - talking to the hypervisor (VMCALL, per
 * vmx/hypercall_abi.h), and what to do when there is none: bare in
 * Bochs, HC_SHUTDOWN becomes Bochs's shutdown port. Runs in the guest.
 */
#include "tests/guests/lib/guest.h"
#include "lib/string.h"
#include "vmx/hypercall_abi.h"

#define CPUID_1_ECX_HYPERVISOR BIT(31)
#define BOCHS_SHUTDOWN_PORT    0x8900 /* the bytes of "Shutdown" */

bool hv_present(void)
{
	uint32_t a, b, c, d, sig[3];

	cpuid(1, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_HYPERVISOR))
		return false;
	cpuid(HV_CPUID_BASE, &a, &sig[0], &sig[1], &sig[2]);
	return memcmp(sig, HV_CPUID_SIGNATURE, sizeof(sig)) == 0;
}

long hypercall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
			 : "memory");
	return (int32_t)ret;
}

uint32_t vm_id(void)
{
	return hv_present() ? (uint32_t)hypercall(HC_VM_ID, 0, 0, 0) : 0;
}

void guest_exit(int code)
{
	if (hv_present()) {
		hypercall(HC_SHUTDOWN, (uint32_t)code, 0, 0);
		gprintf("%s: HC_SHUTDOWN returned\n", guest_name);
	} else {
		gprintf("%s: exit %d; no hypervisor: Bochs shutdown port\n",
			guest_name, code);
		serial_flush();
		for (const char *p = "Shutdown"; *p; p++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}
