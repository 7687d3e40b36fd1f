/*
 * tests/unit/test_rtc_cmos.c - drivers/virt/rtc_cmos.c on the host,
 * through the port bus at 0x70/0x71 as Linux's mc146818 code reads and
 * sets the clock, with a fake clock.
 * Motorola MC146818A data sheet, "Address Map", "Registers".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/virt/rtc_cmos.h"

static struct port_bus bus;
static struct rtc_cmos rtc;
static uint64_t now;

/* 2026-11-29 18:30:05 UTC, a Sunday */
#define NOW 1795977005ULL

static uint64_t fake_now(void *ctx)
{
	return now;
}

static int setup(void **state)
{
	const struct rtc_cmos_ops ops = {fake_now, NULL};
	struct port_device d;

	memset(&bus, 0, sizeof(bus));
	now = NOW;
	rtc_cmos_init(&rtc, &ops);
	d = rtc_cmos_device(&rtc, PC_RTC_PORT);
	assert_int_equal(portbus_add(&bus, &d), 0);
	return 0;
}

static uint8_t cmos_read(uint8_t index)
{
	portbus_write(&bus, PC_RTC_PORT, 1, index);
	return (uint8_t)portbus_read(&bus, PC_RTC_PORT + 1, 1);
}

static void cmos_write(uint8_t index, uint8_t v)
{
	portbus_write(&bus, PC_RTC_PORT, 1, index);
	portbus_write(&bus, PC_RTC_PORT + 1, 1, v);
}

static void test_time_bcd_24h(void **state)
{
	assert_int_equal(cmos_read(0x0b) & 0x06, 0x02); /* BCD, 24 hours */
	assert_int_equal(cmos_read(0x00), 0x05);
	assert_int_equal(cmos_read(0x02), 0x30);
	assert_int_equal(cmos_read(0x04), 0x18);
	assert_int_equal(cmos_read(0x06), 0x01); /* Sunday */
	assert_int_equal(cmos_read(0x07), 0x29);
	assert_int_equal(cmos_read(0x08), 0x11);
	assert_int_equal(cmos_read(0x09), 0x26);
	assert_int_equal(cmos_read(0x32), 0x20);
	now += 61;
	assert_int_equal(cmos_read(0x00), 0x06);
	assert_int_equal(cmos_read(0x02), 0x31);
}

static void test_binary_12h(void **state)
{
	cmos_write(0x0b, 0x04);			     /* binary, 12 hours */
	assert_int_equal(cmos_read(0x04), 0x80 | 6); /* 6 PM */
	assert_int_equal(cmos_read(0x07), 29);
	assert_int_equal(cmos_read(0x09), 26);
	assert_int_equal(cmos_read(0x32), 20);
	now = NOW - 18 * 3600; /* 00:30: 12 AM */
	assert_int_equal(cmos_read(0x04), 12);
	now = NOW - 6 * 3600; /* 12:30: 12 PM */
	assert_int_equal(cmos_read(0x04), 0x80 | 12);
}

/* The guest sets the clock; it then runs on from there. */
static void test_set_clock(void **state)
{
	cmos_write(0x0b, 0x82); /* SET while writing, as Linux does */
	cmos_write(0x09, 0x30); /* 2030 */
	cmos_write(0x08, 0x01);
	cmos_write(0x07, 0x02);
	cmos_write(0x04, 0x03);
	cmos_write(0x02, 0x04);
	cmos_write(0x00, 0x05);
	cmos_write(0x0b, 0x02);
	assert_int_equal(cmos_read(0x09), 0x30);
	assert_int_equal(cmos_read(0x08), 0x01);
	assert_int_equal(cmos_read(0x07), 0x02);
	assert_int_equal(cmos_read(0x04), 0x03);
	assert_int_equal(cmos_read(0x02), 0x04);
	now += 10;
	assert_int_equal(cmos_read(0x00), 0x15);
	cmos_write(0x32, 0x19); /* century */
	assert_int_equal(cmos_read(0x32), 0x19);
	assert_int_equal(cmos_read(0x09), 0x30);
	/* 12-hour writes: 7 PM */
	cmos_write(0x0b, 0x00);
	cmos_write(0x04, 0x87);
	cmos_write(0x0b, 0x02);
	assert_int_equal(cmos_read(0x04), 0x19);
}

static void test_status_registers(void **state)
{
	assert_int_equal(cmos_read(0x0a) & 0x80, 0); /* never UIP */
	cmos_write(0x0a, 0xff);
	assert_int_equal(cmos_read(0x0a), 0x7f);
	assert_int_equal(cmos_read(0x0c), 0);
	assert_int_equal(cmos_read(0x0d), 0x80); /* valid RAM and time */
	cmos_write(0x0d, 0);
	assert_int_equal(cmos_read(0x0d), 0x80);
}

/* Plain CMOS bytes, and the NMI-disable bit of the index. */
static void test_cmos_memory(void **state)
{
	cmos_write(0x0f, 0x0a); /* shutdown status */
	assert_int_equal(cmos_read(0x0f), 0x0a);
	cmos_write(0x80 | 0x40, 0x77);
	assert_int_equal(cmos_read(0x40), 0x77);
	assert_int_equal(cmos_read(0x80 | 0x40), 0x77);
	assert_int_equal(cmos_read(0x7f), 0);
}

/* Garbage in every register, in both modes: no crash, time still reads. */
static void test_garbage(void **state)
{
	for (unsigned b = 0; b < 2; b++)
		for (unsigned i = 0; i < 256; i++) {
			cmos_write(0x0b, b ? 0x04 : 0x00);
			cmos_write((uint8_t)i, 0xff);
			cmos_read((uint8_t)i);
		}
	now = 0;
	for (unsigned i = 0; i < 0x40; i++)
		cmos_read((uint8_t)i);
	portbus_read(&bus, PC_RTC_PORT, 2);
	portbus_write(&bus, PC_RTC_PORT, 2, 0xffff);
	assert_int_equal(cmos_read(0x0d), 0x80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_time_bcd_24h, setup),
		cmocka_unit_test_setup(test_binary_12h, setup),
		cmocka_unit_test_setup(test_set_clock, setup),
		cmocka_unit_test_setup(test_status_registers, setup),
		cmocka_unit_test_setup(test_cmos_memory, setup),
		cmocka_unit_test_setup(test_garbage, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
