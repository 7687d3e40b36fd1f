/*
 * lib/panic.h - stop the machine on a hypervisor bug, naming file and line.
 * Any context. Declared here so every layer can call it; the kernel
 * implements it in kernel/panic.c (halts every CPU), a host unit test
 * implements its own (fails the test).
 *
 * Never call panic for something a guest did: a guest's fault stops that
 * guest only.
 */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

__attribute__((noreturn, format(printf, 3, 4))) void
panic_at(const char *file, int line, const char *fmt, ...);

#define panic(fmt, ...) panic_at(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

/* A condition the code relies on; false means a hypervisor bug. */
#define BUG_ON(cond)                             \
	do {                                     \
		if (cond)                        \
			panic("BUG: %s", #cond); \
	} while (0)

#endif
