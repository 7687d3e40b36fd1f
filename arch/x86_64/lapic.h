/*
 * arch/x86_64/lapic.h - the host's local APIC, in x2APIC mode when the
 * CPU has it, else xAPIC through its MMIO page.
 * lapic_init runs on each CPU as it starts; the rest on any CPU with
 * interrupts off or in interrupt context.
 * SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)":
 * "Local APIC Register Address Map", "Interrupt Command Register (ICR)",
 * "Extended XAPIC (x2APIC)".
 */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include "lib/types.h"

/* ICR "Delivery Mode" and level bits */
#define ICR_FIXED	 (0x0 << 8)
#define ICR_NMI		 (0x4 << 8)
#define ICR_INIT	 (0x5 << 8)
#define ICR_STARTUP	 (0x6 << 8)
#define ICR_LEVEL_ASSERT BIT(14)

void lapic_init(void);
bool lapic_x2apic(void);
uint32_t lapic_id(void);
/* Send an IPI to apic_id; icr_low holds vector, delivery mode, level. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);
void lapic_eoi(void);

/* The APIC timer in TSC-deadline mode (SDM Vol. 3A, "TSC-Deadline
 * Mode"): lapic_tsc_deadline says whether the CPU has it
 * (CPUID.1:ECX[24]); lapic_timer_at asks for one interrupt on vector
 * once the TSC reaches deadline (this CPU; 0 disarms). */
bool lapic_tsc_deadline(void);
void lapic_timer_at(uint8_t vector, uint64_t deadline);

#endif
