/*
 * drivers/virt/uart8250.h - the 8250/16550 UART a guest sees at COM1, for
 * its console. Transmit only for now: the transmitter is always ready
 * (LSR reports THRE and TEMT at once), so a guest's output costs one exit
 * a byte and no waiting; bytes go to a callback (the VM's console).
 * Pure logic; the VM's vCPU's CPU.
 * PC16550D data sheet, "Registers".
 */
#ifndef DRIVERS_VIRT_UART8250_H
#define DRIVERS_VIRT_UART8250_H

#include "drivers/virt/portbus.h"

#define UART8250_COM1 0x3f8

struct uart8250 {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	void (*tx)(void *ctx, char c);
	void *ctx;
};

void uart8250_init(struct uart8250 *u, void (*tx)(void *ctx, char c),
		   void *ctx);
/* The port_device for the bus, at base (8 ports). */
struct port_device uart8250_device(struct uart8250 *u, uint16_t base);

#endif
