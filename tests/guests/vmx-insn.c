/*
 * tests/guests/vmx-insn.c - executes VMX instructions (VMXON, VMPTRLD,
 * VMCLEAR, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMXOFF, INVEPT,
 * INVVPID) with CR4.VMXE clear. A PC raises #UD for each; so must the
 * hypervisor, which does not offer nested VMX. VMCALL is left out: it is
 * the hypercall. Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "vmx-insn";

#define VECTOR_UD 6

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
	if (not_ud) {
		gprintf("vmx-insn: FAILED: %u instructions without #UD\n",
			not_ud);
		return 1;
	}
	gprintf("vmx-insn: #UD as expected\n");
	return 0;
}
