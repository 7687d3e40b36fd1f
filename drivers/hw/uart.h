/*
 * drivers/hw/uart.h - the host's 16550 serial port (COM1): output for
 * the kernel console (called with its lock held), polled input for the
 * operator's keys (the boot CPU only).
 */
#ifndef DRIVERS_HW_UART_H
#define DRIVERS_HW_UART_H

#include "lib/types.h"

#define UART_COM1 0x3f8

/* Program 115200 8N1; false when no UART answers at that port. */
bool uart_init(uint16_t base);
/* Send bytes, waiting for THRE before each one (the UART is paced). */
void uart_write(const char *buf, size_t len);
/* The next received byte (LSR.DR set), or -1 when none is waiting (or
 * there is no UART). Never waits. */
int uart_getc(void);

#endif
