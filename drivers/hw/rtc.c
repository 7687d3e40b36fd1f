/*
 * drivers/hw/rtc.c - the host's CMOS RTC, read with the update-in-
 * progress protocol: wait until UIP is clear, read every field, and read
 * again until two readings agree (an update may have started between
 * the UIP check and the last field).
 * Boot CPU, once, interrupts off.
 * Motorola MC146818A data sheet, "Update Cycle", "Address Map",
 * "Register A", "Register B"; IBM PC/AT CMOS: century at 0x32.
 */
#include "arch/x86_64/cpu.h"
#include "drivers/hw/rtc.h"
#include "lib/calendar.h"
#include "lib/string.h"

#define RTC_INDEX    0x70
#define RTC_DATA     0x71
#define NMI_DISABLE  0x80 /* keep NMIs masked while indexing */
#define REG_SECONDS  0x00
#define REG_MINUTES  0x02
#define REG_HOURS    0x04
#define REG_DAY	     0x07
#define REG_MONTH    0x08
#define REG_YEAR     0x09
#define REG_A	     0x0a
#define REG_B	     0x0b
#define REG_CENTURY  0x32
#define A_UIP	     BIT(7)
#define B_24H	     BIT(1)
#define B_BINARY     BIT(2)
#define HOUR_PM	     BIT(7)
#define UIP_WAIT_MAX 10000000 /* an update lasts under 2 ms */
#define READ_TRIES   8
#define FIELDS	     7

static uint8_t rtc_reg(uint8_t reg)
{
	outb(RTC_INDEX, NMI_DISABLE | reg);
	return inb(RTC_DATA);
}

static bool rtc_wait_uip(void)
{
	for (int i = 0; i < UIP_WAIT_MAX; i++) {
		if (!(rtc_reg(REG_A) & A_UIP))
			return true;
		cpu_relax();
	}
	return false;
}

static void rtc_snapshot(uint8_t f[FIELDS])
{
	static const uint8_t regs[FIELDS] = {
		REG_SECONDS, REG_MINUTES, REG_HOURS,  REG_DAY,
		REG_MONTH,   REG_YEAR,	  REG_CENTURY};

	for (int i = 0; i < FIELDS; i++)
		f[i] = rtc_reg(regs[i]);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 0xf);
}

int rtc_read_seconds(int64_t *seconds)
{
	uint8_t a[FIELDS], b[FIELDS], reg_b;
	struct civil_time t;
	unsigned century, hour;
	bool bin;
	int tries = 0;

	do {
		if (!rtc_wait_uip() || tries++ == READ_TRIES)
			return -1;
		rtc_snapshot(a);
		rtc_snapshot(b);
	} while (memcmp(a, b, FIELDS) != 0);
	reg_b = rtc_reg(REG_B);
	bin = reg_b & B_BINARY;
	hour = bcd(a[2] & (uint8_t)~HOUR_PM, bin);
	if (!(reg_b & B_24H))
		hour = hour % 12 + (a[2] & HOUR_PM ? 12 : 0);
	century = bcd(a[6], bin);
	if (century < 19 || century > 99)
		century = 20; /* no century byte: assume 20xx */
	t = (struct civil_time){.year = (int)(century * 100 + bcd(a[5], bin)),
				.month = bcd(a[4], bin),
				.day = bcd(a[3], bin),
				.hour = hour,
				.minute = bcd(a[1], bin),
				.second = bcd(a[0], bin)};
	if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 ||
	    t.hour > 23 || t.minute > 59 || t.second > 59)
		return -1;
	*seconds = seconds_from_civil(&t);
	return 0;
}
