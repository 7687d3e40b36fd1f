/*
 * tests/unit/test_ioapic.c - drivers/virt/ioapic.c on the host, wired
 * to two vCPUs' local APICs as a VM wires them: the IOAPIC's messages go
 * through vlapic_route_deliver, the vlapics' level EOIs come back to
 * ioapic_eoi. Registers are reached through IOREGSEL/IOWIN as a guest
 * does.
 * Intel 82093AA I/O APIC data sheet, "Register Description".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/ioapic.h"
#include "drivers/virt/vlapic_route.h"

#define NCPUS 2

static struct ioapic io;
static struct vlapic lapic[NCPUS];
static struct vlapic *lapics[NCPUS];
static unsigned messages;
static struct apic_msg last_msg;

static void io_deliver(void *ctx, const struct apic_msg *m)
{
	assert_ptr_equal(ctx, &io);
	messages++;
	last_msg = *m;
	vlapic_route_deliver(lapics, NCPUS, NULL, m);
}

static void eoi_broadcast(void *ctx, uint8_t vector)
{
	ioapic_eoi(ctx, vector);
}

static uint64_t no_time(void *ctx)
{
	return 0;
}

static uint32_t io_rd(uint8_t reg)
{
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, reg);
	return ioapic_mmio_read(&io, IOAPIC_IOWIN, 4);
}

static void io_wr(uint8_t reg, uint32_t value)
{
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, reg);
	ioapic_mmio_write(&io, IOAPIC_IOWIN, 4, value);
}

static void set_entry(unsigned pin, uint64_t entry)
{
	io_wr((uint8_t)(IOAPIC_REG_REDTBL0 + 2 * pin + 1),
	      (uint32_t)(entry >> 32));
	io_wr((uint8_t)(IOAPIC_REG_REDTBL0 + 2 * pin), (uint32_t)entry);
}

static uint64_t get_entry(unsigned pin)
{
	uint8_t reg = (uint8_t)(IOAPIC_REG_REDTBL0 + 2 * pin);

	return io_rd(reg) | (uint64_t)io_rd(reg + 1) << 32;
}

static uint64_t dest(uint8_t d)
{
	return (uint64_t)d << IOREDTBL_DEST_SHIFT;
}

/* The guest's handler: the vCPU takes the vector, then EOIs it. */
static int take(struct vlapic *l)
{
	int v = vlapic_pending_vector(l);

	if (v != VLAPIC_NO_VECTOR)
		vlapic_ack(l, (uint8_t)v);
	return v;
}

static void eoi(struct vlapic *l)
{
	vlapic_mmio_write(l, APIC_REG_EOI * 16, 4, 0);
}

static int setup(void **state)
{
	const struct ioapic_ops io_ops = {.deliver = io_deliver, .ctx = &io};
	const struct vlapic_ops l_ops = {
		.eoi_broadcast = eoi_broadcast, .now = no_time, .ctx = &io};

	messages = 0;
	ioapic_init(&io, 2, &io_ops);
	for (unsigned i = 0; i < NCPUS; i++) {
		lapics[i] = &lapic[i];
		vlapic_init(&lapic[i], i, i, i == 0, 1, &l_ops);
		vlapic_mmio_write(&lapic[i], APIC_REG_SVR * 16, 4, 0x1ff);
		vlapic_mmio_write(&lapic[i], APIC_REG_LDR * 16, 4,
				  (1u << i) << 24);
	}
	return 0;
}

static void test_reset_registers(void **state)
{
	assert_int_equal(io_rd(IOAPIC_REG_ID), 2u << 24);
	assert_int_equal(io_rd(IOAPIC_REG_VERSION), 0x170020); /* 24 pins */
	assert_int_equal(io_rd(IOAPIC_REG_ARB), 2u << 24);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(get_entry(pin), IOREDTBL_MASKED);
	assert_int_equal(io_rd(0x10 + 2 * IOAPIC_PINS), 0); /* past pin 23 */
	assert_int_equal(io_rd(0x03), 0);
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 1, 0x13);
	assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOREGSEL, 4), 0x13);
}

static void test_id_writable_version_not(void **state)
{
	io_wr(IOAPIC_REG_ID, 0xffffffff);
	assert_int_equal(io_rd(IOAPIC_REG_ID), 0x0f000000);
	io_wr(IOAPIC_REG_VERSION, 0);
	io_wr(IOAPIC_REG_ARB, 0);
	assert_int_equal(io_rd(IOAPIC_REG_VERSION), 0x170020);
	assert_int_equal(io_rd(IOAPIC_REG_ARB), 0x0f000000);
	assert_int_equal(io.ignored_accesses, 2);
}

/* Each half of an entry is written on its own; read-only bits stay. */
static void test_entry_round_trip(void **state)
{
	set_entry(5, dest(0xa5) | IOREDTBL_LEVEL | IOREDTBL_ACTIVE_LOW |
			     IOREDTBL_LOGICAL | (1 << 8) | 0x33);
	assert_int_equal(get_entry(5), dest(0xa5) | 0xa933);
	set_entry(6, 0xffffffffffffffffULL);
	assert_int_equal(get_entry(6), dest(0xff) | 0x1afff);
	assert_int_equal(messages, 0); /* masked, no line */
}

static void test_edge_delivers_on_rising(void **state)
{
	set_entry(1, dest(1) | 0x41);
	ioapic_set_irq(&io, 1, true);
	assert_int_equal(messages, 1);
	assert_int_equal(vlapic_pending_vector(&lapic[1]), 0x41);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), VLAPIC_NO_VECTOR);
	ioapic_set_irq(&io, 1, true); /* still high: no edge */
	assert_int_equal(messages, 1);
	ioapic_set_irq(&io, 1, false);
	ioapic_set_irq(&io, 1, true);
	assert_int_equal(messages, 2);
	assert_false(last_msg.trigger_level);
	assert_int_equal(get_entry(1) & IOREDTBL_REMOTE_IRR, 0);
}

/* An edge while masked is lost ("Interrupt Mask"). */
static void test_masked_edge_lost(void **state)
{
	set_entry(4, IOREDTBL_MASKED | 0x44);
	ioapic_set_irq(&io, 4, true);
	ioapic_set_irq(&io, 4, false);
	set_entry(4, 0x44);
	assert_int_equal(messages, 0);
	ioapic_set_irq(&io, 4, true);
	assert_int_equal(messages, 1);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), 0x44);
}

/* Level: one message per assertion until the EOI clears Remote IRR;
 * still asserted then, it is delivered again. */
static void test_level_remote_irr(void **state)
{
	set_entry(9, dest(0) | IOREDTBL_LEVEL | 0x59);
	ioapic_set_irq(&io, 9, true);
	assert_int_equal(messages, 1);
	assert_true(last_msg.trigger_level);
	assert_true(get_entry(9) & IOREDTBL_REMOTE_IRR);
	ioapic_set_irq(&io, 9, true);
	assert_int_equal(messages, 1);
	assert_int_equal(take(&lapic[0]), 0x59);
	eoi(&lapic[0]); /* line still high */
	assert_int_equal(messages, 2);
	assert_true(get_entry(9) & IOREDTBL_REMOTE_IRR);
	assert_int_equal(take(&lapic[0]), 0x59);
	ioapic_set_irq(&io, 9, false); /* the handler quieted the device */
	eoi(&lapic[0]);
	assert_int_equal(messages, 2);
	assert_int_equal(get_entry(9) & IOREDTBL_REMOTE_IRR, 0);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), VLAPIC_NO_VECTOR);
}

/* ops.eoi, what a polled source's owner hooks: called at the EOI that
 * clears the pin's Remote IRR, before the IOAPIC looks at the line. */
static unsigned eoi_calls, eoi_pin;
static bool source_level;

static void eoi_sample(void *ctx, unsigned pin)
{
	assert_ptr_equal(ctx, &io);
	eoi_calls++;
	eoi_pin = pin;
	ioapic_set_irq(&io, pin, source_level);
}

/* A level line whose source is sampled at the EOI: quiet by then, no
 * second delivery (the line drops with Remote IRR clear); still
 * asserting, delivered again; a later assertion delivers as usual. */
static void test_eoi_resample(void **state)
{
	io.ops.eoi = eoi_sample;
	eoi_calls = 0;
	set_entry(11, dest(0) | IOREDTBL_LEVEL | IOREDTBL_ACTIVE_LOW | 0x5b);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(messages, 1);
	assert_int_equal(take(&lapic[0]), 0x5b);
	source_level = false; /* the handler quieted the device */
	eoi(&lapic[0]);
	assert_int_equal(eoi_calls, 1);
	assert_int_equal(eoi_pin, 11);
	assert_int_equal(messages, 1);
	assert_false(io.line[11]);
	assert_int_equal(get_entry(11) & IOREDTBL_REMOTE_IRR, 0);
	ioapic_set_irq(&io, 11, true); /* the next poll sees a new one */
	assert_int_equal(messages, 2);
	assert_int_equal(take(&lapic[0]), 0x5b);
	source_level = true; /* still asserting at the EOI */
	eoi(&lapic[0]);
	assert_int_equal(eoi_calls, 2);
	assert_int_equal(messages, 3);
	assert_int_equal(take(&lapic[0]), 0x5b);
	/* an EOI of a vector no pin has in Remote IRR: not called */
	source_level = false;
	eoi(&lapic[0]);
	assert_int_equal(eoi_calls, 3);
	eoi(&lapic[0]);
	assert_int_equal(eoi_calls, 3);
}

/* The EOI register (version 0x20) does what the broadcast does. */
static void test_eoi_register(void **state)
{
	set_entry(10, dest(1) | IOREDTBL_LEVEL | 0x5a);
	ioapic_set_irq(&io, 10, true);
	ioapic_set_irq(&io, 10, false);
	assert_true(get_entry(10) & IOREDTBL_REMOTE_IRR);
	ioapic_mmio_write(&io, IOAPIC_EOI, 4, 0x5b); /* other vector */
	assert_true(get_entry(10) & IOREDTBL_REMOTE_IRR);
	ioapic_mmio_write(&io, IOAPIC_EOI, 4, 0x5a);
	assert_int_equal(get_entry(10) & IOREDTBL_REMOTE_IRR, 0);
	assert_int_equal(messages, 1);
}

/* Unmasking an asserted level pin delivers; masked it waits. */
static void test_level_unmask_delivers(void **state)
{
	set_entry(11, IOREDTBL_MASKED | IOREDTBL_LEVEL | 0x6b);
	ioapic_set_irq(&io, 11, true);
	assert_int_equal(messages, 0);
	set_entry(11, IOREDTBL_LEVEL | 0x6b);
	assert_int_equal(messages, 1);
	assert_int_equal(vlapic_pending_vector(&lapic[0]), 0x6b);
}

/* Making an entry edge drops its Remote IRR. */
static void test_edge_clears_remote_irr(void **state)
{
	set_entry(12, IOREDTBL_LEVEL | 0x6c);
	ioapic_set_irq(&io, 12, true);
	assert_true(get_entry(12) & IOREDTBL_REMOTE_IRR);
	set_entry(12, 0x6c);
	assert_int_equal(get_entry(12) & IOREDTBL_REMOTE_IRR, 0);
}

static void test_destinations(void **state)
{
	set_entry(2, dest(0xff) | 0x72); /* physical broadcast */
	ioapic_set_irq(&io, 2, true);
	assert_true(vlapic_test_irr(&lapic[0], 0x72));
	assert_true(vlapic_test_irr(&lapic[1], 0x72));
	set_entry(3, dest(0x2) | IOREDTBL_LOGICAL | 0x73); /* flat LDR bit 1 */
	ioapic_set_irq(&io, 3, true);
	assert_false(vlapic_test_irr(&lapic[0], 0x73));
	assert_true(vlapic_test_irr(&lapic[1], 0x73));
	/* lowest priority: the lowest-numbered of the set */
	set_entry(7, dest(0x3) | IOREDTBL_LOGICAL | (1 << 8) | 0x77);
	ioapic_set_irq(&io, 7, true);
	assert_true(vlapic_test_irr(&lapic[0], 0x77));
	assert_false(vlapic_test_irr(&lapic[1], 0x77));
	set_entry(8, dest(1) | (4 << 8)); /* NMI */
	ioapic_set_irq(&io, 8, true);
	assert_true(lapic[1].nmi_pending);
	set_entry(0, dest(0) | (7 << 8)); /* ExtINT: ask the 8259 */
	ioapic_set_irq(&io, 0, true);
	assert_true(lapic[0].extint_pending);
}

static void test_odd_accesses(void **state)
{
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, IOAPIC_REG_VERSION);
	assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOWIN, 1), 0);
	assert_int_equal(ioapic_mmio_read(&io, 0x20, 4), 0);
	ioapic_mmio_write(&io, IOAPIC_IOWIN, 2, 0);
	ioapic_mmio_write(&io, 0x30, 4, 0);
	assert_int_equal(io.ignored_accesses, 4);
	assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOWIN, 4), 0x170020);
	ioapic_set_irq(&io, IOAPIC_PINS, true); /* no such pin */
	ioapic_set_irq(&io, 1000, true);
	assert_int_equal(messages, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_registers, setup),
		cmocka_unit_test_setup(test_id_writable_version_not, setup),
		cmocka_unit_test_setup(test_entry_round_trip, setup),
		cmocka_unit_test_setup(test_edge_delivers_on_rising, setup),
		cmocka_unit_test_setup(test_masked_edge_lost, setup),
		cmocka_unit_test_setup(test_level_remote_irr, setup),
		cmocka_unit_test_setup(test_eoi_resample, setup),
		cmocka_unit_test_setup(test_eoi_register, setup),
		cmocka_unit_test_setup(test_level_unmask_delivers, setup),
		cmocka_unit_test_setup(test_edge_clears_remote_irr, setup),
		cmocka_unit_test_setup(test_destinations, setup),
		cmocka_unit_test_setup(test_odd_accesses, setup),
	};
	return cmocka_run_group_tests_name("ioapic", tests, NULL, NULL);
}
