/*
 * drivers/hw/font.h - the PSF console font built into hv.elf
 * (drivers/hw/font.S, from drivers/hw/font.mk). Read-only, any context.
 */
#ifndef DRIVERS_HW_FONT_H
#define DRIVERS_HW_FONT_H

#include "lib/types.h"

extern const uint8_t font_psf[];
extern const uint64_t font_psf_size;

#endif
