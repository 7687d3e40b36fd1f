/*
 * tests/guests/echo.c - a console guest: reads lines from its UART
 * (polling LSR.DR, as a simple boot loader or monitor does) and prints
 * each back as "got 'LINE'", control bytes shown as ^A, ^B, ... The
 * operator's keys reach it through the
 * hypervisor's console (docs/console.md). Between polls it spins a while
 * so that waiting costs few exits. Command line: rounds=N prints a
 * "waiting" line every N empty polls (default 0: never).
 * Runs as a Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "echo";

#define LINE_MAX  72
#define SPIN_WAIT 20000 /* pause iterations between two polls */

static void spin(void)
{
	for (unsigned i = 0; i < SPIN_WAIT; i++)
		__asm__ volatile("pause");
}

/* The next received byte, waiting for it; a "waiting" line every
 * `rounds` empty polls when rounds is not 0. */
static char read_byte(uint32_t rounds)
{
	uint32_t empty = 0;
	bool overrun;
	int c;

	while ((c = serial_getc(&overrun)) < 0) {
		if (overrun)
			gprintf("echo: input overrun: bytes were lost\n");
		if (rounds && ++empty % rounds == 0)
			gprintf("echo: waiting\n");
		spin();
	}
	return (char)c;
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	char line[LINE_MAX + 1];
	unsigned len = 0;
	uint32_t rounds;

	if (mb2_view(magic, info, &v))
		return 1;
	rounds = cmdline_number(v.cmdline, "rounds", 0);
	gprintf("echo: ready, type a line\n");
	for (;;) {
		char c = read_byte(rounds);

		if (c == '\r' || c == '\n') {
			line[len] = '\0';
			if (len)
				gprintf("echo: got '%s'\n", line);
			len = 0;
		} else if ((c == 0x7f || c == 0x08) && len) {
			len--;
		} else if (c >= 0x20 && c < 0x7f && len < LINE_MAX) {
			line[len++] = c;
		} else if ((unsigned char)c < 0x20 && len < LINE_MAX - 1) {
			line[len++] = '^';
			line[len++] = (char)(c + '@');
		}
	}
}
