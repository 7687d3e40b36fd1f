/*
 * drivers/hw/pit.h - the 8254 PIT's channel 2 as a one-shot, to time a
 * known interval by polling (nothing here uses interrupts).
 * Boot CPU, interrupts off, during TSC calibration (kernel/tsc.c).
 */
#ifndef DRIVERS_HW_PIT_H
#define DRIVERS_HW_PIT_H

#include "lib/types.h"

/*
 * Gate channel 2 on (speaker off) and count `count` periods of the
 * 1.193182 MHz input in mode 0; its output goes high at zero.
 * count 0 means 65536.
 */
void pit_oneshot_start(uint16_t count);
/* Channel 2's output: true once the count reached zero. */
bool pit_oneshot_done(void);
/* Give port 0x61 back the gate and speaker bits it had before start. */
void pit_oneshot_stop(void);

#endif
