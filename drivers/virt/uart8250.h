/*
 * drivers/virt/uart8250.h - the 8250/16550 UART a guest sees at COM1, for
 * its console. The transmitter is always ready (LSR reports THRE and
 * TEMT at once), so a guest's output costs one exit a byte and no
 * waiting; bytes go to a callback (the VM's console). The receiver has
 * the 16550's 16-byte FIFO: the hypervisor pushes the operator's keys
 * into it (uart8250_rx_push), the guest reads them from RBR when LSR.DR
 * says so; a byte pushed into a full FIFO is lost and sets LSR.OE.
 * Interrupts (IER/IIR: line status, received data, THR empty) drive a
 * level callback, gated by MCR.OUT2 as on a PC.
 * Pure logic. Register accesses come from the VM's vCPU's CPU, pushes
 * from the boot CPU: `lock` guards the whole state.
 * PC16550D data sheet, "Registers", "FIFO Interrupt Mode Operation".
 */
#ifndef DRIVERS_VIRT_UART8250_H
#define DRIVERS_VIRT_UART8250_H

#include "drivers/virt/portbus.h"
#include "lib/spinlock.h"

#define UART8250_COM1	   0x3f8
#define UART8250_FIFO_SIZE 16

struct uart8250 {
	struct spinlock lock;
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t rx[UART8250_FIFO_SIZE]; /* receive FIFO, a ring */
	unsigned rx_head, rx_count;
	bool overrun;	   /* LSR.OE until LSR is read */
	bool thre_pending; /* THR-empty interrupt until IIR read/THR write */
	bool irq_level;	   /* what the irq callback was last told */
	void (*tx)(void *ctx, char c);
	void *ctx;
	void (*irq)(void *irq_ctx, bool level); /* may be NULL */
	void *irq_ctx;
};

void uart8250_init(struct uart8250 *u, void (*tx)(void *ctx, char c),
		   void *ctx);
/* The interrupt line: called with the new level whenever it changes
 * (with u's lock held: the callee must not touch u). */
void uart8250_set_irq(struct uart8250 *u, void (*irq)(void *, bool),
		      void *irq_ctx);
/* Back to the power-on state (a VM reset); keeps the callbacks. */
void uart8250_reset(struct uart8250 *u);
/* A received byte into the FIFO: false (byte lost, LSR.OE set) when
 * the FIFO is full. */
bool uart8250_rx_push(struct uart8250 *u, uint8_t byte);
/* Free places in the receive FIFO. */
unsigned uart8250_rx_room(struct uart8250 *u);
/* The port_device for the bus, at base (8 ports). */
struct port_device uart8250_device(struct uart8250 *u, uint16_t base);

#endif
