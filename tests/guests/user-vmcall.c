/*
 * tests/guests/user-vmcall.c - calls the hypervisor from CPL 3, where
 * every hypercall must be refused with HC_EPERM (docs/hypercalls.md):
 * HC_VM_ID must not answer and HC_SHUTDOWN must not stop the VM. The
 * guest builds a GDT with ring-3 segments, a TSS and a call gate, drops
 * to ring 3 with IRET (IOPL 3, so it may still use the UART), makes the
 * calls, and comes back to ring 0 through the call gate to report.
 * Multiboot2 guest (docs/guests.md); SDM Vol. 3A, "Privilege Levels",
 * "Call Gates", "Task-State Segment (TSS)".
 */
#include "tests/guests/lib/ring3.h"
#include "vmx/hypercall_abi.h"

const char guest_name[] = "user-vmcall";

#define EFLAGS_IOPL3 0x3002

static struct tss32 tss;
static uint64_t gdt[RING3_GDT_LEN];
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
/* What ring 3 saw; written in ring 3, read back in ring 0. */
volatile long user_vm_id, user_shutdown;

void ring3_main(void);
void ring0_back(void);

static void tables_install(void)
{
	ring3_tables_install(gdt, &tss,
			     (uint32_t)(ring0_stack + sizeof(ring0_stack)),
			     ring0_back);
}

/* Ring 3: two hypercalls, then back to ring 0 through the call gate. */
__asm__(".text\n"
	"ring3_main:\n\t"
	"movw $0x23, %ax\n\t"
	"movw %ax, %ds\n\t"
	"movw %ax, %es\n\t"
	"movl $2, %eax\n\t" /* HC_VM_ID */
	"vmcall\n\t"
	"movl %eax, user_vm_id\n\t"
	"movl $3, %eax\n\t" /* HC_SHUTDOWN */
	"movl $0, %ebx\n\t"
	"vmcall\n\t"
	"movl %eax, user_shutdown\n\t"
	"lcall $0x33, $0\n"
	"1:\tjmp 1b\n");

/* Ring 0 again, on tss.esp0: restore the ring-0 data segments and end the
 * guest from here (guest_exit reports and shuts down). */
void ring0_back(void)
{
	bool ok = user_vm_id == HC_EPERM && user_shutdown == HC_EPERM;

	__asm__ volatile("movw %w0, %%ds\n\tmovw %w0, %%es" ::"r"(SEL_DATA0));
	gprintf("user-vmcall: HC_VM_ID from CPL 3 -> %ld, HC_SHUTDOWN from "
		"CPL 3 -> %ld, still running\n",
		user_vm_id, user_shutdown);
	gprintf("user-vmcall: back in ring 0 through the call gate\n");
	if (ok)
		gprintf("user-vmcall: CPL 3 refused (HC_EPERM) as expected\n");
	else
		gprintf("user-vmcall: FAILED: expected %d (HC_EPERM) twice\n",
			HC_EPERM);
	guest_exit(ok ? 0 : 1);
}

int main(uint32_t magic, uint32_t info)
{
	gprintf("user-vmcall: starting\n");
	idt_install();
	tables_install();
	gprintf("user-vmcall: GDT with ring-3 segments, TSS and call gate "
		"loaded; to ring 3\n");
	__asm__ volatile("pushl %0\n\t" /* SS */
			 "pushl %1\n\t" /* ESP */
			 "pushl %2\n\t" /* EFLAGS: IOPL 3, interrupts off */
			 "pushl %3\n\t" /* CS */
			 "pushl %4\n\t" /* EIP */
			 "iret"
			 :
			 : "i"(SEL_DATA3),
			   "r"((uint32_t)(ring3_stack + sizeof(ring3_stack))),
			   "i"(EFLAGS_IOPL3), "i"(SEL_CODE3), "r"(ring3_main)
			 : "memory");
	return 1; /* not reached */
}
