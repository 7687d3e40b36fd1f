/*
 * tests/guests/linux/tsc.c - /bin/tsc in the Linux guest's initramfs:
 * prints the time-stamp counter (RDTSC) in decimal and exits. A static
 * x86-64 Linux program without libc: its own _start and the write and
 * exit_group system calls. Bare in Bochs the TSC counts emulated
 * instructions since power-on, so /init's ready line carries the boot
 * cost in ticks (docs/linux-guest.md).
 * SDM Vol. 2B, "RDTSC - Read Time-Stamp Counter"; Linux x86-64 system
 * call convention (arch/x86/entry/entry_64.S).
 */
#include <stdint.h>

#define SYS_WRITE      1
#define SYS_EXIT_GROUP 231
#define STDOUT	       1

static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void _start(void) __attribute__((noreturn));

void _start(void)
{
	char buf[24];
	char *p = buf + sizeof(buf);
	uint64_t t = rdtsc();

	*--p = '\n';
	do {
		*--p = (char)('0' + t % 10);
		t /= 10;
	} while (t);
	syscall3(SYS_WRITE, STDOUT, (long)p, buf + sizeof(buf) - p);
	syscall3(SYS_EXIT_GROUP, 0, 0, 0);
	__builtin_unreachable();
}
