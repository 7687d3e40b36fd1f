/*
 * arch/x86_64/lapic.c - local APIC access for the host.
 * Each CPU calls lapic_init once while it starts (interrupts off); every
 * CPU uses the same mode (x2APIC when CPUID.1:ECX.x2APIC[21] is set).
 * SDM Vol. 3A, "Local APIC Register Address Map", "Extended XAPIC
 * (x2APIC)": an xAPIC register at MMIO offset X is MSR 0x800 + X/16.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trap.h"

#define LAPIC_ID		 0x020
#define LAPIC_EOI		 0x0b0
#define LAPIC_SVR		 0x0f0
#define LAPIC_ICR_LOW		 0x300
#define LAPIC_ICR_HIGH		 0x310
#define LAPIC_LVT_TIMER		 0x320
#define LVT_TIMER_TSC_DEADLINE	 (2u << 17)
#define MSR_IA32_TSC_DEADLINE	 0x6e0
#define CPUID_1_ECX_TSC_DEADLINE BIT(24)
#define SVR_ENABLE		 BIT(8)
#define ICR_BUSY		 BIT(12) /* xAPIC "Delivery Status" */
#define X2APIC_MSR(reg)		 (0x800 + ((reg) >> 4))
#define CPUID_1_ECX_X2APIC	 BIT(21)
#define APIC_BASE_ADDR_MASK	 0xfffff000ULL

static bool use_x2apic;
static volatile uint32_t *xapic_mmio; /* identity-mapped, uncached */

static uint32_t lapic_read(uint32_t reg)
{
	if (use_x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR(reg));
	return xapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t value)
{
	if (use_x2apic)
		wrmsr(X2APIC_MSR(reg), value);
	else
		xapic_mmio[reg / 4] = value;
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	use_x2apic = cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC;
	base |= APIC_BASE_ENABLE;
	if (use_x2apic)
		base |= APIC_BASE_X2APIC;
	wrmsr(MSR_IA32_APIC_BASE, base);
	xapic_mmio =
		(volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR_MASK);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
}

bool lapic_x2apic(void)
{
	return use_x2apic;
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return use_x2apic ? id : id >> 24;
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	if (use_x2apic) {
		wrmsr(X2APIC_MSR(LAPIC_ICR_LOW),
		      (uint64_t)apic_id << 32 | icr_low);
		return;
	}
	lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
	lapic_write(LAPIC_ICR_LOW, icr_low);
	while (lapic_read(LAPIC_ICR_LOW) & ICR_BUSY)
		cpu_relax();
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

bool lapic_tsc_deadline(void)
{
	return cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE;
}

void lapic_timer_at(uint8_t vector, uint64_t deadline)
{
	uint32_t lvt = LVT_TIMER_TSC_DEADLINE | vector;

	if (lapic_read(LAPIC_LVT_TIMER) != lvt) {
		lapic_write(LAPIC_LVT_TIMER, lvt);
		/* the mode switch before the deadline write ("TSC-Deadline
		 * Mode": a write in another mode is ignored) */
		__asm__ volatile("mfence; lfence" ::: "memory");
	}
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
}
