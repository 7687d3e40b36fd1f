/*
 * drivers/virt/pit8254.h - the 8254 programmable interval timer of a PC
 * (ports 0x40-0x43) and port 0x61 (channel 2's gate and output, the
 * speaker enable), with time from the creator's clock.
 * Pure logic, run in I/O exits on the vCPU's CPU; unit-tested on the host
 * with a fake clock.
 * Intel 8254 Programmable Interval Timer data sheet, "Control Word
 * Format", "Read-Back Command", "Mode 0", "Mode 2", "Mode 3"; Intel PCH
 * datasheets, "NMI Status and Control Register" (port 61h).
 *
 * Modelled: the three counters with binary counts, LSB/MSB/both access
 * with their flip-flops, modes 0 (interrupt on terminal count), 2 (rate
 * generator) and 3 (square wave), counter latch and read-back (count and
 * status), channel 2's gate from port 0x61 bit 0 (low pauses mode 0,
 * rising restarts modes 2 and 3) and its output in port 0x61 bit 5, the
 * refresh toggle (bit 4, every 15 us). Channel 0's output reaches the
 * creator as rising edges when it calls pit8254_update (IRQ 0).
 * Not modelled: BCD counting; modes 1 and 5 (hardware-triggered) and 4
 * (strobe) count as mode 0 does; the speaker.
 */
#ifndef DRIVERS_VIRT_PIT8254_H
#define DRIVERS_VIRT_PIT8254_H

#include "drivers/virt/portbus.h"

#define PIT8254_HZ	 1193182
#define PIT8254_CHANNELS 3

struct pit8254_ops {
	uint64_t (*now_ns)(void *ctx);
	void (*irq0)(void *ctx); /* a rising edge of channel 0's output */
	void *ctx;
};

struct pit8254_channel {
	uint8_t mode, rw; /* rw: 1 LSB, 2 MSB, 3 LSB then MSB */
	uint32_t reload;  /* 1-65536 */
	uint16_t pending; /* LSB written, waiting for the MSB */
	bool write_msb, read_msb;
	bool counting;	 /* a count was loaded */
	bool null_count; /* loaded but not yet counting (status bit) */
	bool latched, status_latched, latch_msb;
	uint16_t latch;
	uint8_t status;
	uint64_t start_ns;     /* when counting (re)started */
	uint64_t paused_ticks; /* mode 0 with the gate low: ticks so far */
	bool gate;
};

struct pit8254 {
	struct pit8254_ops ops;
	struct pit8254_channel ch[PIT8254_CHANNELS];
	uint8_t port61;	     /* the writable bits 0-3 */
	uint64_t irq0_edges; /* channel 0 periods already reported */
};

void pit8254_init(struct pit8254 *p, const struct pit8254_ops *ops);
/* Ports 0x40-0x43 and port 0x61 (separate: 0x60 and 0x64 are others'). */
struct port_device pit8254_device(struct pit8254 *p, uint16_t base);
struct port_device pit8254_port61_device(struct pit8254 *p, uint16_t port);
/* Report channel 0's rising edges since the last call (ops.irq0, at
 * most one call: a missed tick is lost as on a busy PC); call before
 * entering the guest or from a host timer. */
void pit8254_update(struct pit8254 *p);
/* Nanoseconds from now to channel 0's next rising edge, or UINT64_MAX
 * when it will not rise (not counting, or mode 0 already done). */
uint64_t pit8254_next_irq0_ns(struct pit8254 *p);

#endif
