/*
 * tests/guests/bad-msr.c - RDMSR and WRMSR of MSRs no CPU has: a PC
 * raises #GP, and so must the hypervisor (inject #GP, not stop the VM
 * nor touch a real MSR). The guest's IDT catches each #GP and resumes.
 * Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "bad-msr";

#define VECTOR_GP 13
#define IA32_TSC  0x10

static const uint32_t bad_msrs[] = {0x12345678, 0xdeadbeef, 0x4b564dff};

/* Returns the vector of the fault, or -1 when the RDMSR worked. */
static int try_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	last_fault = -1;
	__asm__ volatile("1: rdmsr\n2:\n" EX_TABLE(1b, 2b)
			 : "+a"(lo), "+d"(hi)
			 : "c"(msr)
			 : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return last_fault;
}

static int try_wrmsr(uint32_t msr, uint64_t val)
{
	last_fault = -1;
	__asm__ volatile("1: wrmsr\n2:\n" EX_TABLE(1b, 2b)
			 :
			 : "c"(msr), "a"((uint32_t)val),
			   "d"((uint32_t)(val >> 32))
			 : "memory");
	return last_fault;
}

int main(uint32_t magic, uint32_t info)
{
	unsigned bad = 0;
	uint64_t val;

	gprintf("bad-msr: starting\n");
	idt_install();
	if (try_rdmsr(IA32_TSC, &val) >= 0) {
		gprintf("bad-msr: FAILED: RDMSR of IA32_TIME_STAMP_COUNTER "
			"faulted\n");
		return 1;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(bad_msrs); i++) {
		int r = try_rdmsr(bad_msrs[i], &val);
		int w = try_wrmsr(bad_msrs[i], 0x1122334455667788ULL);

		gprintf("bad-msr: MSR 0x%08x: rdmsr %s, wrmsr %s\n",
			bad_msrs[i], r == VECTOR_GP ? "#GP" : "no fault",
			w == VECTOR_GP ? "#GP" : "no fault");
		bad += (r != VECTOR_GP) + (w != VECTOR_GP);
	}
	if (bad) {
		gprintf("bad-msr: FAILED: %u accesses without #GP\n", bad);
		return 1;
	}
	gprintf("bad-msr: #GP as expected\n");
	return 0;
}
