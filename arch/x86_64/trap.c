/*
 * arch/x86_64/trap.c - IDT construction and trap dispatch.
 * trap_init runs once on the boot CPU; trap_dispatch runs in interrupt
 * context on any CPU. An exception in host context is a hypervisor bug:
 * the registers are dumped and the machine panics.
 * SDM Vol. 3A, "Interrupt Descriptor Table (IDT)", "IDT Descriptors"
 * (64-bit mode).
 */
#define LOG_PREFIX "trap: "
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/trap.h"
#include "lib/log.h"
#include "lib/panic.h"

#define TRAP_STUB_SIZE		16
#define IDT_TYPE_INTERRUPT_GATE (0xeULL << 40)
#define IDT_PRESENT		BIT(47)

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const uint8_t trap_stubs[];

static uint64_t idt[256][2] __attribute__((aligned(16)));
static irq_handler_fn irq_handlers[256];
static void (*irq_eoi)(void);

static const char *const exception_names[32] = {
	[EXC_DE] = "#DE divide error",
	[EXC_DB] = "#DB debug",
	[EXC_NMI] = "NMI",
	[EXC_BP] = "#BP breakpoint",
	[EXC_OF] = "#OF overflow",
	[EXC_BR] = "#BR bound range",
	[EXC_UD] = "#UD invalid opcode",
	[EXC_NM] = "#NM device not available",
	[EXC_DF] = "#DF double fault",
	[EXC_TS] = "#TS invalid TSS",
	[EXC_NP] = "#NP segment not present",
	[EXC_SS] = "#SS stack fault",
	[EXC_GP] = "#GP general protection",
	[EXC_PF] = "#PF page fault",
	[EXC_MF] = "#MF x87 error",
	[EXC_AC] = "#AC alignment check",
	[EXC_MC] = "#MC machine check",
	[EXC_XM] = "#XM SIMD exception",
	[EXC_VE] = "#VE virtualization exception",
	[EXC_CP] = "#CP control protection",
};

const char *trap_exception_name(uint64_t vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

static uint8_t trap_ist(unsigned vector)
{
	switch (vector) {
	case EXC_DF: return IST_DOUBLE_FAULT;
	case EXC_NMI: return IST_NMI;
	case EXC_MC: return IST_MACHINE_CHECK;
	default: return 0;
	}
}

static void idt_set_gate(unsigned vector, uint64_t handler)
{
	idt[vector][0] = (handler & 0xffff) | ((uint64_t)GDT_KERNEL_CS << 16) |
			 ((uint64_t)trap_ist(vector) << 32) |
			 IDT_TYPE_INTERRUPT_GATE | IDT_PRESENT |
			 (((handler >> 16) & 0xffff) << 48);
	idt[vector][1] = handler >> 32;
}

void trap_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set_gate(v, (uint64_t)&trap_stubs[v * TRAP_STUB_SIZE]);
}

void trap_load(void)
{
	struct idt_ptr ptr = {sizeof(idt) - 1, (uint64_t)idt};

	__asm__ volatile("lidt %0" ::"m"(ptr));
}

void trap_set_handler(uint8_t vector, irq_handler_fn fn)
{
	irq_handlers[vector] = fn;
}

void trap_set_eoi(void (*eoi)(void))
{
	irq_eoi = eoi;
}

static void trap_dump(const struct trap_frame *f)
{
	pr_err("%s (vector %lu) error code 0x%lx at rip %016lx",
	       trap_exception_name(f->vector), f->vector, f->error, f->rip);
	pr_err("rax %016lx rbx %016lx rcx %016lx rdx %016lx", f->rax, f->rbx,
	       f->rcx, f->rdx);
	pr_err("rsi %016lx rdi %016lx rbp %016lx rsp %016lx", f->rsi, f->rdi,
	       f->rbp, f->rsp);
	pr_err("r8  %016lx r9  %016lx r10 %016lx r11 %016lx", f->r8, f->r9,
	       f->r10, f->r11);
	pr_err("r12 %016lx r13 %016lx r14 %016lx r15 %016lx", f->r12, f->r13,
	       f->r14, f->r15);
	pr_err("cs %04lx ss %04lx rflags %08lx cr2 %016lx cr3 %016lx", f->cs,
	       f->ss, f->rflags, read_cr2(), read_cr3());
}

void trap_dispatch(struct trap_frame *f);

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32) {
		if (irq_handlers[f->vector]) { /* e.g. NMI: no EOI */
			irq_handlers[f->vector](f);
			return;
		}
		trap_dump(f);
		panic("unexpected %s in the hypervisor",
		      trap_exception_name(f->vector));
	}
	if (irq_handlers[f->vector])
		irq_handlers[f->vector](f);
	else if (f->vector != VECTOR_SPURIOUS)
		pr_warn("interrupt vector %lu has no handler", f->vector);
	if (f->vector != VECTOR_SPURIOUS && irq_eoi)
		irq_eoi();
}

void trap_handle_vector(uint8_t vector)
{
	struct trap_frame f = {.vector = vector};

	trap_dispatch(&f);
}
