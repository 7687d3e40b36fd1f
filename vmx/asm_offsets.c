/*
 * vmx/asm_offsets.c - generates build/gen/asm_offsets.h: the offsets of
 * struct guest_regs and the VMCS field numbers that vmx/entry.S uses,
 * computed by the compiler from the C definitions so
 * that nobody types them by hand (Jailhouse and Linux do the same).
 * Compiled to assembly only (never linked); the GNUmakefile turns each
 * "->NAME value" line into "#define NAME value".
 */
#include <stddef.h>
#include "vmx/vcpu.h"

#define DEFINE(name, value) \
	__asm__ volatile("\n.ascii \"->" #name " %c0\"" ::"i"(value))
#define OFFSET(name, type, member) DEFINE(name, offsetof(type, member))

void asm_offsets(void);

void asm_offsets(void)
{
	OFFSET(GREG_RAX, struct guest_regs, rax);
	OFFSET(GREG_RBX, struct guest_regs, rbx);
	OFFSET(GREG_RCX, struct guest_regs, rcx);
	OFFSET(GREG_RDX, struct guest_regs, rdx);
	OFFSET(GREG_RSI, struct guest_regs, rsi);
	OFFSET(GREG_RDI, struct guest_regs, rdi);
	OFFSET(GREG_RBP, struct guest_regs, rbp);
	OFFSET(GREG_R8, struct guest_regs, r8);
	OFFSET(GREG_R9, struct guest_regs, r9);
	OFFSET(GREG_R10, struct guest_regs, r10);
	OFFSET(GREG_R11, struct guest_regs, r11);
	OFFSET(GREG_R12, struct guest_regs, r12);
	OFFSET(GREG_R13, struct guest_regs, r13);
	OFFSET(GREG_R14, struct guest_regs, r14);
	OFFSET(GREG_R15, struct guest_regs, r15);
	OFFSET(GREG_HOST_RSP, struct guest_regs, host_rsp);
	DEFINE(VMCS_HOST_RSP_FIELD, VMCS_HOST_RSP);
}
