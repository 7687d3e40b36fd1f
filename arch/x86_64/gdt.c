/*
 * arch/x86_64/gdt.c - per-CPU GDT and TSS.
 * Runs once on each CPU during start-up, interrupts off.
 * SDM Vol. 3A, "Segment Descriptors", "TSS Descriptor in 64-bit mode".
 */
#include "arch/x86_64/gdt.h"

/* SDM Vol. 3A, "Segment Descriptors": access byte and flags */
#define SEG_PRESENT	   BIT(47)
#define SEG_CODEDATA	   BIT(44) /* S: code or data, not system */
#define SEG_EXEC	   BIT(43)
#define SEG_RW		   BIT(41)
#define SEG_LONG	   BIT(53) /* L: 64-bit code */
#define SEG_GRAN	   BIT(55)
#define SEG_LIMIT_MAX	   (0xffffULL | (0xfULL << 48))
#define TSS_TYPE_AVAILABLE (0x9ULL << 40)

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void tss_descriptor(uint64_t *slot, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  TSS_TYPE_AVAILABLE | SEG_PRESENT |
		  (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void gdt_build(struct cpu_tables *t)
{
	t->gdt[0] = 0;
	t->gdt[1] = SEG_PRESENT | SEG_CODEDATA | SEG_EXEC | SEG_RW | SEG_LONG |
		    SEG_GRAN | SEG_LIMIT_MAX;
	t->gdt[2] = SEG_PRESENT | SEG_CODEDATA | SEG_RW | SEG_GRAN |
		    SEG_LIMIT_MAX | BIT(54) /* D/B: 32-bit data */;
	for (int i = 0; i < 3; i++)
		t->tss.ist[i] = (uint64_t)t->ist_stacks[i] + IST_STACK_SIZE;
	t->tss.iomap_base = sizeof(t->tss); /* no I/O permission bitmap */
	tss_descriptor(&t->gdt[3], &t->tss);
}

void gdt_load(struct cpu_tables *t)
{
	struct gdt_ptr ptr;

	gdt_build(t);
	ptr.limit = sizeof(t->gdt) - 1;
	ptr.base = (uint64_t)t->gdt;
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "movw %w3, %%fs\n\t"
			 "movw %w3, %%gs\n\t"
			 "ltr %w4"
			 :
			 : "m"(ptr), "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS),
			   "r"(0), "r"(GDT_TSS)
			 : "rax", "memory");
}
