/*
 * tests/unit/test_i8042.c - drivers/virt/i8042.c on the host, through
 * the port bus at 0x60/0x64, as Linux's i8042 driver and its reboot code
 * drive the controller.
 * IBM PC/AT Technical Reference, "Keyboard Controller".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/i8042.h"
#include "drivers/virt/pc_platform.h"

#define STS_OBF	    0x01
#define STS_SYS	    0x04
#define STS_CMD	    0x08
#define STS_AUXDATA 0x20
#define STS_TIMEOUT 0x40

static struct port_bus bus;
static struct i8042 kbc;
static unsigned resets;
static bool irq1;
static char how[64];

static void fake_reset(void *ctx, const char *h)
{
	resets++;
	strncpy(how, h, sizeof(how) - 1);
}

static void fake_irq(void *ctx, bool level)
{
	assert_true(level != irq1);
	irq1 = level;
}

static int setup(void **state)
{
	const struct i8042_ops ops = {fake_reset, fake_irq, NULL};
	struct port_device d;

	memset(&bus, 0, sizeof(bus));
	resets = 0;
	irq1 = false;
	how[0] = '\0';
	i8042_init(&kbc, &ops);
	d = i8042_data_device(&kbc, PC_I8042_DATA);
	assert_int_equal(portbus_add(&bus, &d), 0);
	d = i8042_cmd_device(&kbc, PC_I8042_CMD);
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

/* A command that answers one byte: OBF set, the byte, OBF clear. */
static uint8_t command_reply(uint8_t cmd)
{
	outb(PC_I8042_CMD, cmd);
	assert_true(inb(PC_I8042_CMD) & STS_OBF);
	uint8_t v = inb(PC_I8042_DATA);
	assert_false(inb(PC_I8042_CMD) & STS_OBF);
	return v;
}

static void test_idle_status(void **state)
{
	uint8_t s = inb(PC_I8042_CMD);

	assert_int_equal(s & 0x03, 0); /* no data, input buffer empty */
	assert_true(s & STS_SYS);      /* POST passed */
	assert_int_not_equal(s, 0xff); /* a controller is there */
}

static void test_self_test_and_port_tests(void **state)
{
	assert_int_equal(command_reply(0xaa), 0x55);
	assert_int_equal(command_reply(0xab), 0x00); /* keyboard port fine */
	assert_int_equal(command_reply(0xa9), 0x01); /* no AUX port */
}

/* Linux's i8042_controller_init: read the command byte, write it back. */
static void test_command_byte(void **state)
{
	uint8_t ctr = command_reply(0x20);

	assert_true(ctr & 0x40); /* translation on, as a BIOS leaves it */
	outb(PC_I8042_CMD, 0x60);
	outb(PC_I8042_DATA, 0x30); /* interrupts off, both ports disabled */
	assert_int_equal(command_reply(0x20), 0x30);
	assert_false(inb(PC_I8042_CMD) & STS_SYS);
	outb(PC_I8042_CMD, 0xae); /* enable keyboard */
	assert_int_equal(command_reply(0x20), 0x20);
	outb(PC_I8042_CMD, 0xa7);
	outb(PC_I8042_CMD, 0xad);
	assert_int_equal(command_reply(0x20), 0x30);
}

/* Linux's AUX loop test fails at once: the byte is not flagged AUX. */
static void test_aux_loop(void **state)
{
	outb(PC_I8042_CMD, 0xd3);
	outb(PC_I8042_DATA, 0x5a);
	uint8_t s = inb(PC_I8042_CMD);
	assert_true(s & STS_OBF);
	assert_false(s & STS_AUXDATA);
	assert_int_equal(inb(PC_I8042_DATA), 0x5a);
}

/* A byte for the keyboard: 0xfe with time-out, IRQ 1 while unread. */
static void test_no_keyboard(void **state)
{
	outb(PC_I8042_DATA, 0xf2); /* GET ID */
	assert_int_equal(inb(PC_I8042_CMD) & (STS_OBF | STS_TIMEOUT),
			 STS_OBF | STS_TIMEOUT);
	assert_true(irq1);
	assert_int_equal(inb(PC_I8042_DATA), 0xfe);
	assert_false(irq1);
	/* to the mouse: the same, as AUX data, no IRQ 1 */
	outb(PC_I8042_CMD, 0xd4);
	outb(PC_I8042_DATA, 0xf2);
	assert_true(inb(PC_I8042_CMD) & STS_AUXDATA);
	assert_false(irq1);
	/* with keyboard interrupts off, no IRQ 1 either */
	outb(PC_I8042_CMD, 0x60);
	outb(PC_I8042_DATA, 0x00);
	outb(PC_I8042_DATA, 0xff);
	assert_false(irq1);
	/* an empty buffer reads the last byte again, without harm */
	inb(PC_I8042_DATA);
	inb(PC_I8042_DATA);
	assert_false(inb(PC_I8042_CMD) & STS_OBF);
}

static void test_reset(void **state)
{
	outb(PC_I8042_CMD, 0xfe);
	assert_int_equal(resets, 1);
	assert_non_null(strstr(how, "0xfe"));
	outb(PC_I8042_CMD, 0xff); /* pulses nothing */
	assert_int_equal(resets, 1);
	outb(PC_I8042_CMD, 0xd1); /* output port with the reset bit 0 */
	outb(PC_I8042_DATA, 0x02);
	assert_int_equal(resets, 2);
	outb(PC_I8042_CMD, 0xd1);
	outb(PC_I8042_DATA, 0x03);
	assert_int_equal(resets, 2);
	assert_int_equal(command_reply(0xd0), 0x03);
}

/* Every byte to both ports, wider accesses: nothing breaks. */
static void test_every_byte(void **state)
{
	for (unsigned v = 0; v < 256; v++) {
		if ((v & 0xf1) == 0xf0 || v == 0xd1)
			continue; /* resets, checked above */
		outb(PC_I8042_CMD, (uint8_t)v);
		outb(PC_I8042_DATA, (uint8_t)v);
		inb(PC_I8042_DATA);
		inb(PC_I8042_CMD);
	}
	assert_int_equal(resets, 0);
	assert_true(kbc.unknown_commands > 0);
	/* a word at 0x60 spans 0x61, another device's port: unclaimed */
	assert_int_equal(portbus_read(&bus, PC_I8042_DATA, 2), 0xffff);
	assert_int_equal(command_reply(0xaa), 0x55); /* still answering */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_idle_status, setup),
		cmocka_unit_test_setup(test_self_test_and_port_tests, setup),
		cmocka_unit_test_setup(test_command_byte, setup),
		cmocka_unit_test_setup(test_aux_loop, setup),
		cmocka_unit_test_setup(test_no_keyboard, setup),
		cmocka_unit_test_setup(test_reset, setup),
		cmocka_unit_test_setup(test_every_byte, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
