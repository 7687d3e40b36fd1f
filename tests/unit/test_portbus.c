/*
 * tests/unit/test_portbus.c - drivers/virt/portbus.c (a VM's I/O port
 * bus), on the host. Fake devices record every access they get and
 * answer reads with a value that has bits above any access size, so a
 * missing mask shows.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/portbus.h"

/* One recorded access. */
struct access {
	bool write;
	uint16_t offset;
	unsigned size;
	uint32_t value;
};

struct fake_dev {
	struct access log[16];
	unsigned count;
	uint32_t answer; /* what reads return */
};

static struct port_bus bus;
static struct fake_dev devs[3];

static uint32_t fake_read(void *opaque, uint16_t offset, unsigned size)
{
	struct fake_dev *d = opaque;

	assert_true(d->count < ARRAY_SIZE(d->log));
	d->log[d->count++] = (struct access){false, offset, size, 0};
	return d->answer;
}

static void fake_write(void *opaque, uint16_t offset, unsigned size,
		       uint32_t value)
{
	struct fake_dev *d = opaque;

	assert_true(d->count < ARRAY_SIZE(d->log));
	d->log[d->count++] = (struct access){true, offset, size, value};
}

static struct port_device fake(unsigned i, uint16_t base, uint16_t count)
{
	return (struct port_device){.name = "fake",
				    .base = base,
				    .count = count,
				    .read = fake_read,
				    .write = fake_write,
				    .opaque = &devs[i]};
}

static int setup(void **state)
{
	memset(&bus, 0, sizeof(bus));
	memset(devs, 0, sizeof(devs));
	for (unsigned i = 0; i < ARRAY_SIZE(devs); i++)
		devs[i].answer = 0xa5a5a5a5u + i;
	return 0;
}

static void assert_access(const struct fake_dev *d, unsigned i, bool write,
			  uint16_t offset, unsigned size, uint32_t value)
{
	assert_true(i < d->count);
	assert_int_equal(d->log[i].write, write);
	assert_int_equal(d->log[i].offset, offset);
	assert_int_equal(d->log[i].size, size);
	assert_int_equal(d->log[i].value, value);
}

static void test_add(void **state)
{
	struct port_device d = fake(0, 0x3f8, 8);

	assert_int_equal(portbus_add(&bus, &d), 0);
	assert_int_equal(bus.count, 1);
	assert_int_equal(bus.devices[0].base, 0x3f8);
	assert_int_equal(bus.devices[0].count, 8);
	/* The bus keeps a copy: changing ours changes nothing. */
	d.base = 0x2f8;
	assert_int_equal(bus.devices[0].base, 0x3f8);
}

static void test_add_overlap_refused(void **state)
{
	struct port_device d = fake(0, 0x3f8, 8);

	assert_int_equal(portbus_add(&bus, &d), 0);
	/* Overlapping the first port, the last port, inside, around. */
	d = fake(1, 0x3f0, 9);
	assert_int_equal(portbus_add(&bus, &d), -1);
	d = fake(1, 0x3ff, 1);
	assert_int_equal(portbus_add(&bus, &d), -1);
	d = fake(1, 0x3fa, 2);
	assert_int_equal(portbus_add(&bus, &d), -1);
	d = fake(1, 0x300, 0x200);
	assert_int_equal(portbus_add(&bus, &d), -1);
	d = fake(1, 0x3f8, 8);
	assert_int_equal(portbus_add(&bus, &d), -1);
	assert_int_equal(bus.count, 1);
	/* Right next to it on either side is fine. */
	d = fake(1, 0x3f0, 8);
	assert_int_equal(portbus_add(&bus, &d), 0);
	d = fake(2, 0x400, 1);
	assert_int_equal(portbus_add(&bus, &d), 0);
	assert_int_equal(bus.count, 3);
}

static void test_add_bad_ranges(void **state)
{
	struct port_device d = fake(0, 0x80, 0);

	assert_int_equal(portbus_add(&bus, &d), -1); /* zero ports */
	d = fake(0, 0xfff8, 9);			     /* ends at 0x10001 */
	assert_int_equal(portbus_add(&bus, &d), -1);
	d = fake(0, 0xffff, 0xffff);
	assert_int_equal(portbus_add(&bus, &d), -1);
	assert_int_equal(bus.count, 0);
	/* Up to and including port 0xffff is fine. */
	d = fake(0, 0xfff8, 8);
	assert_int_equal(portbus_add(&bus, &d), 0);
	/* Ports 0-0xfffe in one device (the count has 16 bits). */
	memset(&bus, 0, sizeof(bus));
	d = fake(0, 0, 0xffff);
	assert_int_equal(portbus_add(&bus, &d), 0);
}

static void test_add_full(void **state)
{
	struct port_device d;

	for (unsigned i = 0; i < PORTBUS_DEVICES_MAX; i++) {
		d = fake(0, (uint16_t)(0x100 + 4 * i), 4);
		assert_int_equal(portbus_add(&bus, &d), 0);
	}
	d = fake(0, 0x1000, 4);
	assert_int_equal(portbus_add(&bus, &d), -1);
	assert_int_equal(bus.count, PORTBUS_DEVICES_MAX);
}

static void test_dispatch(void **state)
{
	struct port_device a = fake(0, 0x60, 8), b = fake(1, 0xcf8, 8);

	assert_int_equal(portbus_add(&bus, &a), 0);
	assert_int_equal(portbus_add(&bus, &b), 0);
	assert_int_equal(portbus_read(&bus, 0x64, 1), 0xa5);
	assert_int_equal(portbus_read(&bus, 0xcfc, 4), 0xa5a5a5a6u);
	assert_int_equal(portbus_read(&bus, 0xcfe, 2), 0xa5a6);
	portbus_write(&bus, 0x60, 1, 0x12);
	portbus_write(&bus, 0xcf8, 4, 0x80000010u);
	portbus_write(&bus, 0xcfd, 2, 0xbeef);
	assert_int_equal(devs[0].count, 2);
	assert_access(&devs[0], 0, false, 4, 1, 0);
	assert_access(&devs[0], 1, true, 0, 1, 0x12);
	assert_int_equal(devs[1].count, 4);
	assert_access(&devs[1], 0, false, 4, 4, 0);
	assert_access(&devs[1], 1, false, 6, 2, 0);
	assert_access(&devs[1], 2, true, 0, 4, 0x80000010u);
	assert_access(&devs[1], 3, true, 5, 2, 0xbeef);
	assert_int_equal(bus.unclaimed_reads, 0);
	assert_int_equal(bus.unclaimed_writes, 0);
}

/* A device sees only the bytes of its access size, whatever it returns
 * or the caller passes in the upper bits. */
static void test_masked_to_size(void **state)
{
	struct port_device a = fake(0, 0x70, 4);

	assert_int_equal(portbus_add(&bus, &a), 0);
	devs[0].answer = 0xffffffffu;
	assert_int_equal(portbus_read(&bus, 0x70, 1), 0xff);
	assert_int_equal(portbus_read(&bus, 0x70, 2), 0xffff);
	assert_int_equal(portbus_read(&bus, 0x70, 4), 0xffffffffu);
	devs[0].answer = 0x12345678u;
	assert_int_equal(portbus_read(&bus, 0x71, 1), 0x78);
	assert_int_equal(portbus_read(&bus, 0x72, 2), 0x5678);
	portbus_write(&bus, 0x70, 1, 0xabcdef01u);
	portbus_write(&bus, 0x72, 2, 0xabcdef01u);
	portbus_write(&bus, 0x70, 4, 0xabcdef01u);
	assert_access(&devs[0], 5, true, 0, 1, 0x01);
	assert_access(&devs[0], 6, true, 2, 2, 0xef01);
	assert_access(&devs[0], 7, true, 0, 4, 0xabcdef01u);
}

static void test_unclaimed_reads(void **state)
{
	struct port_device a = fake(0, 0x60, 1);

	assert_int_equal(portbus_add(&bus, &a), 0);
	assert_int_equal(portbus_read(&bus, 0x80, 1), 0xff);
	assert_int_equal(portbus_read(&bus, 0x80, 2), 0xffff);
	assert_int_equal(portbus_read(&bus, 0x80, 4), 0xffffffffu);
	assert_int_equal(portbus_read(&bus, 0x61, 1), 0xff);
	assert_int_equal(portbus_read(&bus, 0x5f, 1), 0xff);
	assert_int_equal(portbus_read(&bus, 0xffff, 1), 0xff);
	assert_int_equal(bus.unclaimed_reads, 6);
	assert_int_equal(bus.unclaimed_writes, 0);
	assert_int_equal(devs[0].count, 0);
	/* An empty bus. */
	memset(&bus, 0, sizeof(bus));
	assert_int_equal(portbus_read(&bus, 0, 4), 0xffffffffu);
	assert_int_equal(bus.unclaimed_reads, 1);
}

static void test_unclaimed_writes(void **state)
{
	struct port_device a = fake(0, 0x60, 1);

	assert_int_equal(portbus_add(&bus, &a), 0);
	portbus_write(&bus, 0x80, 1, 0);
	portbus_write(&bus, 0x61, 2, 0);
	portbus_write(&bus, 0xfffc, 4, 0);
	assert_int_equal(bus.unclaimed_writes, 3);
	assert_int_equal(bus.unclaimed_reads, 0);
	assert_int_equal(devs[0].count, 0);
}

/* A device without a read (or write) hook: that direction is unclaimed. */
static void test_missing_hooks(void **state)
{
	struct port_device a = fake(0, 0x60, 1), b = fake(1, 0x61, 1);

	a.read = NULL;
	b.write = NULL;
	assert_int_equal(portbus_add(&bus, &a), 0);
	assert_int_equal(portbus_add(&bus, &b), 0);
	assert_int_equal(portbus_read(&bus, 0x60, 1), 0xff);
	portbus_write(&bus, 0x61, 1, 1);
	assert_int_equal(bus.unclaimed_reads, 1);
	assert_int_equal(bus.unclaimed_writes, 1);
	portbus_write(&bus, 0x60, 1, 7);
	assert_int_equal(portbus_read(&bus, 0x61, 1), 0xa6);
	assert_int_equal(devs[0].count, 1);
	assert_access(&devs[0], 0, true, 0, 1, 7);
	assert_int_equal(devs[1].count, 1);
}

/* An access must lie wholly inside one device: one that straddles the
 * end of a range (even into a neighbour) is unclaimed, and the device is
 * never called with an offset+size past its count. */
static void test_straddling_unclaimed(void **state)
{
	struct port_device a = fake(0, 0x60, 4), b = fake(1, 0x64, 4),
			   top = fake(2, 0xfffe, 2);

	assert_int_equal(portbus_add(&bus, &a), 0);
	assert_int_equal(portbus_add(&bus, &b), 0);
	assert_int_equal(portbus_add(&bus, &top), 0);
	assert_int_equal(portbus_read(&bus, 0x63, 2), 0xffff);
	assert_int_equal(portbus_read(&bus, 0x62, 4), 0xffffffffu);
	assert_int_equal(portbus_read(&bus, 0x66, 4), 0xffffffffu);
	portbus_write(&bus, 0x63, 2, 0x1234);
	portbus_write(&bus, 0x67, 2, 0x1234);
	/* At the very top of the port space. */
	assert_int_equal(portbus_read(&bus, 0xffff, 2), 0xffff);
	assert_int_equal(portbus_read(&bus, 0xfffe, 4), 0xffffffffu);
	portbus_write(&bus, 0xffff, 2, 0);
	assert_int_equal(bus.unclaimed_reads, 5);
	assert_int_equal(bus.unclaimed_writes, 3);
	for (unsigned i = 0; i < ARRAY_SIZE(devs); i++)
		assert_int_equal(devs[i].count, 0);
	/* The last bytes that do fit still reach the devices. */
	assert_int_equal(portbus_read(&bus, 0x62, 2), 0xa5a5);
	assert_int_equal(portbus_read(&bus, 0x64, 4), 0xa5a5a5a6u);
	assert_int_equal(portbus_read(&bus, 0xfffe, 2), 0xa5a7);
	assert_int_equal(portbus_read(&bus, 0xffff, 1), 0xa7);
	assert_access(&devs[2], 1, false, 1, 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add, setup),
		cmocka_unit_test_setup(test_add_overlap_refused, setup),
		cmocka_unit_test_setup(test_add_bad_ranges, setup),
		cmocka_unit_test_setup(test_add_full, setup),
		cmocka_unit_test_setup(test_dispatch, setup),
		cmocka_unit_test_setup(test_masked_to_size, setup),
		cmocka_unit_test_setup(test_unclaimed_reads, setup),
		cmocka_unit_test_setup(test_unclaimed_writes, setup),
		cmocka_unit_test_setup(test_missing_hooks, setup),
		cmocka_unit_test_setup(test_straddling_unclaimed, setup),
	};
	return cmocka_run_group_tests_name("portbus", tests, NULL, NULL);
}
