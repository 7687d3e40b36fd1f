/*
 * tests/guests/vmcall-garbage.c - VMCALL with call numbers the ABI does
 * not define, and HC_PRINT with arguments out of range: the hypervisor
 * must answer HC_ENOSYS, HC_EFAULT and HC_EINVAL (vmx/hypercall_abi.h)
 * and keep the VM running. Without a hypervisor, VMCALL raises #UD, as
 * on a PC. Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"
#include "lib/fmt.h"
#include "vmx/hypercall_abi.h"

const char guest_name[] = "vmcall-garbage";

#define VECTOR_UD 6
#define NO_RESULT 0x7fffffff /* the VMCALL faulted */

static const uint32_t unknown_calls[] = {4,	     5,		 0x100,
					 0x7fffffff, 0x80000000, 0xffffffff};

static const char message[] = "vmcall-garbage: printed by HC_PRINT\n";

/* VMCALL that survives #UD: returns the result, or NO_RESULT. */
static long try_vmcall(uint32_t nr, uint32_t a1, uint32_t a2)
{
	uint32_t ret = nr; /* in: the call number; out: the result */

	last_fault = -1;
	__asm__ volatile("1: vmcall\n2:\n" EX_TABLE(1b, 2b)
			 : "+a"(ret)
			 : "b"(a1), "c"(a2), "d"(0)
			 : "memory");
	return last_fault == VECTOR_UD ? NO_RESULT : (long)(int32_t)ret;
}

static const char *result_name(long r)
{
	switch (r) {
	case HC_OK: return "HC_OK";
	case HC_ENOSYS: return "HC_ENOSYS";
	case HC_EPERM: return "HC_EPERM";
	case HC_EINVAL: return "HC_EINVAL";
	case HC_EFAULT: return "HC_EFAULT";
	default: return "unexpected";
	}
}

/* Prints the call and returns 1 when the result is not EXPECTED. */
static unsigned check(const char *what, uint32_t nr, uint32_t a1, uint32_t a2,
		      long expected)
{
	long r = try_vmcall(nr, a1, a2);

	if (r == NO_RESULT)
		gprintf("vmcall-garbage: %s -> #UD\n", what);
	else
		gprintf("vmcall-garbage: %s -> %ld (%s)\n", what, r,
			result_name(r));
	return r != expected;
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	bool hv = hv_present();
	unsigned bad = 0;
	char what[48];

	gprintf("vmcall-garbage: starting\n");
	idt_install();
	if (mb2_view(magic, info, &v))
		return 1;
	for (unsigned i = 0; i < ARRAY_SIZE(unknown_calls); i++) {
		fmt_snprintf(what, sizeof(what), "call 0x%x", unknown_calls[i]);
		bad += check(what, unknown_calls[i], 0, 0,
			     hv ? HC_ENOSYS : NO_RESULT);
	}
	bad += check("HC_PRINT beyond RAM", HC_PRINT, (uint32_t)v.ram_end, 16,
		     hv ? HC_EFAULT : NO_RESULT);
	bad += check("HC_PRINT across the end of RAM", HC_PRINT,
		     (uint32_t)v.ram_end - 8, 16, hv ? HC_EFAULT : NO_RESULT);
	bad += check("HC_PRINT too long", HC_PRINT, (uint32_t)message,
		     HC_PRINT_MAX + 1, hv ? HC_EINVAL : NO_RESULT);
	bad += check("HC_PRINT", HC_PRINT, (uint32_t)message,
		     sizeof(message) - 1, hv ? HC_OK : NO_RESULT);
	if (bad) {
		gprintf("vmcall-garbage: FAILED: %u unexpected results\n", bad);
		return 1;
	}
	gprintf("vmcall-garbage: all results as expected (%s)\n",
		hv ? "hypervisor" : "no hypervisor: #UD");
	return 0;
}
