/*
 * tests/guests/lib/serial.c - the guest's console: COM1, an 8250/16550
 * UART at port 0x3f8. Initialised as a real 16550 (115200 8N1, FIFOs on)
 * and polled for THRE before each byte, which works bare in Bochs (whose
 * UART is paced) and on the hypervisor's emulated UART (always ready).
 * Runs in the guest.
 */
#include "tests/guests/lib/guest.h"

/* PC16550D data sheet, "Register Summary" */
#define COM1	    0x3f8
#define UART_THR    0 /* transmit holding (write) */
#define UART_IER    1 /* interrupt enable */
#define UART_DLL    0 /* divisor latch, low (DLAB = 1) */
#define UART_DLM    1 /* divisor latch, high (DLAB = 1) */
#define UART_FCR    2 /* FIFO control */
#define UART_LCR    3 /* line control */
#define UART_MCR    4 /* modem control */
#define UART_LSR    5 /* line status */
#define LCR_DLAB    0x80
#define LCR_8N1	    0x03
#define FCR_FIFO    0xc7 /* enable, clear both, 14-byte trigger */
#define MCR_DTR_RTS 0x03
#define UART_RBR    0	 /* receive buffer (read) */
#define LSR_DR	    0x01 /* a received byte is waiting */
#define LSR_OE	    0x02 /* a received byte was lost */
#define LSR_THRE    0x20 /* room for a byte */
#define LSR_TEMT    0x40 /* everything sent */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_FIFO);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_flush(void)
{
	while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
		;
}

int serial_getc(bool *overrun)
{
	uint8_t lsr = inb(COM1 + UART_LSR);

	if (overrun)
		*overrun = lsr & LSR_OE;
	if (!(lsr & LSR_DR))
		return -1;
	return inb(COM1 + UART_RBR);
}
