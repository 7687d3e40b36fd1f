/*
 * arch/x86_64/trap.h - the interrupt descriptor table and trap frames.
 * One IDT shared by every CPU; exceptions in host context are hypervisor
 * bugs and end in a register dump and panic; interrupt vectors go to the
 * handler registered for them.
 * SDM Vol. 3A, "Interrupt and Exception Handling", "Exception and
 * Interrupt Reference".
 */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include "lib/types.h"

/* SDM Vol. 3A, "Exception and Interrupt Vectors" */
enum exception_vector {
	EXC_DE = 0,
	EXC_DB = 1,
	EXC_NMI = 2,
	EXC_BP = 3,
	EXC_OF = 4,
	EXC_BR = 5,
	EXC_UD = 6,
	EXC_NM = 7,
	EXC_DF = 8,
	EXC_TS = 10,
	EXC_NP = 11,
	EXC_SS = 12,
	EXC_GP = 13,
	EXC_PF = 14,
	EXC_MF = 16,
	EXC_AC = 17,
	EXC_MC = 18,
	EXC_XM = 19,
	EXC_VE = 20,
	EXC_CP = 21,
};

#define VECTOR_SPURIOUS 0xff

/* Laid out by arch/x86_64/trap_entry.S: general registers, then what the
 * stub and the CPU pushed. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_fn)(struct trap_frame *frame);

/* Build the IDT (once, on the boot CPU). */
void trap_init(void);
/* Load the IDT on the calling CPU. */
void trap_load(void);
/* Route a vector to fn: an interrupt (32..255), or an exception the
 * hypervisor expects, such as the NMI that stops a CPU. */
void trap_set_handler(uint8_t vector, irq_handler_fn fn);
/* Called for every vector after its handler, e.g. to send the EOI. */
void trap_set_eoi(void (*eoi)(void));

const char *trap_exception_name(uint64_t vector);

/* Run the handler of an interrupt the CPU acknowledged on a VM exit
 * ("acknowledge interrupt on exit"), as if it had arrived in the host. */
void trap_handle_vector(uint8_t vector);

#endif
