/*
 * kernel/delay.c - busy-wait delays from the ACPI PM timer.
 * Any CPU. The PM timer runs at 3.579545 MHz whatever the CPU does (ACPI
 * Specification, "Power Management Timer"); without one, each write to
 * the POST port 0x80 takes about a microsecond on PC hardware.
 */
#include "arch/x86_64/cpu.h"
#include "kernel/acpi.h"
#include "kernel/delay.h"

#define PM_TIMER_HZ 3579545ULL
#define POST_PORT   0x80

static void delay_pm_timer(uint64_t us)
{
	uint32_t mask = acpi.pm_tmr_32bit ? 0xffffffffu : 0xffffffu;
	uint64_t want = us * PM_TIMER_HZ / 1000000 + 1;
	uint32_t last = inl((uint16_t)acpi.pm_tmr) & mask;
	uint64_t elapsed = 0;

	while (elapsed < want) {
		uint32_t now = inl((uint16_t)acpi.pm_tmr) & mask;

		elapsed += (now - last) & mask;
		last = now;
		cpu_relax();
	}
}

void delay_us(uint64_t us)
{
	if (acpi.pm_tmr) {
		delay_pm_timer(us);
		return;
	}
	for (uint64_t i = 0; i < us; i++)
		outb(POST_PORT, 0);
}
