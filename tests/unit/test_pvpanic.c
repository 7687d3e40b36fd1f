/*
 * tests/unit/test_pvpanic.c - drivers/virt/pvpanic.c on the host,
 * through the port bus at 0x505, as Linux's pvpanic driver uses it: one
 * read when it binds (what the device supports), one write when the
 * kernel panics.
 * QEMU's docs/specs/pvpanic.rst ("PVPANIC DEVICE").
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/virt/pvpanic.h"

static struct port_bus bus;
static struct pvpanic dev;
static char events[16]; /* the callbacks called, in order: 'P', 'C' */
static unsigned nevents;

static void fake_panicked(void *ctx)
{
	assert_ptr_equal(ctx, &dev);
	events[nevents++] = 'P';
}

static void fake_crash_loaded(void *ctx)
{
	assert_ptr_equal(ctx, &dev);
	events[nevents++] = 'C';
}

static int setup(void **state)
{
	const struct pvpanic_ops ops = {fake_panicked, fake_crash_loaded, &dev};
	struct port_device d;

	memset(&bus, 0, sizeof(bus));
	memset(events, 0, sizeof(events));
	nevents = 0;
	pvpanic_init(&dev, &ops);
	d = pvpanic_device(&dev, PC_PVPANIC_PORT);
	assert_int_equal(portbus_add(&bus, &d), 0);
	return 0;
}

/* The port QEMU uses, so that the guest's ACPI _CRS and the device
 * agree with what guests expect of QEMU0001. */
static void test_port_is_qemus(void **state)
{
	assert_int_equal(PC_PVPANIC_PORT, 0x505);
}

/* Linux's pvpanic_probe: capability = PANICKED | CRASH_LOADED, masked
 * by what the port reads; both must be there. */
static void test_read_says_both_events(void **state)
{
	assert_int_equal(portbus_read(&bus, PC_PVPANIC_PORT, 1), 0x03);
	/* reading has no effect */
	assert_int_equal(portbus_read(&bus, PC_PVPANIC_PORT, 1), 0x03);
	assert_int_equal(nevents, 0);
	/* the neighbours are not the device's */
	assert_int_equal(portbus_read(&bus, PC_PVPANIC_PORT + 1, 1), 0xff);
	assert_int_equal(portbus_read(&bus, PC_PVPANIC_PORT - 1, 1), 0xff);
	/* a word would span 0x506: nobody answers */
	assert_int_equal(portbus_read(&bus, PC_PVPANIC_PORT, 2), 0xffff);
}

/* What a panicking Linux writes without a crash kernel loaded */
static void test_panicked(void **state)
{
	portbus_write(&bus, PC_PVPANIC_PORT, 1, PVPANIC_PANICKED);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0], 'P');
	assert_int_equal(dev.panics, 1);
	assert_int_equal(dev.crash_loads, 0);
}

/* ... and with one loaded (kexec -p): it goes on into kdump */
static void test_crash_loaded(void **state)
{
	portbus_write(&bus, PC_PVPANIC_PORT, 1, PVPANIC_CRASH_LOADED);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0], 'C');
	assert_int_equal(dev.panics, 0);
	assert_int_equal(dev.crash_loads, 1);
}

/* Both bits: both events, panicked first */
static void test_both_bits(void **state)
{
	portbus_write(&bus, PC_PVPANIC_PORT, 1, 0x03);
	assert_int_equal(nevents, 2);
	assert_memory_equal(events, "PC", 2);
}

/* Bits the device does not support, a write of 0, and bytes beyond the
 * 8-bit register report nothing; a write to a neighbour port neither. */
static void test_unknown_bits_ignored(void **state)
{
	portbus_write(&bus, PC_PVPANIC_PORT, 1, 0);
	portbus_write(&bus, PC_PVPANIC_PORT, 1, 0xfc);
	portbus_write(&bus, PC_PVPANIC_PORT, 4, 0x100);
	portbus_write(&bus, PC_PVPANIC_PORT + 1, 1, PVPANIC_PANICKED);
	assert_int_equal(nevents, 0);
	assert_int_equal(dev.unknown_writes, 2);
	/* a supported bit among unknown ones still counts */
	portbus_write(&bus, PC_PVPANIC_PORT, 1, 0xf1);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0], 'P');
}

/* The creator may leave crash_loaded out: the event is only counted. */
static void test_crash_loaded_optional(void **state)
{
	const struct pvpanic_ops ops = {fake_panicked, NULL, &dev};

	pvpanic_init(&dev, &ops);
	portbus_write(&bus, PC_PVPANIC_PORT, 1, 0x03);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0], 'P');
	assert_int_equal(dev.crash_loads, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_is_qemus),
		cmocka_unit_test_setup(test_read_says_both_events, setup),
		cmocka_unit_test_setup(test_panicked, setup),
		cmocka_unit_test_setup(test_crash_loaded, setup),
		cmocka_unit_test_setup(test_both_bits, setup),
		cmocka_unit_test_setup(test_unknown_bits_ignored, setup),
		cmocka_unit_test_setup(test_crash_loaded_optional, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
