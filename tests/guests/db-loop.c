/*
 * tests/guests/db-loop.c - the #DB delivery loop of CVE-2015-8104: a data
 * breakpoint (DR0, read/write) on the IDT's #DB gate. Delivering #DB
 * reads that gate, which hits the breakpoint, so a new #DB is pending
 * the moment the delivery ends, before the handler's first instruction:
 * #DB after #DB, forever, with no instruction boundary where an
 * interrupt could be taken. On a PC the CPU never leaves microcode; a
 * hypervisor that intercepts #DB sees each one as a VM exit and keeps
 * the CPU. The stack is a 16-bit segment (SP wraps within 64 KiB), so
 * the endless frames stay in one place and never overwrite the guest.
 * First it checks that #DB works at all: INT1 gives #DB after the
 * instruction, a write to a watched word gives #DB with DR6.B1.
 * Multiboot2 guest (docs/guests.md).
 * SDM Vol. 3A, "Debug Registers", "Debug Exception (#DB)" (data
 * breakpoints are traps), "Exception and Interrupt Handling in 32-bit
 * Mode".
 */
#include "tests/guests/lib/ring3.h" /* gdt_segment */

const char guest_name[] = "db-loop";

#define SEL_STACK16	0x18
#define GATE_INTR32	0x8e
#define VECTOR_DB	1
#define STACK16_BASE	0x200000 /* 64 KiB at 2 MiB: VMs of 4 MiB or more */
#define DR7_L(n)	((uint32_t)BIT(2 * (n)))
#define DR7_RW(n, rw)	((uint32_t)(rw) << (16 + 4 * (n)))
#define DR7_LEN(n, len) ((uint32_t)(len) << (18 + 4 * (n)))
#define DR7_FIXED	((uint32_t)BIT(10))
#define DR_RW_WRITE	1
#define DR_RW_ACCESS	3 /* reads and writes */
#define DR_LEN_4	3
#define DR6_B_MASK	0xf

static uint64_t gdt[4];
uint8_t report_stack[4096] __attribute__((aligned(16)));
volatile uint32_t db_probe;
uint32_t db_saved_esp; /* main's ESP while SS is the 16-bit stack */

void db_handler_ran(void);
void db_no_loop(void);

/* The same flat code and data segments as crt0.S, plus a 16-bit stack
 * segment (B clear: pushes use SP) of 64 KiB. */
static void gdt_install(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = {sizeof(gdt) - 1, (uint32_t)gdt};

	gdt[1] = gdt_segment(0, 0xfffff, 0x9a, 0xc);
	gdt[2] = gdt_segment(0, 0xfffff, 0x92, 0xc);
	gdt[3] = gdt_segment(STACK16_BASE, 0xffff, 0x92, 0);
	__asm__ volatile("lgdt %0" : : "m"(desc) : "memory");
}

static uint32_t read_dr6(void)
{
	uint32_t v;

	__asm__ volatile("movl %%dr6, %0" : "=r"(v));
	return v;
}

static void write_dr(unsigned n, uint32_t v)
{
	switch (n) {
	case 0: __asm__ volatile("movl %0, %%dr0" ::"r"(v)); break;
	case 1: __asm__ volatile("movl %0, %%dr1" ::"r"(v)); break;
	case 6: __asm__ volatile("movl %0, %%dr6" ::"r"(v)); break;
	case 7: __asm__ volatile("movl %0, %%dr7" ::"r"(v)); break;
	}
}

/* A write to a watched word: #DB after the write (a trap), DR6.B1. */
static bool probe_breakpoint(void)
{
	uint32_t dr6;

	write_dr(6, 0);
	write_dr(1, (uint32_t)&db_probe);
	write_dr(7, DR7_FIXED | DR7_L(1) | DR7_RW(1, DR_RW_WRITE) |
			    DR7_LEN(1, DR_LEN_4));
	last_fault = -1;
	__asm__ volatile("movl $1, db_probe\n"
			 "2:\n\t" EX_TABLE(2b, 2b)::
				 : "memory");
	dr6 = read_dr6();
	write_dr(7, DR7_FIXED);
	write_dr(1, 0);
	write_dr(6, 0);
	gprintf("db-loop: data breakpoint on a write: %s, DR6.B0-3 0x%x\n",
		last_fault == VECTOR_DB ? "#DB" : "no #DB", dr6 & DR6_B_MASK);
	return last_fault == VECTOR_DB && (dr6 & DR6_B_MASK) == BIT(1);
}

/* INT1 (ICEBP) raises #DB as a trap: the handler sees the EIP after it. */
static bool probe_int1(void)
{
	last_fault = -1;
	__asm__ volatile(".byte 0xf1\n" /* int1 */
			 "2:\n\t" EX_TABLE(2b, 2b)::
				 : "memory");
	gprintf("db-loop: int1: %s\n", last_fault == VECTOR_DB
					       ? "#DB after the instruction"
					       : "no #DB");
	return last_fault == VECTOR_DB;
}

/* Reached only if a #DB handler ever runs: back to the flat stack. */
__asm__(".text\n"
	"db_handler_ran:\n\t"
	"movw $0x10, %ax\n\t"
	"movw %ax, %ss\n\t"
	"movl $report_stack + 4096, %esp\n\t"
	"call db_no_loop\n");

void db_no_loop(void)
{
	gprintf("db-loop: FAILED: the #DB handler ran: reading the IDT gate "
		"during delivery did not hit the breakpoint (DR6.B0-3 0x%x)\n",
		read_dr6() & DR6_B_MASK);
	guest_exit(1);
}

int main(uint32_t magic, uint32_t info)
{
	uint32_t gate = idt_gate_address(VECTOR_DB);

	gprintf("db-loop: starting\n");
	idt_install();
	gdt_install();
	if (!probe_int1() || !probe_breakpoint()) {
		gprintf("db-loop: FAILED: expected #DB after int1, and #DB "
			"with DR6.B1 for the breakpoint\n");
		return 1;
	}
	idt_set_gate(VECTOR_DB, SEL_CODE0, (uint32_t)db_handler_ran,
		     GATE_INTR32);
	gprintf("db-loop: data breakpoint on IDT gate 1 at 0x%08x, 16-bit "
		"stack at 0x%08x: every #DB delivery raises #DB again, "
		"forever\n",
		gate, STACK16_BASE);
	serial_flush(); /* the line above must get out first */
	write_dr(0, gate);
	write_dr(7, DR7_FIXED | DR7_L(0) | DR7_RW(0, DR_RW_ACCESS) |
			    DR7_LEN(0, DR_LEN_4));
	/* The first #DB comes from reading the gate ourselves. */
	__asm__ volatile("movl %%esp, db_saved_esp\n\t"
			 "movw %w0, %%ss\n\t"
			 "xorl %%esp, %%esp\n\t"
			 "movl (%1), %%eax\n\t"
			 "movw %w2, %%ss\n\t"
			 "movl db_saved_esp, %%esp\n\t"
			 :
			 : "r"(SEL_STACK16), "r"(gate), "r"(SEL_DATA0)
			 : "eax", "memory");
	gprintf("db-loop: FAILED: reading the watched IDT gate raised no "
		"#DB\n");
	return 1;
}
