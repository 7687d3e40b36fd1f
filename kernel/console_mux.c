/*
 * kernel/console_mux.c - the operator's keys: a state machine (VM input,
 * after Ctrl-A, monitor, after Ctrl-A in the monitor). Pure logic; the
 * boot CPU feeds it.
 * The keys are those of QEMU's and screen's serial multiplexers, so
 * that fingers used to them need nothing new.
 */
#include "kernel/console_mux.h"

#define KEY_MONITOR 'm'
#define KEY_QUIT    'x'

const char console_mux_keys_help[] =
	"keys: Ctrl-A 1-9 input to VM 1-9, Ctrl-A m monitor, "
	"Ctrl-A x quit, Ctrl-A Ctrl-A a literal Ctrl-A";

void console_mux_init(struct console_mux *m)
{
	m->mode = MUX_VM;
}

void console_mux_monitor_closed(struct console_mux *m)
{
	m->mode = MUX_VM;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static struct console_mux_action mux_command(struct console_mux *m,
					     uint8_t byte);

/* The byte after Ctrl-A in the monitor: x and 1-9 as outside it, any
 * other key closes it. */
static struct console_mux_action mux_monitor_command(struct console_mux *m,
						     uint8_t byte)
{
	m->mode = MUX_VM;
	if ((byte >= '1' && byte <= '9') || lower(byte) == KEY_QUIT)
		return mux_command(m, byte);
	return (struct console_mux_action){.act = ACT_MONITOR_CLOSE};
}

/* The byte after Ctrl-A. */
static struct console_mux_action mux_command(struct console_mux *m,
					     uint8_t byte)
{
	uint8_t key = lower(byte);

	m->mode = MUX_VM;
	if (byte >= '1' && byte <= '9')
		return (struct console_mux_action){.act = ACT_FOCUS,
						   .vm = byte - '0'};
	if (byte == CONSOLE_MUX_ESCAPE)
		return (struct console_mux_action){.act = ACT_TO_VM,
						   .byte = byte};
	if (key == KEY_MONITOR) {
		m->mode = MUX_MONITOR;
		return (struct console_mux_action){.act = ACT_MONITOR_OPEN};
	}
	if (key == KEY_QUIT)
		return (struct console_mux_action){.act = ACT_QUIT};
	return (struct console_mux_action){.act = ACT_HELP, .byte = byte};
}

struct console_mux_action console_mux_feed(struct console_mux *m, uint8_t byte)
{
	switch (m->mode) {
	case MUX_ESCAPE: return mux_command(m, byte);
	case MUX_MONITOR_ESCAPE: return mux_monitor_command(m, byte);
	case MUX_MONITOR:
		if (byte == CONSOLE_MUX_ESCAPE) {
			m->mode = MUX_MONITOR_ESCAPE;
			return (struct console_mux_action){.act = ACT_NONE};
		}
		return (struct console_mux_action){.act = ACT_TO_MONITOR,
						   .byte = byte};
	default:
		if (byte == CONSOLE_MUX_ESCAPE) {
			m->mode = MUX_ESCAPE;
			return (struct console_mux_action){.act = ACT_NONE};
		}
		return (struct console_mux_action){.act = ACT_TO_VM,
						   .byte = byte};
	}
}
