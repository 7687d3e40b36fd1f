/*
 * drivers/hw/uart.c - polled 16550 UART on the host's COM1.
 * Output runs with the console lock held, any CPU. Every byte waits for
 * the transmit-holding register to be empty (LSR.THRE): emulated UARTs
 * are paced at the baud rate and drop bytes written early. Input is
 * polled (LSR.DR) by the boot CPU alone: there are no host interrupts.
 * PC16550D data sheet, "Registers", "Line Status Register".
 */
#include "arch/x86_64/cpu.h"
#include "drivers/hw/uart.h"

/* 16550 register offsets and bits (PC16550D data sheet) */
#define UART_THR	    0 /* transmit holding (DLAB=0) */
#define UART_RBR	    0 /* receive buffer (DLAB=0), read */
#define UART_DLL	    0 /* divisor latch low (DLAB=1) */
#define UART_IER	    1
#define UART_DLM	    1
#define UART_FCR	    2
#define UART_LCR	    3
#define UART_MCR	    4
#define UART_LSR	    5
#define UART_SCR	    7
#define LCR_8N1		    0x03
#define LCR_DLAB	    0x80
#define LSR_DR		    0x01 /* data ready */
#define LSR_THRE	    0x20
#define MCR_DTR_RTS_OUT2    0x0b
#define FCR_ENABLE_CLEAR    0x07
#define UART_DIVISOR_115200 1

static uint16_t uart_base;

bool uart_init(uint16_t base)
{
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, UART_DIVISOR_115200);
	outb(base + UART_DLM, 0);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	uart_base = base;
	return true;
}

static void uart_putc(char c)
{
	while (!(inb(uart_base + UART_LSR) & LSR_THRE))
		cpu_relax();
	outb(uart_base + UART_THR, (uint8_t)c);
}

void uart_write(const char *buf, size_t len)
{
	if (!uart_base)
		return;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc('\r');
		uart_putc(buf[i]);
	}
}

int uart_getc(void)
{
	if (!uart_base || !(inb(uart_base + UART_LSR) & LSR_DR))
		return -1;
	return inb(uart_base + UART_RBR);
}
