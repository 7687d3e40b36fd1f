/*
 * drivers/virt/i8042.h - the 8042 keyboard controller a PC has at ports
 * 0x60 (data) and 0x64 (status/command), with nothing plugged in.
 * It is there for what an OS does with it without a keyboard: probe it,
 * self-test it, read and write its command byte, and reset the machine
 * (command 0xfe, "pulse the reset line").
 * Pure logic, run in I/O exits on the vCPU's CPU; unit-tested on the host.
 * IBM PC/AT Technical Reference, "Keyboard Controller"; the commands as
 * Linux's drivers/input/serio/i8042.h names them.
 *
 * Modelled: status (OBF, SYS, CMD/DATA, not-inhibited), the command byte
 * (0x20/0x60), self-test 0xaa -> 0x55, interface tests 0xab -> 0x00 (the
 * keyboard port) and 0xa9 -> 0x01 (no second, AUX, port: "clock line
 * stuck low"), enable/disable 0xad/0xae/0xa7/0xa8 (bits of the command
 * byte), output port 0xd0/0xd1 (a write with bit 0 clear resets),
 * 0xd2/0xd3 (the byte comes back as keyboard data, never flagged as AUX:
 * Linux's loop test then finds no AUX port at once), pulse commands
 * 0xf0-0xff (bit 0 clear: reset). A byte sent to the keyboard or the
 * mouse is answered by the controller with 0xfe and the time-out status
 * bit: no device is there. IRQ 1 follows OBF when the command byte
 * enables it (a level; the creator routes it).
 * Not modelled: a keyboard or mouse and their scan codes, the A20 gate
 * (the VM's memory always sees A20 on), the input port, password and
 * test-input commands (0xc0 and 0xe0 read 0).
 */
#ifndef DRIVERS_VIRT_I8042_H
#define DRIVERS_VIRT_I8042_H

#include "drivers/virt/portbus.h"

struct i8042_ops {
	void (*reset)(void *ctx, const char *how);
	void (*irq)(void *ctx, bool asserted); /* IRQ 1; may be NULL */
	void *ctx;
};

struct i8042 {
	struct i8042_ops ops;
	uint8_t ctr;	 /* the controller command byte */
	uint8_t out;	 /* the output buffer */
	uint8_t status;	 /* the status register's flags */
	uint8_t pending; /* a command waiting for its data byte, or 0 */
	uint8_t output_port;
	bool irq; /* the level last given to ops.irq */
	uint64_t unknown_commands;
};

void i8042_init(struct i8042 *k, const struct i8042_ops *ops);
/* As after a machine reset. */
void i8042_reset(struct i8042 *k);
/* The data port (0x60) and the status/command port (0x64), one port
 * each: 0x61-0x63 between them belong to others. */
struct port_device i8042_data_device(struct i8042 *k, uint16_t port);
struct port_device i8042_cmd_device(struct i8042 *k, uint16_t port);

#endif
