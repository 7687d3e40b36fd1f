/*
 * kernel/console_mux.h - what the operator's keys on the host console
 * mean: bytes for the VM that has focus, or, after the escape key
 * Ctrl-A, a command (focus VM N, open the monitor, quit). Pure logic: a
 * state machine fed one byte at a time, unit-tested on the host; the
 * boot CPU feeds it what the host UART received (vmx/vm_control.c).
 * Keys (docs/console.md):
 *   Ctrl-A 1..9      input goes to VM 1..9 (in start order)
 *   Ctrl-A m         open the monitor
 *   Ctrl-A x         quit: stop every VM, print the statistics, power off
 *   Ctrl-A Ctrl-A    a literal Ctrl-A for the VM
 *   Ctrl-A other     the key summary (ACT_HELP)
 * In the monitor Ctrl-A is the same prefix: Ctrl-A x quits, Ctrl-A 1-9
 * leaves it for VM N, Ctrl-A and any other key (m, Ctrl-A) leaves it.
 */
#ifndef KERNEL_CONSOLE_MUX_H
#define KERNEL_CONSOLE_MUX_H

#include "lib/types.h"

#define CONSOLE_MUX_ESCAPE 0x01 /* Ctrl-A */

enum console_mux_mode {
	MUX_VM,		    /* bytes go to the focused VM */
	MUX_ESCAPE,	    /* Ctrl-A seen: the next byte is a command */
	MUX_MONITOR,	    /* bytes go to the monitor's line editor */
	MUX_MONITOR_ESCAPE, /* Ctrl-A seen in the monitor */
};

enum console_mux_act {
	ACT_NONE,	   /* nothing to do (the escape key itself) */
	ACT_TO_VM,	   /* byte goes to the VM that has focus */
	ACT_TO_MONITOR,	   /* byte goes to the monitor */
	ACT_FOCUS,	   /* vm (1-9) gets the focus (the monitor closes) */
	ACT_MONITOR_OPEN,  /* the monitor opens */
	ACT_MONITOR_CLOSE, /* the monitor closes, input goes to the VM */
	ACT_QUIT,	   /* stop every VM and power off */
	ACT_HELP,	   /* an unknown key after Ctrl-A: show the keys */
};

struct console_mux_action {
	enum console_mux_act act;
	uint8_t byte; /* ACT_TO_VM, ACT_TO_MONITOR */
	unsigned vm;  /* ACT_FOCUS: 1-9 */
};

struct console_mux {
	enum console_mux_mode mode;
};

void console_mux_init(struct console_mux *m);
/* One received byte in, what to do with it out. */
struct console_mux_action console_mux_feed(struct console_mux *m, uint8_t byte);
/* The monitor closed itself (its `exit` command): input goes to the VM. */
void console_mux_monitor_closed(struct console_mux *m);
/* A one-line summary of the keys, for the start and for ACT_HELP. */
extern const char console_mux_keys_help[];

#endif
