/*
 * tests/guests/vmx-insn.c - executes VMX instructions (VMXON, VMPTRLD,
 * VMCLEAR, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMXOFF, INVEPT,
 * INVVPID) with CR4.VMXE clear. A PC raises #UD for each; so must the
 * hypervisor, which does not offer nested VMX. VMCALL is left out: it is
 * the hypercall. Then it checks that VMX is hidden: CPUID.1:ECX.VMX is
 * 0, and setting CR4.VMXE gives #GP, as on a CPU without VMX.
 * Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "vmx-insn";

#define VECTOR_UD      6
#define VECTOR_GP      13
#define CR4_VMXE       (1u << 13)
#define CPUID1_ECX_VMX (1u << 5)

static uint64_t region[2] __attribute__((aligned(16)));

/* Each: the instruction between labels 1 and 2, recovered from. */
#define TRY(insn, ...)                                                \
	do {                                                          \
		last_fault = -1;                                      \
		__asm__ volatile("1: " insn "\n2:\n" EX_TABLE(1b, 2b) \
				 :                                    \
				 : __VA_ARGS__                        \
				 : "memory", "cc");                   \
		report(insn);                                         \
	} while (0)

static unsigned not_ud;

static void report(const char *insn)
{
	const char *name = insn;
	unsigned n = 0;

	while (name[n] && name[n] != ' ')
		n++;
	gprintf("vmx-insn: %.*s: %s\n", (int)n, name,
		last_fault == VECTOR_UD ? "#UD" : "no #UD");
	not_ud += last_fault != VECTOR_UD;
}

/* CPUID says no VMX, and CR4.VMXE cannot be set (#GP). */
static bool vmx_hidden(void)
{
	uint32_t a = 1, b, c = 0, d, cr4;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	gprintf("vmx-insn: CPUID.1:ECX.VMX is %u\n", !!(c & CPUID1_ECX_VMX));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	last_fault = -1;
	__asm__ volatile("1: mov %0, %%cr4\n2:\n" EX_TABLE(1b, 2b)
			 :
			 : "r"(cr4 | CR4_VMXE)
			 : "memory");
	gprintf("vmx-insn: setting CR4.VMXE: %s\n",
		last_fault == VECTOR_GP ? "#GP" : "no #GP");
	if ((c & CPUID1_ECX_VMX) || last_fault != VECTOR_GP) {
		gprintf("vmx-insn: FAILED: VMX is visible to the guest\n");
		return false;
	}
	return true;
}

int main(uint32_t magic, uint32_t info)
{
	uint32_t dummy = 0;

	gprintf("vmx-insn: starting\n");
	idt_install();
	TRY("vmxon (%0)", "r"(region));
	TRY("vmptrld (%0)", "r"(region));
	TRY("vmclear (%0)", "r"(region));
	TRY("vmptrst (%0)", "r"(region));
	TRY("vmread %0, %1", "r"(0x681e), "r"(dummy));
	TRY("vmwrite %0, %1", "r"(dummy), "r"(0x681e));
	TRY("vmlaunch", "r"(0));
	TRY("vmresume", "r"(0));
	TRY("vmxoff", "r"(0));
	TRY("invept (%0), %1", "r"(region), "r"(1));
	TRY("invvpid (%0), %1", "r"(region), "r"(1));
	if (!vmx_hidden())
		return 1;
	if (not_ud) {
		gprintf("vmx-insn: FAILED: %u instructions without #UD\n",
			not_ud);
		return 1;
	}
	gprintf("vmx-insn: #UD as expected\n");
	return 0;
}
