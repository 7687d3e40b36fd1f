/*
 * tests/unit/test_virtio_mmio.c - drivers/virt/virtio_mmio.c (the
 * virtio-mmio register window) and drivers/virt/mmiobus.c, on the host.
 * A fake device records what the transport asks of it; the test plays
 * the driver through the registers, as Linux's virtio_mmio.c does, and
 * also does what a careless or hostile driver would.
 */
#include <stdio.h>
#include "tests/unit/support.h"
#include "tests/unit/fake_ram.h"
#include "drivers/virt/virtio_mmio.h"
#include "lib/log.h"

#define BASE	     0xd0000000ULL
#define FAKE_FEATURE BIT(3)

static struct virtio_mmio m;
static struct fake_dev {
	unsigned notifies, resets;
	uint8_t config[8];
	uint8_t written[8];
} dev;
static char log_text[4096];

static void sink(const char *line, size_t len)
{
	strncat(log_text, line, sizeof(log_text) - strlen(log_text) - 1);
}

static uint64_t fake_features(void *d)
{
	return FAKE_FEATURE | VIRTIO_F_EVENT_IDX;
}

static void fake_config_read(void *d, uint32_t off, void *buf, unsigned size)
{
	memset(buf, 0, size);
	for (unsigned i = 0; i < size; i++)
		if (off + i < sizeof(dev.config))
			((uint8_t *)buf)[i] = dev.config[off + i];
}

static void fake_config_write(void *d, uint32_t off, const void *buf,
			      unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		if (off + i < sizeof(dev.written))
			dev.written[off + i] = ((const uint8_t *)buf)[i];
}

static void fake_notify(void *d, struct virtio_mmio *mm, struct virtq *q)
{
	assert_ptr_equal(mm, &m);
	assert_ptr_equal(q, &m.queues[0]);
	dev.notifies++;
}

static void fake_reset(void *d)
{
	dev.resets++;
}

static const struct virtio_device_ops fake_ops = {
	.name = "fake",
	.device_id = 42,
	.queue_count = 1,
	.features = fake_features,
	.config_read = fake_config_read,
	.config_write = fake_config_write,
	.queue_notify = fake_notify,
	.reset = fake_reset,
};

static int setup(void **state)
{
	fake_ram_alloc();
	memset(&dev, 0, sizeof(dev));
	for (unsigned i = 0; i < sizeof(dev.config); i++)
		dev.config[i] = (uint8_t)(0xa0 + i);
	log_text[0] = '\0';
	log_set_sink(sink);
	virtio_mmio_init(&m, &fake_ops, &dev, "vm t: fake at 0xd0000000", BASE,
			 &fake_guest_ram);
	return 0;
}

static int teardown(void **state)
{
	fake_ram_free();
	return 0;
}

static uint32_t rd(uint64_t off)
{
	return (uint32_t)virtio_mmio_read(&m, off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_write(&m, off, 4, v);
}

static void negotiate(uint32_t low, uint32_t high)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, low);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, high);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
				       VIRTIO_STATUS_DRIVER |
				       VIRTIO_STATUS_FEATURES_OK);
}

static void setup_queue(gpa_t desc, gpa_t avail, gpa_t used)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* What a good driver does, up to DRIVER_OK. */
static void bring_up(void)
{
	negotiate(FAKE_FEATURE, 1);
	setup_queue(FAKE_DESC, FAKE_AVAIL, FAKE_USED);
	wr(VIRTIO_MMIO_STATUS,
	   rd(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static void test_identity(void **state)
{
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 42);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR_HV);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES),
			 FAKE_FEATURE | VIRTIO_F_EVENT_IDX);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_SIZE_MAX);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1); /* no such queue */
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}

/* Registers take only aligned 32-bit accesses; others are counted. */
static void test_wrong_access_size(void **state)
{
	assert_int_equal(virtio_mmio_read(&m, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	assert_int_equal(virtio_mmio_read(&m, VIRTIO_MMIO_MAGIC_VALUE + 1, 4),
			 0);
	virtio_mmio_write(&m, VIRTIO_MMIO_STATUS, 1, VIRTIO_STATUS_DRIVER);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(m.bad_accesses, 3);
}

static void test_features_ok(void **state)
{
	negotiate(FAKE_FEATURE, 1);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(m.features, FAKE_FEATURE | VIRTIO_F_VERSION_1);
	/* features cannot change once accepted */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(m.driver_features, FAKE_FEATURE | VIRTIO_F_VERSION_1);
}

static void test_features_not_offered(void **state)
{
	negotiate(FAKE_FEATURE | BIT(7), 1);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

static void test_features_without_version_1(void **state)
{
	negotiate(FAKE_FEATURE, 0);
	assert_false(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

static void test_driver_ok_without_features_ok(void **state)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
				       VIRTIO_STATUS_DRIVER |
				       VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				 VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_non_null(strstr(log_text, "DRIVER_OK set without FEATURES_OK"));
}

static void test_queue_setup_and_notify(void **state)
{
	bring_up();
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	assert_true(m.queues[0].event_idx == false);
	assert_int_equal(m.queues[0].desc_gpa, FAKE_DESC);
	/* the queue's registers are fixed while it is ready */
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x5000);
	assert_int_equal(m.queues[0].desc_gpa, FAKE_DESC);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(dev.notifies, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 3); /* no such queue: ignored */
	assert_int_equal(dev.notifies, 1);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* not ready: ignored */
	assert_int_equal(dev.notifies, 1);
}

static void test_notify_before_driver_ok(void **state)
{
	negotiate(FAKE_FEATURE, 1);
	setup_queue(FAKE_DESC, FAKE_AVAIL, FAKE_USED);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(dev.notifies, 0);
}

/* Rings outside RAM: NEEDS_RESET, said once; nothing runs until a
 * reset, which brings the device back. */
static void test_bad_ring_then_reset(void **state)
{
	negotiate(FAKE_FEATURE, 1);
	setup_queue(0xfee00000ULL, FAKE_AVAIL, FAKE_USED);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	assert_non_null(strstr(m.broken, "queue 0: descriptor ring at "
					 "0xfee00000 (128 bytes) is not in "
					 "RAM"));
	assert_non_null(strstr(log_text, "warning: vm t: fake at 0xd0000000: "
					 "device needs reset: queue 0:"));
	/* the driver cannot clear NEEDS_RESET by writing status */
	wr(VIRTIO_MMIO_STATUS,
	   rd(VIRTIO_MMIO_STATUS) & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_true(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	setup_queue(FAKE_DESC, FAKE_AVAIL, FAKE_USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(dev.resets, 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_string_equal(m.broken, "");
	bring_up();
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(dev.notifies, 1);
}

/* A queue the device found broken during a notify: NEEDS_RESET, and
 * later notifies do not reach the device. */
static void test_broken_queue_stops_notifies(void **state)
{
	bring_up();
	make_avail(8, 200);
	m.queues[0].broken = true;
	strcpy(m.queues[0].error, "head 200");
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(dev.notifies, 1);
	assert_non_null(strstr(m.broken, "queue 0: head 200"));
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(dev.notifies, 1);
}

static void test_interrupt_ack(void **state)
{
	m.interrupt_status = VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG;
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_MMIO_INT_CONFIG);
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 0); /* read-only */
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_MMIO_INT_CONFIG);
}

static void test_config_space(void **state)
{
	assert_int_equal(virtio_mmio_read(&m, VIRTIO_MMIO_CONFIG, 1), 0xa0);
	assert_int_equal(virtio_mmio_read(&m, VIRTIO_MMIO_CONFIG + 2, 2),
			 0xa3a2);
	assert_int_equal(virtio_mmio_read(&m, VIRTIO_MMIO_CONFIG, 8),
			 0xa7a6a5a4a3a2a1a0ULL);
	assert_int_equal(virtio_mmio_read(&m, VIRTIO_MMIO_CONFIG + 6, 4),
			 0xa7a6);
	assert_int_equal(virtio_mmio_read(&m, VIRTIO_MMIO_SIZE - 4, 4), 0);
	virtio_mmio_write(&m, VIRTIO_MMIO_CONFIG + 1, 2, 0x1234);
	assert_int_equal(dev.written[1], 0x34);
	assert_int_equal(dev.written[2], 0x12);
}

/* ---- on the MMIO bus ------------------------------------------------ */

static void test_mmiobus(void **state)
{
	struct mmio_bus bus = {0};
	struct mmio_device w = virtio_mmio_device(&m), other = w;
	struct mmio_device *d;

	assert_int_equal(mmiobus_add(&bus, &w), 0);
	other.base = BASE + 0x100;
	assert_int_equal(mmiobus_add(&bus, &other), -1); /* overlaps */
	other.base = ~0ULL - 0xff;
	assert_int_equal(mmiobus_add(&bus, &other), -1); /* wraps */
	other.base = BASE + VIRTIO_MMIO_STRIDE;
	assert_int_equal(mmiobus_add(&bus, &other), 0);
	d = mmiobus_find(&bus, BASE + VIRTIO_MMIO_MAGIC_VALUE, 4);
	assert_non_null(d);
	assert_int_equal(mmiobus_read(d, BASE, 4), 0x74726976);
	assert_null(mmiobus_find(&bus, BASE - 4, 4));
	assert_null(mmiobus_find(&bus, BASE + VIRTIO_MMIO_SIZE - 2, 4));
	assert_null(mmiobus_find(&bus, BASE + VIRTIO_MMIO_SIZE, 1));
	assert_non_null(mmiobus_find(&bus, BASE + VIRTIO_MMIO_SIZE - 4, 4));
	assert_ptr_equal(mmiobus_find(&bus, BASE + VIRTIO_MMIO_STRIDE, 4),
			 &bus.devices[1]);
	mmiobus_write(d, BASE + VIRTIO_MMIO_STATUS, 4,
		      0xffffffff00000000ULL | VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_identity),
		T(test_wrong_access_size),
		T(test_features_ok),
		T(test_features_not_offered),
		T(test_features_without_version_1),
		T(test_driver_ok_without_features_ok),
		T(test_queue_setup_and_notify),
		T(test_notify_before_driver_ok),
		T(test_bad_ring_then_reset),
		T(test_broken_queue_stops_notifies),
		T(test_interrupt_ack),
		T(test_config_space),
		T(test_mmiobus),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
