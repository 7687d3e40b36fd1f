/*
 * tests/guests/ac-loop.c - the #AC delivery loop of CVE-2015-5307: with
 * CR0.AM and EFLAGS.AC set, at CPL 3, on a stack that is not 4-aligned,
 * a push raises #AC; the #AC handler runs at CPL 3 too (its gate leads to
 * a DPL 3 code segment, so there is no stack switch), so pushing the
 * exception frame on that same misaligned stack raises #AC again, and
 * again, without an instruction ever completing. On a PC the CPU stays
 * in microcode delivering #AC forever and takes no interrupt; a
 * hypervisor that intercepts #AC sees every attempt as a VM exit and
 * keeps the CPU. Multiboot2 guest (docs/guests.md).
 * SDM Vol. 3A, "Alignment Check Exception (#AC)", "Exception and
 * Interrupt Handling in 32-bit Mode" (handler at the same privilege
 * level), "Conditions for Generating a Double Fault" (two benign
 * exceptions are handled serially: no #DF ends the loop).
 */
#include "tests/guests/lib/ring3.h"

const char guest_name[] = "ac-loop";

#define GATE_INTR32_DPL3 0xee /* present, DPL 3, 32-bit interrupt gate */
#define VECTOR_AC	 17
#define CR0_AM		 ((uint32_t)BIT(18))
#define EFLAGS_AC	 ((uint32_t)BIT(18))
#define EFLAGS_IOPL3	 0x3000
#define EFLAGS_FIXED	 0x2
#define MISALIGN	 2 /* bytes below a dword boundary */

static struct tss32 tss;
static uint64_t gdt[RING3_GDT_LEN];
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
/* Written in ring 3 (aligned, so it cannot fault) before it calls back:
 * 1 the push did not fault, 2 the #AC handler ran. */
volatile uint32_t ac_outcome;

void ac_ring3(void);
void ac_handler3(void);
void ring0_back(void);

static void tables_install(void)
{
	ring3_tables_install(gdt, &tss,
			     (uint32_t)(ring0_stack + sizeof(ring0_stack)),
			     ring0_back);
	/* #AC goes to a ring-3 handler: delivered at CPL 3, on the
	 * interrupted (misaligned) stack. */
	idt_set_gate(VECTOR_AC, SEL_CODE3, (uint32_t)ac_handler3,
		     GATE_INTR32_DPL3);
}

/* Ring 3, ESP 2 below a dword boundary, AC on: the push raises #AC.
 * Neither label after it should ever be reached. */
__asm__(".text\n"
	"ac_ring3:\n\t"
	"movw $0x23, %ax\n\t" /* SEL_DATA3: IRET cleared DS */
	"movw %ax, %ds\n\t"
	"pushl %eax\n\t"
	"movl $1, ac_outcome\n\t"
	"lcall $0x33, $0\n"
	"ac_handler3:\n\t"
	"movl $2, ac_outcome\n\t"
	"lcall $0x33, $0\n");

/* Ring 0 again, through the call gate: the loop did not happen. */
void ring0_back(void)
{
	__asm__ volatile("movw %w0, %%ds\n\tmovw %w0, %%es" ::"r"(SEL_DATA0));
	if (ac_outcome == 1)
		gprintf("ac-loop: FAILED: a misaligned push at CPL 3 with "
			"CR0.AM and EFLAGS.AC raised no #AC\n");
	else
		gprintf("ac-loop: FAILED: the #AC handler ran: pushing the "
			"frame on the misaligned stack raised no #AC\n");
	guest_exit(1);
}

int main(uint32_t magic, uint32_t info)
{
	uint32_t esp3 =
		(uint32_t)(ring3_stack + sizeof(ring3_stack)) - MISALIGN;
	uint32_t cr0;

	gprintf("ac-loop: starting\n");
	idt_install();
	tables_install();
	gprintf("ac-loop: CR0.AM=1, EFLAGS.AC=1, CPL 3, #AC handler at CPL 3, "
		"ESP 0x%08x: every #AC frame push raises #AC again, "
		"forever\n",
		esp3);
	serial_flush(); /* the line above must get out first */
	__asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("movl %0, %%cr0" ::"r"(cr0 | CR0_AM));
	__asm__ volatile("pushl %0\n\t" /* SS */
			 "pushl %1\n\t" /* ESP */
			 "pushl %2\n\t" /* EFLAGS */
			 "pushl %3\n\t" /* CS */
			 "pushl %4\n\t" /* EIP */
			 "iret"
			 :
			 : "i"(SEL_DATA3), "r"(esp3),
			   "i"(EFLAGS_AC | EFLAGS_IOPL3 | EFLAGS_FIXED),
			   "i"(SEL_CODE3), "r"(ac_ring3)
			 : "memory");
	return 1; /* not reached */
}
