/*
 * kernel/delay.h - busy-wait for a number of microseconds.
 * Any CPU, any context; for start-up sequences (INIT-SIPI-SIPI), not for
 * anything on a hot path.
 */
#ifndef KERNEL_DELAY_H
#define KERNEL_DELAY_H

#include "lib/types.h"

void delay_us(uint64_t us);

#endif
