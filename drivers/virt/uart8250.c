/*
 * drivers/virt/uart8250.c - register model of the guest's 16550 UART.
 * Pure logic, run in I/O exits; unit-tested on the host.
 * PC16550D data sheet, "Registers" (offsets with DLAB = LCR bit 7).
 */
#include "drivers/virt/uart8250.h"

#define REG_DATA	 0 /* RBR/THR, or DLL with DLAB */
#define REG_IER		 1 /* or DLM with DLAB */
#define REG_IIR		 2 /* read; FCR on write */
#define REG_LCR		 3
#define REG_MCR		 4
#define REG_LSR		 5
#define REG_MSR		 6
#define REG_SCR		 7
#define LCR_DLAB	 0x80
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFO_ENABLED 0xc0
#define LSR_THRE	 0x20
#define LSR_TEMT	 0x40
#define MSR_CTS_DSR_DCD	 0xb0
#define MCR_DTR		 0x01
#define MCR_RTS		 0x02
#define MCR_OUT1	 0x04
#define MCR_OUT2	 0x08
#define MCR_LOOP	 0x10

void uart8250_init(struct uart8250 *u, void (*tx)(void *ctx, char c), void *ctx)
{
	*u = (struct uart8250){.tx = tx, .ctx = ctx};
}

/* Outside loopback a terminal is attached (CTS, DSR, DCD). In loopback
 * the modem outputs feed the inputs: CTS = RTS, DSR = DTR, RI = OUT1,
 * DCD = OUT2; probes (Xen's, Linux's off COM1-4) check MSR for this.
 * The delta bits stay 0: there is no modem-status interrupt. */
static uint8_t uart_msr(const struct uart8250 *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_CTS_DSR_DCD;
	return (uint8_t)((m & MCR_RTS) << 3 | (m & MCR_DTR) << 5 |
			 (m & MCR_OUT1) << 4 | (m & MCR_OUT2) << 4);
}

static uint32_t uart_read(void *opaque, uint16_t offset, unsigned size)
{
	struct uart8250 *u = opaque;
	bool dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case REG_DATA: return dlab ? u->dll : 0; /* no input yet */
	case REG_IER: return dlab ? u->dlm : u->ier;
	case REG_IIR: return IIR_NO_INTERRUPT | IIR_FIFO_ENABLED;
	case REG_LCR: return u->lcr;
	case REG_MCR: return u->mcr;
	case REG_LSR: return LSR_THRE | LSR_TEMT;
	case REG_MSR: return uart_msr(u);
	default: return u->scr;
	}
}

static void uart_write(void *opaque, uint16_t offset, unsigned size,
		       uint32_t value)
{
	struct uart8250 *u = opaque;
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v = (uint8_t)value;

	switch (offset) {
	case REG_DATA:
		/* In loopback nothing leaves the chip (the byte would go to
		 * the receiver, which is not modelled yet). */
		if (dlab)
			u->dll = v;
		else if (u->tx && !(u->mcr & MCR_LOOP))
			u->tx(u->ctx, (char)v);
		break;
	case REG_IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case REG_LCR: u->lcr = v; break;
	case REG_MCR: u->mcr = v & 0x1f; break;
	case REG_SCR: u->scr = v; break;
	default: break; /* FCR, LSR, MSR: nothing to keep */
	}
}

struct port_device uart8250_device(struct uart8250 *u, uint16_t base)
{
	return (struct port_device){.name = "uart8250",
				    .base = base,
				    .count = 8,
				    .read = uart_read,
				    .write = uart_write,
				    .opaque = u};
}
