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
#include "tests/guests/lib/guest.h"
#include "vmx/hypercall_abi.h"

const char guest_name[] = "user-vmcall";

#define SEL_CODE0    0x08
#define SEL_DATA0    0x10
#define SEL_CODE3    (0x18 | 3)
#define SEL_DATA3    (0x20 | 3)
#define SEL_TSS	     0x28
#define SEL_GATE     (0x30 | 3)
#define EFLAGS_IOPL3 0x3002

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
/* What ring 3 saw; written in ring 3, read back in ring 0. */
volatile long user_vm_id, user_shutdown;

void ring3_main(void);
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
