/*
 * tests/unit/test_pic8259.c - drivers/virt/pic8259.c on the host,
 * programmed through the VM's port bus with the very sequences Linux and
 * a PC BIOS use (ICW1-ICW4, OCW1-OCW3, ELCR), and interrupts taken with
 * the interrupt-acknowledge the VT-x wiring performs.
 * Intel 8259A data sheet; Intel PIIX4 data sheet, "ELCR1/ELCR2".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/pic8259.h"

#define M_CMD  0x20
#define M_DATA 0x21
#define S_CMD  0xa0
#define S_DATA 0xa1

#define OCW2_EOI	  0x20
#define OCW2_SPECIFIC_EOI 0x60
#define OCW2_ROTATE_EOI	  0xa0
#define OCW2_SET_PRIO	  0xc0
#define OCW3_READ_IRR	  0x0a
#define OCW3_READ_ISR	  0x0b
#define OCW3_POLL	  0x0c
#define OCW3_SET_SMM	  0x68
#define OCW3_CLEAR_SMM	  0x48

static struct port_bus bus;
static struct pic8259 pic;
static unsigned raised;

static void raise_intr(void *ctx)
{
	assert_ptr_equal(ctx, &pic);
	raised++;
}

static uint8_t inb(uint16_t port)
{
	return (uint8_t)portbus_read(&bus, port, 1);
}

static void outb(uint16_t port, uint8_t value)
{
	portbus_write(&bus, port, 1, value);
}

/* Linux's init_8259A: vectors 0x30 / 0x38, cascade on IR2, 8086 mode */
static void linux_init(uint8_t icw4)
{
	outb(M_CMD, 0x11);
	outb(M_DATA, 0x30);
	outb(M_DATA, 0x04);
	outb(M_DATA, icw4);
	outb(S_CMD, 0x11);
	outb(S_DATA, 0x38);
	outb(S_DATA, 0x02);
	outb(S_DATA, icw4);
}

static uint8_t isr(uint16_t cmd)
{
	outb(cmd, OCW3_READ_ISR);
	return inb(cmd);
}

static uint8_t irr(uint16_t cmd)
{
	outb(cmd, OCW3_READ_IRR);
	return inb(cmd);
}

static void pulse(unsigned irq)
{
	pic8259_set_irq(&pic, irq, true);
	pic8259_set_irq(&pic, irq, false);
}

static int setup(void **state)
{
	struct port_device dev[3];

	memset(&bus, 0, sizeof(bus));
	raised = 0;
	pic8259_init(&pic, raise_intr, &pic);
	pic8259_devices(&pic, dev);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(portbus_add(&bus, &dev[i]), 0);
	return 0;
}

static int setup_linux(void **state)
{
	setup(state);
	linux_init(0x01);
	return 0;
}

/* Linux's probe_8259A: the mask written must read back. */
static void test_probe_reads_back(void **state)
{
	outb(M_DATA, 0xff);
	outb(S_DATA, 0xff);
	assert_int_equal(inb(M_DATA), 0xff);
	assert_int_equal(inb(S_DATA), 0xff);
	outb(M_DATA, 0xfb);
	assert_int_equal(inb(M_DATA), 0xfb);
	assert_int_equal(irr(M_CMD), 0);
	assert_int_equal(isr(S_CMD), 0);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	assert_int_equal(bus.unclaimed_reads, 0);
}

/* ICW1 clears the mask; the base comes from ICW2. */
static void test_icw_sequence(void **state)
{
	outb(M_DATA, 0xff);
	linux_init(0x01);
	assert_int_equal(inb(M_DATA), 0);
	assert_int_equal(inb(S_DATA), 0);
	pulse(1);
	assert_int_equal(pic8259_pending_vector(&pic), 0x31);
	assert_int_equal(pic8259_ack(&pic), 0x31);
	assert_int_equal(isr(M_CMD), 0x02);
	assert_int_equal(irr(M_CMD), 0);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(isr(M_CMD), 0);
	/* once initialized, data writes are OCW1 again */
	outb(M_DATA, 0x12);
	assert_int_equal(inb(M_DATA), 0x12);
}

/* Without ICW4 (IC4 = 0), and in single mode without ICW3. */
static void test_icw_short_sequences(void **state)
{
	outb(M_CMD, 0x10);
	outb(M_DATA, 0x48);
	outb(M_DATA, 0x04); /* ICW3, then done */
	outb(M_DATA, 0x55); /* OCW1 */
	assert_int_equal(inb(M_DATA), 0x55);
	outb(M_CMD, 0x13); /* single, IC4 */
	outb(M_DATA, 0x50);
	outb(M_DATA, 0x01); /* ICW4 right after ICW2 */
	outb(M_DATA, 0x01); /* OCW1: IR0 masked */
	assert_int_equal(inb(M_DATA), 0x01);
	pulse(0);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	outb(M_DATA, 0);
	assert_int_equal(pic8259_pending_vector(&pic), 0x50);
}

/* IR0 highest; a higher request nests over one in service, a lower one
 * waits for the EOI. */
static void test_priority_and_nesting(void **state)
{
	pulse(3);
	pulse(1);
	assert_int_equal(pic8259_ack(&pic), 0x31);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	pulse(0);
	assert_int_equal(pic8259_ack(&pic), 0x30);
	assert_int_equal(isr(M_CMD), 0x03);
	outb(M_CMD, OCW2_EOI); /* retires IR0, the highest */
	assert_int_equal(isr(M_CMD), 0x02);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(pic8259_ack(&pic), 0x33);
}

static void test_mask(void **state)
{
	outb(M_DATA, 0x02);
	pulse(1);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	assert_int_equal(irr(M_CMD), 0x02); /* requested, masked */
	assert_int_equal(raised, 0);
	outb(M_DATA, 0);
	assert_int_equal(raised, 1);
	assert_int_equal(pic8259_ack(&pic), 0x31);
}

/* IRQ 8-15 through the cascade: both chips need their EOI. */
static void test_cascade(void **state)
{
	pulse(10);
	assert_int_equal(irr(M_CMD), 0x04);
	assert_int_equal(pic8259_pending_vector(&pic), 0x3a);
	assert_int_equal(pic8259_ack(&pic), 0x3a);
	assert_int_equal(isr(M_CMD), 0x04);
	assert_int_equal(isr(S_CMD), 0x04);
	pulse(12);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	outb(S_CMD, OCW2_EOI);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(pic8259_ack(&pic), 0x3c);
	/* masking IR2 on the master silences the whole slave */
	outb(S_CMD, OCW2_EOI);
	outb(M_CMD, OCW2_EOI);
	outb(M_DATA, 0x04);
	pulse(9);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	pic8259_set_irq(&pic, 2, true); /* the cascade is not a device line */
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
}

/* Edge: one request per rising edge. Level (ELCR): requested while high,
 * again after EOI. */
static void test_edge_and_level(void **state)
{
	pic8259_set_irq(&pic, 5, true);
	assert_int_equal(pic8259_ack(&pic), 0x35);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	pic8259_set_irq(&pic, 5, false);
	outb(0x4d0, 0x20); /* IRQ 5 level */
	pic8259_set_irq(&pic, 5, true);
	assert_int_equal(pic8259_ack(&pic), 0x35);
	assert_int_equal(irr(M_CMD), 0x20);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(pic8259_ack(&pic), 0x35);
	pic8259_set_irq(&pic, 5, false);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	assert_int_equal(irr(M_CMD), 0);
}

static void test_elcr_bits(void **state)
{
	outb(0x4d0, 0xff);
	outb(0x4d1, 0xff);
	assert_int_equal(inb(0x4d0), 0xf8); /* IRQ 0-2 always edge */
	assert_int_equal(inb(0x4d1), 0xde); /* IRQ 8, 13 always edge */
	outb(0x4d0, 0);
	assert_int_equal(inb(0x4d0), 0);
}

static void test_specific_and_rotating_eoi(void **state)
{
	pulse(4);
	pulse(6);
	assert_int_equal(pic8259_ack(&pic), 0x34);
	outb(M_CMD, OCW2_SPECIFIC_EOI | 4);
	assert_int_equal(isr(M_CMD), 0);
	assert_int_equal(pic8259_ack(&pic), 0x36);
	/* rotate: IR6 becomes lowest, IR7 highest */
	outb(M_CMD, OCW2_ROTATE_EOI);
	assert_int_equal(isr(M_CMD), 0);
	pulse(0);
	pulse(7);
	assert_int_equal(pic8259_ack(&pic), 0x37);
	outb(M_CMD, OCW2_EOI);
	/* set priority: IR3 lowest, IR4 highest */
	outb(M_CMD, OCW2_SET_PRIO | 3);
	pulse(4);
	assert_int_equal(pic8259_ack(&pic), 0x34);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(pic8259_ack(&pic), 0x30);
}

static void test_auto_eoi(void **state)
{
	linux_init(0x03);
	pulse(3);
	assert_int_equal(pic8259_ack(&pic), 0x33);
	assert_int_equal(isr(M_CMD), 0);
	pulse(4); /* lower priority, but nothing in service */
	assert_int_equal(pic8259_ack(&pic), 0x34);
}

static void test_poll(void **state)
{
	outb(M_CMD, OCW3_POLL);
	assert_int_equal(inb(M_CMD), 0); /* nothing */
	pulse(6);
	outb(M_CMD, OCW3_POLL);
	assert_int_equal(inb(M_CMD), 0x86);
	assert_int_equal(isr(M_CMD), 0x40); /* the read acknowledged it */
	assert_int_equal(irr(M_CMD), 0);
}

/* Nothing pending at INTA: IR7 of the master, not in service. */
static void test_spurious(void **state)
{
	assert_int_equal(pic8259_ack(&pic), 0x37);
	assert_int_equal(isr(M_CMD), 0);
}

/* Special mask mode: masking the IRQ in service lets lower ones in. */
static void test_special_mask_mode(void **state)
{
	pulse(1);
	assert_int_equal(pic8259_ack(&pic), 0x31);
	pulse(5);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
	outb(M_CMD, OCW3_SET_SMM);
	outb(M_DATA, 0x02);
	assert_int_equal(pic8259_pending_vector(&pic), 0x35);
	outb(M_CMD, OCW3_CLEAR_SMM);
	assert_int_equal(pic8259_pending_vector(&pic), PIC8259_NONE);
}

/* raise fires on the output's rising edge only. */
static void test_raise_callback(void **state)
{
	pulse(3);
	assert_int_equal(raised, 1);
	pulse(4);
	assert_int_equal(raised, 1); /* output already high */
	pic8259_ack(&pic);
	outb(M_CMD, OCW2_EOI);
	assert_int_equal(raised, 2); /* IR4 takes over */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_reads_back, setup),
		cmocka_unit_test_setup(test_icw_sequence, setup),
		cmocka_unit_test_setup(test_icw_short_sequences, setup),
		cmocka_unit_test_setup(test_priority_and_nesting, setup_linux),
		cmocka_unit_test_setup(test_mask, setup_linux),
		cmocka_unit_test_setup(test_cascade, setup_linux),
		cmocka_unit_test_setup(test_edge_and_level, setup_linux),
		cmocka_unit_test_setup(test_elcr_bits, setup),
		cmocka_unit_test_setup(test_specific_and_rotating_eoi,
				       setup_linux),
		cmocka_unit_test_setup(test_auto_eoi, setup),
		cmocka_unit_test_setup(test_poll, setup_linux),
		cmocka_unit_test_setup(test_spurious, setup_linux),
		cmocka_unit_test_setup(test_special_mask_mode, setup_linux),
		cmocka_unit_test_setup(test_raise_callback, setup_linux),
	};
	return cmocka_run_group_tests_name("pic8259", tests, NULL, NULL);
}
