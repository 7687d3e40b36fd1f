/*
 * drivers/virt/rtc_cmos.h - the MC146818-style real-time clock and CMOS
 * memory of a PC at ports 0x70 (index) and 0x71 (data).
 * Pure logic, run in I/O exits on the vCPU's CPU; unit-tested on the host
 * with a fake clock.
 * Motorola MC146818A data sheet, "Address Map", "Registers"; the CMOS
 * layout of the IBM PC/AT (shutdown status 0x0f, century 0x32).
 *
 * Modelled: the time and date registers from the creator's clock
 * (seconds since 1970, UTC), in BCD or binary and 12 or 24 hours as
 * register B says (BCD, 24 hours by default); the guest setting the
 * clock (kept as an offset from the creator's clock, so it runs on);
 * the century byte 0x32 (the FADT's CENTURY); register A with UIP
 * always 0 (a read never straddles an update: each is computed whole);
 * register C reading 0 (no interrupt is ever pending); register D with
 * VRT (valid RAM and time); the other bytes as plain CMOS memory
 * (0x0f shutdown status, alarms, ...). The NMI-disable bit 7 of the
 * index is ignored.
 * Not modelled: the periodic, alarm and update interrupts (IRQ 8),
 * the SET bit freezing the clock, daylight saving, the second bank.
 */
#ifndef DRIVERS_VIRT_RTC_CMOS_H
#define DRIVERS_VIRT_RTC_CMOS_H

#include "drivers/virt/portbus.h"

#define RTC_CMOS_SIZE 128

struct rtc_cmos_ops {
	uint64_t (*now_s)(void *ctx); /* seconds since 1970-01-01 UTC */
	void *ctx;
};

struct rtc_cmos {
	struct rtc_cmos_ops ops;
	uint8_t index;
	uint8_t ram[RTC_CMOS_SIZE];
	int64_t offset; /* what the guest set minus the creator's clock */
};

void rtc_cmos_init(struct rtc_cmos *r, const struct rtc_cmos_ops *ops);
/* The index and data ports (2 ports from base, 0x70 on a PC). */
struct port_device rtc_cmos_device(struct rtc_cmos *r, uint16_t base);

#endif
