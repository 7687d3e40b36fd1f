/*
 * kernel/power.h - ending a run: power off, or a fatal start-up error
 * (bad input, unsupported machine) that explains itself and powers off.
 * Any context, boot CPU or not.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/* Flush the console and power the machine off (ACPI S5, then the
 * emulators' exit ports); halts if nothing worked. */
__attribute__((noreturn)) void power_off(void);

/* For errors in the machine or the input, not bugs: print "fatal: ..."
 * with what would fix it, then power off. */
__attribute__((noreturn, format(printf, 1, 2))) void fatal(const char *fmt,
							   ...);

#endif
