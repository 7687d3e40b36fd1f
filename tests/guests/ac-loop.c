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
#include "tests/guests/lib/guest.h"

const char guest_name[] = "ac-loop";

#define SEL_CODE0	 0x08
#define SEL_DATA0	 0x10
#define SEL_CODE3	 (0x18 | 3)
#define SEL_DATA3	 (0x20 | 3)
#define SEL_TSS		 0x28
#define SEL_GATE	 (0x30 | 3)
#define GATE_INTR32_DPL3 0xee /* present, DPL 3, 32-bit interrupt gate */
#define VECTOR_AC	 17
#define CR0_AM		 ((uint32_t)BIT(18))
#define EFLAGS_AC	 ((uint32_t)BIT(18))
#define EFLAGS_IOPL3	 0x3000
#define EFLAGS_FIXED	 0x2
#define MISALIGN	 2 /* bytes below a dword boundary */

struct tss32 {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
} __attribute__((packed));

static struct tss32 tss;
static uint64_t gdt[7];
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
/* Written in ring 3 (aligned, so it cannot fault) before it calls back:
 * 1 the push did not fault, 2 the #AC handler ran. */
volatile uint32_t ac_outcome;

void ac_ring3(void);
void ac_handler3(void);
void ring0_back(void);

/* A segment descriptor (SDM Vol. 3A, "Segment Descriptors"). */
static uint64_t segment(uint32_t base, uint32_t limit, uint8_t access,
			uint8_t flags)
{
	return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)access << 40) |
	       ((uint64_t)(limit >> 16 & 0xf) << 48) | ((uint64_t)flags << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

/* A 32-bit call gate to SEL_CODE0:target, callable from ring 3. */
static uint64_t call_gate(void (*target)(void))
{
	uint32_t off = (uint32_t)target;

	return (off & 0xffff) | ((uint64_t)SEL_CODE0 << 16) |
	       ((uint64_t)0xec << 40) | ((uint64_t)(off >> 16) << 48);
}

static void tables_install(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = {sizeof(gdt) - 1, (uint32_t)gdt};

	gdt[1] = segment(0, 0xfffff, 0x9a, 0xc); /* ring-0 code */
	gdt[2] = segment(0, 0xfffff, 0x92, 0xc); /* ring-0 data */
	gdt[3] = segment(0, 0xfffff, 0xfa, 0xc); /* ring-3 code */
	gdt[4] = segment(0, 0xfffff, 0xf2, 0xc); /* ring-3 data */
	gdt[5] = segment((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0);
	gdt[6] = call_gate(ring0_back);
	tss.ss0 = SEL_DATA0;
	tss.esp0 = (uint32_t)(ring0_stack + sizeof(ring0_stack));
	tss.iomap = sizeof(tss); /* none: IOPL 3 allows the UART */
	__asm__ volatile("lgdt %0\n\t"
			 "ltr %w1"
			 :
			 : "m"(desc), "r"(SEL_TSS)
			 : "memory");
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
