/*
 * kernel/power.c - power off at the end of a run or after a fatal error.
 * Any CPU, interrupts off. Tries ACPI S5 first (kernel/acpi.c knows the
 * PM1 control ports and SLP_TYP values), then the exit ports of the
 * emulators we test on, so every run ends by itself.
 */
#define LOG_PREFIX ""
#include <stdarg.h>
#include "arch/x86_64/cpu.h"
#include "kernel/acpi.h"
#include "kernel/console.h"
#include "kernel/power.h"
#include "kernel/smp.h"
#include "lib/fmt.h"
#include "lib/log.h"

#define BOCHS_SHUTDOWN_PORT  0x8900 /* Bochs: write "Shutdown" */
#define QEMU_DEBUG_EXIT_PORT 0xf4   /* QEMU isa-debug-exit, if configured */

static void bochs_shutdown(void)
{
	for (const char *p = "Shutdown"; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
}

void power_off(void)
{
	irq_disable();
	smp_stop_others();
	pr_info("powering off");
	console_flush();
	acpi_power_off();
	bochs_shutdown();
	outl(QEMU_DEBUG_EXIT_PORT, 0);
	pr_err("power-off failed: the machine can be switched off now");
	console_flush();
	cpu_halt_forever();
}

void fatal(const char *fmt, ...)
{
	char msg[224];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("fatal: %s", msg);
	power_off();
}
