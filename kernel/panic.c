/*
 * kernel/panic.c - stop the hypervisor on its own bug.
 * Any context. Prints where, flushes the console and halts this CPU; the
 * other CPUs are stopped by an NMI when SMP is up (kernel/smp.c).
 */
#define LOG_PREFIX ""
#include <stdarg.h>
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"
#include "kernel/smp.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/panic.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	irq_disable();
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	smp_stop_others();
	pr_err("PANIC at %s:%d: %s", file, line, msg);
	pr_err("the hypervisor stopped; this is a bug in the hypervisor, "
	       "please report it with the log above");
	console_flush();
	cpu_halt_forever();
}
