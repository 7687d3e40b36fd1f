/*
 * kernel/console.h - the hypervisor's console: one ordered stream of
 * whole lines, written to the serial port and mirrored on a framebuffer.
 * Any context, any CPU. Writers append to a ring under a short lock; one
 * CPU at a time drains the ring to the (slow, paced) devices, so a writer
 * never waits for the UART while another CPU is already draining.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "lib/types.h"

typedef void (*console_sink_fn)(const char *buf, size_t len);

void console_init(void);
/* Add an output device (serial, framebuffer); at most CONSOLE_SINKS_MAX. */
void console_add_sink(console_sink_fn sink);
/* Append bytes; drains unless another CPU is draining already. */
void console_write(const char *buf, size_t len);
/* Append bytes without draining: for callers in a hot path (a VM's
 * console output during an exit); console_flush drains later. */
void console_append(const char *buf, size_t len);
/* Drain everything buffered (used before power-off and in panic). */
void console_flush(void);

#define CONSOLE_SINKS_MAX 4

#endif
