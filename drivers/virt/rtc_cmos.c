/*
 * drivers/virt/rtc_cmos.c - register model of the PC's RTC and CMOS.
 * Pure logic, run in I/O exits; unit-tested on the host.
 * Motorola MC146818A data sheet, "Address Map", "Registers".
 */
#include "drivers/virt/rtc_cmos.h"
#include "drivers/virt/pc_platform.h"
#include "lib/calendar.h"

/* "Address Map" */
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS   0x04
#define REG_WEEKDAY 0x06
#define REG_DAY	    0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A	    0x0a
#define REG_B	    0x0b
#define REG_C	    0x0c
#define REG_D	    0x0d
#define REG_CENTURY PC_RTC_CENTURY
#define INDEX_MASK  0x7f /* bit 7: NMI disable, ignored */
#define PORT_INDEX  0
#define PORT_DATA   1

#define A_UIP	    BIT(7)
#define A_DEFAULT   0x26 /* 32.768 kHz time base, 1024 Hz rate */
#define B_DM_BINARY BIT(2)
#define B_24H	    BIT(1)
#define B_DEFAULT   B_24H /* BCD, 24 hours */
#define D_VRT	    BIT(7)
#define HOUR_PM	    BIT(7) /* in 12-hour mode */

void rtc_cmos_init(struct rtc_cmos *r, const struct rtc_cmos_ops *ops)
{
	*r = (struct rtc_cmos){.ops = *ops};
	r->ram[REG_A] = A_DEFAULT;
	r->ram[REG_B] = B_DEFAULT;
	r->ram[REG_D] = D_VRT;
}

static int64_t rtc_now(const struct rtc_cmos *r)
{
	int64_t host = r->ops.now_s ? (int64_t)r->ops.now_s(r->ops.ctx) : 0;

	return host + r->offset; /* a guest may set a date before 1970 */
}

static bool rtc_binary(const struct rtc_cmos *r)
{
	return r->ram[REG_B] & B_DM_BINARY;
}

static uint8_t rtc_encode(const struct rtc_cmos *r, unsigned v)
{
	v %= 100;
	return (uint8_t)(rtc_binary(r) ? v : (v / 10) << 4 | v % 10);
}

static unsigned rtc_decode(const struct rtc_cmos *r, uint8_t v)
{
	return rtc_binary(r) ? v : (v >> 4) * 10u + (v & 0xf);
}

/* 24 hours, or 1-12 with bit 7 for PM. */
static uint8_t rtc_encode_hour(const struct rtc_cmos *r, unsigned h)
{
	unsigned h12 = h % 12 ? h % 12 : 12;

	if (r->ram[REG_B] & B_24H)
		return rtc_encode(r, h);
	return (uint8_t)(rtc_encode(r, h12) | (h >= 12 ? HOUR_PM : 0));
}

static unsigned rtc_decode_hour(const struct rtc_cmos *r, uint8_t v)
{
	unsigned h;

	if (r->ram[REG_B] & B_24H)
		return rtc_decode(r, v);
	h = rtc_decode(r, v & (uint8_t)~HOUR_PM) % 12;
	return v & HOUR_PM ? h + 12 : h;
}

static uint8_t rtc_read_time(const struct rtc_cmos *r, uint8_t reg)
{
	struct civil_time t;

	civil_from_seconds(rtc_now(r), &t);
	switch (reg) {
	case REG_SECONDS: return rtc_encode(r, t.second);
	case REG_MINUTES: return rtc_encode(r, t.minute);
	case REG_HOURS: return rtc_encode_hour(r, t.hour);
	case REG_WEEKDAY: return rtc_encode(r, t.weekday + 1); /* 1 = Sunday */
	case REG_DAY: return rtc_encode(r, t.day);
	case REG_MONTH: return rtc_encode(r, t.month);
	case REG_YEAR: return rtc_encode(r, (unsigned)t.year % 100);
	default: return rtc_encode(r, (unsigned)t.year / 100); /* century */
	}
}

/* The guest sets one field: the clock runs on from the new time. */
static void rtc_write_time(struct rtc_cmos *r, uint8_t reg, uint8_t v)
{
	int64_t host = r->ops.now_s ? (int64_t)r->ops.now_s(r->ops.ctx) : 0;
	struct civil_time t;

	civil_from_seconds(rtc_now(r), &t);
	switch (reg) {
	case REG_SECONDS: t.second = rtc_decode(r, v); break;
	case REG_MINUTES: t.minute = rtc_decode(r, v); break;
	case REG_HOURS: t.hour = rtc_decode_hour(r, v); break;
	case REG_DAY: t.day = rtc_decode(r, v); break;
	case REG_MONTH: t.month = rtc_decode(r, v); break;
	case REG_YEAR:
		t.year = t.year / 100 * 100 + (int)rtc_decode(r, v);
		break;
	case REG_CENTURY:
		t.year = (int)rtc_decode(r, v) * 100 + t.year % 100;
		break;
	default: return; /* the weekday follows from the date */
	}
	r->offset = seconds_from_civil(&t) - host;
}

static bool rtc_is_time(uint8_t reg)
{
	return reg == REG_SECONDS || reg == REG_MINUTES || reg == REG_HOURS ||
	       (reg >= REG_WEEKDAY && reg <= REG_YEAR) || reg == REG_CENTURY;
}

static uint8_t rtc_read_reg(struct rtc_cmos *r, uint8_t reg)
{
	if (rtc_is_time(reg))
		return rtc_read_time(r, reg);
	switch (reg) {
	case REG_A: return r->ram[REG_A] & (uint8_t)~A_UIP;
	case REG_C: return 0; /* no interrupt flag is ever set */
	case REG_D: return D_VRT;
	default: return r->ram[reg];
	}
}

static void rtc_write_reg(struct rtc_cmos *r, uint8_t reg, uint8_t v)
{
	if (rtc_is_time(reg)) {
		rtc_write_time(r, reg, v);
		return;
	}
	switch (reg) {
	case REG_A: r->ram[REG_A] = v & (uint8_t)~A_UIP; break;
	case REG_C:
	case REG_D: break; /* read-only */
	default: r->ram[reg] = v; break;
	}
}

static uint32_t rtc_read(void *opaque, uint16_t offset, unsigned size)
{
	struct rtc_cmos *r = opaque;

	if (offset == PORT_INDEX)
		return r->index;
	return rtc_read_reg(r, r->index);
}

static void rtc_write(void *opaque, uint16_t offset, unsigned size,
		      uint32_t value)
{
	struct rtc_cmos *r = opaque;

	if (offset == PORT_INDEX)
		r->index = (uint8_t)value & INDEX_MASK;
	else
		rtc_write_reg(r, r->index, (uint8_t)value);
}

struct port_device rtc_cmos_device(struct rtc_cmos *r, uint16_t base)
{
	return (struct port_device){.name = "rtc-cmos",
				    .base = base,
				    .count = 2,
				    .read = rtc_read,
				    .write = rtc_write,
				    .opaque = r};
}
