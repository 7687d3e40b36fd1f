/*
 * tests/unit/test_pit8254.c - drivers/virt/pit8254.c on the host through
 * the port bus at 0x40-0x43 and 0x61, with a fake clock: what Linux's
 * PIT calibration and the BIOS-era timer code do.
 * Intel 8254 data sheet, "Control Word Format", "Read-Back Command",
 * "Mode 0", "Mode 2", "Mode 3"; "NMI Status and Control Register".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/virt/pit8254.h"

#define CH0  0x40
#define CH2  0x42
#define CTRL 0x43
#define P61  0x61

static struct port_bus bus;
static struct pit8254 pit;
static uint64_t now;
static unsigned irq0s;

static uint64_t fake_now(void *ctx)
{
	return now;
}

static void fake_irq0(void *ctx)
{
	irq0s++;
}

/* Nanoseconds for n PIT ticks, rounded up. */
static uint64_t ticks_ns(uint64_t n)
{
	return (n * 1000000000ULL + PIT8254_HZ - 1) / PIT8254_HZ;
}

static int setup(void **state)
{
	const struct pit8254_ops ops = {fake_now, fake_irq0, NULL};
	struct port_device d;

	memset(&bus, 0, sizeof(bus));
	now = 1000000;
	irq0s = 0;
	pit8254_init(&pit, &ops);
	d = pit8254_device(&pit, PC_PIT_PORT);
	assert_int_equal(portbus_add(&bus, &d), 0);
	d = pit8254_port61_device(&pit, PC_PORT61);
	assert_int_equal(portbus_add(&bus, &d), 0);
	return 0;
}

static uint8_t inb(uint16_t port)
{
	return (uint8_t)portbus_read(&bus, port, 1);
}

static void outb(uint16_t port, uint8_t v)
{
	portbus_write(&bus, port, 1, v);
}

static uint16_t read_latched(uint16_t port, uint8_t channel)
{
	outb(CTRL, (uint8_t)(channel << 6)); /* counter latch */
	uint8_t lo = inb(port);
	return (uint16_t)(lo | inb(port) << 8);
}

/* Linux's pit_calibrate_tsc: channel 2, mode 0, gate on, wait for OUT2. */
static void test_channel2_oneshot(void **state)
{
	outb(P61, (inb(P61) & ~0x02) | 0x01);
	outb(CTRL, 0xb0); /* channel 2, LSB/MSB, mode 0 */
	outb(CH2, 0x9b);  /* 11931: 10 ms */
	assert_false(inb(P61) & 0x20);
	outb(CH2, 0x2e);
	assert_false(inb(P61) & 0x20);
	now += ticks_ns(5000);
	assert_int_equal(read_latched(CH2, 2), 11931 - 5000);
	assert_false(inb(P61) & 0x20);
	now += ticks_ns(6931);
	assert_true(inb(P61) & 0x20); /* terminal count: OUT2 high */
	assert_int_equal(inb(P61) & 0x0f, 0x01);
}

/* quick_pit_calibrate reads LSB then MSB without a latch. */
static void test_unlatched_reads(void **state)
{
	outb(P61, 0x01);
	outb(CTRL, 0xb0);
	outb(CH2, 0xff);
	outb(CH2, 0xff);
	now += ticks_ns(256);
	assert_int_equal(inb(CH2), (0xffff - 256) & 0xff);
	assert_int_equal(inb(CH2), (0xffff - 256) >> 8);
	now += ticks_ns(512);
	inb(CH2);
	assert_int_equal(inb(CH2), (0xffff - 768) >> 8);
}

/* The gate of channel 2 pauses mode 0. */
static void test_gate_pauses(void **state)
{
	outb(CTRL, 0xb0);
	outb(CH2, 0x00);
	outb(CH2, 0x10); /* 4096 */
	now += ticks_ns(1000);
	assert_int_equal(read_latched(CH2, 2), 4096); /* gate low: no count */
	outb(P61, 0x01);
	now += ticks_ns(1000);
	outb(P61, 0x00);
	uint16_t c = read_latched(CH2, 2);
	assert_true(c <= 3096 && c >= 3095);
	now += ticks_ns(1000);
	assert_int_equal(read_latched(CH2, 2), c);
}

/* Channel 0, mode 2 at 100 Hz: one IRQ 0 edge per period. */
static void test_channel0_rate_irq(void **state)
{
	outb(CTRL, 0x34); /* channel 0, LSB/MSB, mode 2 */
	outb(CH0, 11932 & 0xff);
	outb(CH0, 11932 >> 8);
	pit8254_update(&pit);
	assert_int_equal(irq0s, 0);
	assert_true(pit8254_next_irq0_ns(&pit) <= ticks_ns(11932));
	now += ticks_ns(11932);
	pit8254_update(&pit);
	assert_int_equal(irq0s, 1);
	pit8254_update(&pit);
	assert_int_equal(irq0s, 1);
	now += 5 * ticks_ns(11932); /* several periods late: one edge */
	pit8254_update(&pit);
	assert_int_equal(irq0s, 2);
	now += ticks_ns(100);
	uint16_t c = read_latched(CH0, 0);
	assert_true(c > 11700 && c <= 11932);
}

static void test_mode0_irq_once_and_square_wave(void **state)
{
	outb(CTRL, 0x30); /* channel 0, mode 0 */
	outb(CH0, 100);
	outb(CH0, 0);
	assert_int_equal(pit8254_next_irq0_ns(&pit), ticks_ns(100));
	now += ticks_ns(100);
	pit8254_update(&pit);
	now += ticks_ns(10000);
	pit8254_update(&pit);
	assert_int_equal(irq0s, 1);
	assert_int_equal(pit8254_next_irq0_ns(&pit), UINT64_MAX);
	/* channel 2 mode 3, count 1000: OUT2 high for 500 ticks, low 500 */
	outb(P61, 0x01);
	outb(CTRL, 0xb6);
	outb(CH2, 1000 & 0xff);
	outb(CH2, 1000 >> 8);
	now += ticks_ns(100);
	assert_true(inb(P61) & 0x20);
	now += ticks_ns(500);
	assert_false(inb(P61) & 0x20);
	now += ticks_ns(500);
	assert_true(inb(P61) & 0x20);
}

/* Read-back: status (output, null count, access, mode) and count. */
static void test_readback(void **state)
{
	outb(CTRL, 0x34);
	assert_int_equal(inb(CH0) | 0, inb(CH0) | 0); /* no crash, any value */
	outb(CTRL, 0xe2); /* read-back, status only, channel 0 */
	assert_int_equal(inb(CH0) & 0x7f, 0x40 | 0x30 | 0x04); /* null count */
	outb(CH0, 0x10);
	outb(CH0, 0x00);
	outb(CTRL, 0xc2);		      /* status and count */
	assert_int_equal(inb(CH0) & 0x40, 0); /* counting now */
	assert_int_equal(inb(CH0), 0x10);
	assert_int_equal(inb(CH0), 0x00);
	assert_int_equal(inb(CTRL), 0xff); /* write-only */
}

/* Anything the guest writes: no crash, and it still counts after. */
static void test_garbage(void **state)
{
	for (unsigned v = 0; v < 256; v++) {
		outb(CTRL, (uint8_t)v);
		for (uint16_t port = 0x40; port <= 0x43; port++) {
			outb(port, (uint8_t)(v * 7));
			inb(port);
		}
		outb(P61, (uint8_t)v);
		inb(P61);
		now += 12345;
		pit8254_update(&pit);
		pit8254_next_irq0_ns(&pit);
	}
	portbus_read(&bus, 0x40, 4);
	outb(CTRL, 0x30);
	outb(CH0, 0x00);
	outb(CH0, 0x01);
	now += ticks_ns(16);
	assert_int_equal(read_latched(CH0, 0), 256 - 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_channel2_oneshot, setup),
		cmocka_unit_test_setup(test_unlatched_reads, setup),
		cmocka_unit_test_setup(test_gate_pauses, setup),
		cmocka_unit_test_setup(test_channel0_rate_irq, setup),
		cmocka_unit_test_setup(test_mode0_irq_once_and_square_wave,
				       setup),
		cmocka_unit_test_setup(test_readback, setup),
		cmocka_unit_test_setup(test_garbage, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
