/*
 * tests/guests/lib/idt.c - the guest's IDT: the 32 exception vectors go
 * to idt_dispatch, which resumes after a fault the guest expected (an
 * EX_TABLE entry for the faulting EIP) and otherwise reports the
 * exception by vector and ends the guest. Runs in the guest, at CPL 0.
 * SDM Vol. 3A, "IDT Descriptors", "Exception and Interrupt Reference".
 */
#include "tests/guests/lib/guest.h"

#define IDT_VECTORS    32
#define GATE_INTR32    0x8e /* present, DPL 0, 32-bit interrupt gate */
#define GUEST_CS       0x08 /* crt0.S's GDT */
#define EXIT_EXCEPTION 100  /* exit code: 100 + vector */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type;
	uint16_t offset_hi;
};

struct ex_entry {
	uint32_t from, to;
};

extern const uint32_t idt_stub_table[IDT_VECTORS];
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

volatile int last_fault = -1;
static struct idt_gate idt[IDT_VECTORS];

static const char *const vector_names[IDT_VECTORS] = {
	[0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",	[4] = "#OF",
	[5] = "#BR",  [6] = "#UD",  [7] = "#NM",  [8] = "#DF",	[10] = "#TS",
	[11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF", [16] = "#MF",
	[17] = "#AC", [18] = "#MC", [19] = "#XM", [20] = "#VE", [21] = "#CP",
};

void idt_dispatch(struct trap_frame *f);

void idt_dispatch(struct trap_frame *f)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end;
	     e++) {
		if (e->from == f->eip) {
			f->eip = e->to;
			last_fault = (int)f->vector;
			return;
		}
	}
	gprintf("%s: unexpected exception %u (%s) at eip 0x%08x, error "
		"code 0x%x\n",
		guest_name, f->vector,
		vector_names[f->vector] ? vector_names[f->vector] : "reserved",
		f->eip, f->error);
	guest_exit(EXIT_EXCEPTION + (int)f->vector);
}

void idt_set_gate(unsigned vector, uint16_t selector, uint32_t offset,
		  uint8_t type)
{
	idt[vector] = (struct idt_gate){(uint16_t)offset, selector, 0, type,
					(uint16_t)(offset >> 16)};
}

uint32_t idt_gate_address(unsigned vector)
{
	return (uint32_t)&idt[vector];
}

void idt_install(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)idt};

	for (unsigned v = 0; v < IDT_VECTORS; v++)
		idt_set_gate(v, GUEST_CS, idt_stub_table[v], GATE_INTR32);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}
