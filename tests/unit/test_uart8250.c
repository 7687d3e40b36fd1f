/*
 * tests/unit/test_uart8250.c - drivers/virt/uart8250.c (the guest's COM1)
 * on the host, driven as a guest drives it: inb/outb through the VM's
 * port bus at 0x3f8. Transmitted bytes are collected in a string;
 * received bytes are pushed as the hypervisor pushes the operator's keys,
 * and the interrupt line is watched through its callback.
 * PC16550D data sheet, "Registers".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/uart8250.h"

#define COM1 UART8250_COM1
#define THR  (COM1 + 0) /* DLL with DLAB */
#define IER  (COM1 + 1) /* DLM with DLAB */
#define IIR  (COM1 + 2)
#define LCR  (COM1 + 3)
#define MCR  (COM1 + 4)
#define LSR  (COM1 + 5)
#define MSR  (COM1 + 6)
#define SCR  (COM1 + 7)

#define LCR_DLAB 0x80
#define LCR_8N1	 0x03
#define LSR_THRE 0x20
#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MSR_CTS	 0x10
#define MSR_DSR	 0x20
#define MSR_RI	 0x40
#define MSR_DCD	 0x80

static struct port_bus bus;
static struct uart8250 uart;
static char sent[256];
static unsigned sent_len;

static void collect(void *ctx, char c)
{
	assert_ptr_equal(ctx, sent);
	assert_true(sent_len + 1 < sizeof(sent));
	sent[sent_len++] = c;
}

static uint8_t inb(uint16_t port)
{
	return (uint8_t)portbus_read(&bus, port, 1);
}

static void outb(uint16_t port, uint8_t value)
{
	portbus_write(&bus, port, 1, value);
}

static int setup(void **state)
{
	struct port_device dev;

	memset(&bus, 0, sizeof(bus));
	memset(sent, 0, sizeof(sent));
	sent_len = 0;
	uart8250_init(&uart, collect, sent);
	dev = uart8250_device(&uart, COM1);
	assert_int_equal(portbus_add(&bus, &dev), 0);
	return 0;
}

static void test_device_covers_8_ports(void **state)
{
	assert_int_equal(bus.devices[0].base, 0x3f8);
	assert_int_equal(bus.devices[0].count, 8);
	inb(0x3f7);
	inb(0x400);
	assert_int_equal(bus.unclaimed_reads, 2);
	for (uint16_t p = COM1; p < COM1 + 8; p++)
		inb(p);
	assert_int_equal(bus.unclaimed_reads, 2);
}

static void test_thr_reaches_tx_in_order(void **state)
{
	const char *msg = "Hello, guest!\r\n";

	for (const char *p = msg; *p; p++)
		outb(THR, (uint8_t)*p);
	assert_int_equal(sent_len, strlen(msg));
	assert_string_equal(sent, msg);
	/* Every byte value goes through unchanged. */
	outb(THR, 0x00);
	outb(THR, 0xff);
	assert_int_equal((uint8_t)sent[sent_len - 2], 0x00);
	assert_int_equal((uint8_t)sent[sent_len - 1], 0xff);
}

/* Without a tx callback writes are dropped, not a crash. */
static void test_no_tx_callback(void **state)
{
	uart8250_init(&uart, NULL, NULL);
	outb(THR, 'x');
	assert_int_equal(inb(LSR), 0x60);
}

/* What every driver does first: 115200 baud (divisor 1), 8N1. */
static void test_dlab_switches_to_divisor(void **state)
{
	outb(IER, 0x05);
	outb(LCR, LCR_DLAB);
	outb(THR, 0x01); /* DLL */
	outb(IER, 0x02); /* DLM */
	assert_int_equal(sent_len, 0);
	assert_int_equal(inb(THR), 0x01);
	assert_int_equal(inb(IER), 0x02);
	assert_int_equal(uart.dll, 0x01);
	assert_int_equal(uart.dlm, 0x02);
	outb(LCR, LCR_8N1);
	assert_int_equal(inb(LCR), LCR_8N1);
	/* IER kept its value; the divisor is kept too. */
	assert_int_equal(inb(IER), 0x05);
	outb(THR, 'A');
	assert_int_equal(sent_len, 1);
	assert_int_equal(sent[0], 'A');
	outb(LCR, LCR_DLAB | LCR_8N1);
	assert_int_equal(inb(THR), 0x01);
	assert_int_equal(inb(IER), 0x02);
	assert_int_equal(sent_len, 1);
}

static void test_lsr_always_ready(void **state)
{
	assert_int_equal(inb(LSR), 0x60);
	for (unsigned i = 0; i < 100; i++) {
		outb(THR, 'x');
		assert_int_equal(inb(LSR), 0x60);
	}
	/* Writes to LSR are ignored, DLAB does not change it. */
	outb(LSR, 0x00);
	assert_int_equal(inb(LSR), 0x60);
	outb(LCR, LCR_DLAB);
	assert_int_equal(inb(LSR), 0x60);
}

/* Reading the receive buffer with nothing received gives 0. */
static void test_rbr_empty(void **state)
{
	assert_int_equal(inb(THR), 0);
	assert_int_equal(inb(LSR) & 0x01, 0); /* no data ready */
}

static void test_iir(void **state)
{
	/* No interrupt pending, FIFOs on; FCR writes change nothing. */
	assert_int_equal(inb(IIR), 0xc1);
	outb(IIR, 0x07);
	assert_int_equal(inb(IIR), 0xc1);
	/* Enabling ETBEI with THR empty: "THR empty" until IIR is read. */
	outb(IER, 0x0f);
	assert_int_equal(inb(IIR), 0xc2);
	assert_int_equal(inb(IIR), 0xc1);
	/* Each byte written leaves at once: THR is empty again. */
	outb(THR, 'x');
	assert_int_equal(inb(IIR), 0xc2);
	assert_int_equal(inb(IIR), 0xc1);
	assert_int_equal(sent_len, 1);
}

static void test_ier_low_4_bits(void **state)
{
	assert_int_equal(inb(IER), 0);
	outb(IER, 0xff);
	assert_int_equal(inb(IER), 0x0f);
	outb(IER, 0xa5);
	assert_int_equal(inb(IER), 0x05);
	outb(IER, 0);
	assert_int_equal(inb(IER), 0);
}

static void test_scr_round_trip(void **state)
{
	for (unsigned v = 0; v < 256; v++) {
		outb(SCR, (uint8_t)v);
		assert_int_equal(inb(SCR), v);
	}
	assert_int_equal(sent_len, 0);
}

static void test_mcr_keeps_5_bits(void **state)
{
	outb(MCR, 0xff);
	assert_int_equal(inb(MCR), 0x1f);
	outb(MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	assert_int_equal(inb(MCR), 0x0b);
}

/*
 * Outside loopback the modem lines say a terminal is there (CTS, DSR,
 * DCD). In loopback the outputs feed the inputs: CTS = RTS, DSR = DTR,
 * RI = OUT1, DCD = OUT2. Xen's ns16550 probe (and Linux's 8250 one,
 * off the COM1-4 ports) checks exactly this: MCR = LOOP|OUT2|RTS must
 * read MSR 0x90, or there is no UART.
 */
static void test_mcr_loopback_changes_msr(void **state)
{
	assert_int_equal(inb(MSR) & 0xf0, MSR_CTS | MSR_DSR | MSR_DCD);
	outb(MCR, MCR_LOOP);
	assert_int_equal(inb(MSR) & 0xf0, 0);
	outb(MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);
	assert_int_equal(inb(MSR) & 0xf0, MSR_DCD | MSR_CTS);
	outb(MCR, MCR_LOOP | MCR_DTR);
	assert_int_equal(inb(MSR) & 0xf0, MSR_DSR);
	outb(MCR, MCR_LOOP | MCR_OUT1);
	assert_int_equal(inb(MSR) & 0xf0, MSR_RI);
	outb(MCR, MCR_LOOP | 0x0f);
	assert_int_equal(inb(MSR) & 0xf0, 0xf0);
	/* Out of loopback: back to the terminal's lines. */
	outb(MCR, MCR_DTR | MCR_RTS);
	assert_int_equal(inb(MSR) & 0xf0, MSR_CTS | MSR_DSR | MSR_DCD);
}

/* In loopback nothing leaves the chip: a probe's test bytes must not
 * reach the console; they come back to its own receiver. */
static void test_loopback_does_not_transmit(void **state)
{
	outb(MCR, MCR_LOOP | MCR_OUT2);
	outb(THR, 'x');
	assert_int_equal(sent_len, 0);
	assert_int_equal(inb(LSR), 0x61);
	assert_int_equal(inb(THR), 'x');
	assert_int_equal(inb(LSR), 0x60);
	outb(MCR, MCR_OUT2);
	outb(THR, 'y');
	assert_int_equal(sent_len, 1);
	assert_int_equal(sent[0], 'y');
	assert_int_equal(inb(LSR), 0x60);
}

/* A guest's putc: `while (!(inb(LSR) & 0x20)); outb(THR, c);`. Each wait
 * ends at the first read: one exit for LSR, one for THR per byte. */
static void test_polling_loop_ends_at_once(void **state)
{
	const char *msg = "polled output\n";

	for (const char *p = msg; *p; p++) {
		unsigned reads = 0;

		while (!(inb(LSR) & LSR_THRE))
			if (++reads == 1000)
				fail_msg("LSR never reports THRE");
		assert_int_equal(reads, 0);
		outb(THR, (uint8_t)*p);
	}
	assert_string_equal(sent, msg);
}

/* Wider accesses straddle registers on a 16550; they see the low byte
 * only, as the bus masks them. */
static void test_word_access_masked(void **state)
{
	outb(SCR, 0x5a);
	assert_int_equal(portbus_read(&bus, SCR, 1), 0x5a);
	assert_int_equal(portbus_read(&bus, LSR, 2) & 0xff, 0x60);
	assert_int_equal(portbus_read(&bus, SCR, 2), 0xffff); /* past 0x3ff */
}

/* ---- the receiver */

static unsigned irq_calls;
static bool irq_line;

static void irq_cb(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &irq_line);
	assert_true(level != irq_line); /* told only of changes */
	irq_line = level;
	irq_calls++;
}

static int setup_irq(void **state)
{
	setup(state);
	irq_calls = 0;
	irq_line = false;
	uart8250_set_irq(&uart, irq_cb, &irq_line);
	return 0;
}

/* Pushed bytes come out of RBR in order; LSR.DR says when. */
static void test_rx_fifo_order(void **state)
{
	const char *msg = "hi there";

	for (const char *p = msg; *p; p++)
		assert_true(uart8250_rx_push(&uart, (uint8_t)*p));
	assert_int_equal(uart8250_rx_room(&uart), 16 - strlen(msg));
	for (const char *p = msg; *p; p++) {
		assert_int_equal(inb(LSR), 0x61);
		assert_int_equal(inb(THR), (uint8_t)*p);
	}
	assert_int_equal(inb(LSR), 0x60);
	assert_int_equal(inb(THR), 0);
	assert_int_equal(uart8250_rx_room(&uart), 16);
	/* The ring wraps around. */
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned i = 0; i < 11; i++)
			assert_true(uart8250_rx_push(
				&uart, (uint8_t)(round * 11 + i)));
		for (unsigned i = 0; i < 11; i++)
			assert_int_equal(inb(THR), round * 11 + i);
	}
	/* With DLAB set, offset 0 is the divisor: the FIFO is untouched. */
	uart8250_rx_push(&uart, 'q');
	outb(LCR, LCR_DLAB);
	outb(THR, 0x01);
	assert_int_equal(inb(THR), 0x01);
	outb(LCR, LCR_8N1);
	assert_int_equal(inb(THR), 'q');
}

/* 16 bytes fit; the 17th is lost and LSR.OE says so, once. */
static void test_rx_overrun(void **state)
{
	for (unsigned i = 0; i < 16; i++)
		assert_true(uart8250_rx_push(&uart, (uint8_t)('a' + i)));
	assert_int_equal(uart8250_rx_room(&uart), 0);
	assert_false(uart8250_rx_push(&uart, 'Z'));
	assert_int_equal(inb(LSR), 0x63); /* DR, OE, THRE, TEMT */
	assert_int_equal(inb(LSR), 0x61); /* OE cleared by the read */
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(inb(THR), 'a' + i); /* Z never arrived */
	assert_int_equal(inb(LSR), 0x60);
}

/* FCR bit 1 empties the receive FIFO (what serial_init does). */
static void test_fcr_clears_rx(void **state)
{
	uart8250_rx_push(&uart, '1');
	uart8250_rx_push(&uart, '2');
	outb(IIR, 0x01); /* FCR: enable only */
	assert_int_equal(inb(LSR) & 0x01, 0x01);
	outb(IIR, 0xc7); /* enable, clear both, trigger 14 */
	assert_int_equal(inb(LSR), 0x60);
	assert_int_equal(inb(THR), 0);
}

/* The line follows "received data" while ERBFI and OUT2 are set. */
static void test_rx_interrupt(void **state)
{
	uart8250_rx_push(&uart, 'a');
	assert_int_equal(inb(IIR), 0xc1); /* IER 0: nothing */
	assert_int_equal(irq_calls, 0);
	outb(IER, 0x01);
	assert_int_equal(inb(IIR), 0xc4);
	assert_false(irq_line); /* OUT2 clear: not connected on a PC */
	outb(MCR, MCR_OUT2 | MCR_DTR | MCR_RTS);
	assert_true(irq_line);
	assert_int_equal(irq_calls, 1);
	uart8250_rx_push(&uart, 'b');
	assert_int_equal(irq_calls, 1); /* still high: no new call */
	assert_int_equal(inb(THR), 'a');
	assert_true(irq_line);
	assert_int_equal(inb(THR), 'b');
	assert_false(irq_line); /* FIFO empty: the line drops */
	assert_int_equal(inb(IIR), 0xc1);
	assert_int_equal(irq_calls, 2);
	/* A push raises it from the host side. */
	uart8250_rx_push(&uart, 'c');
	assert_true(irq_line);
	outb(IER, 0x00); /* masking lowers it */
	assert_false(irq_line);
	assert_int_equal(irq_calls, 4);
}

/* Overrun (line status) comes before received data; reading LSR
 * clears it. */
static void test_line_status_interrupt_first(void **state)
{
	outb(MCR, MCR_OUT2);
	outb(IER, 0x05);
	for (unsigned i = 0; i < 17; i++)
		uart8250_rx_push(&uart, 'x');
	assert_int_equal(inb(IIR), 0xc6);
	assert_int_equal(inb(LSR) & 0x02, 0x02);
	assert_int_equal(inb(IIR), 0xc4);
	assert_true(irq_line);
	/* Without ELSI the overrun raises nothing. */
	outb(IER, 0x00);
	assert_false(irq_line);
	uart8250_rx_push(&uart, 'y');
	assert_int_equal(inb(IIR), 0xc1);
	assert_false(irq_line);
}

/* THR empty: raised by enabling ETBEI and by each byte sent, cleared
 * by reading IIR. */
static void test_thr_empty_interrupt(void **state)
{
	outb(MCR, MCR_OUT2);
	outb(IER, 0x02);
	assert_true(irq_line);
	assert_int_equal(inb(IIR), 0xc2);
	assert_false(irq_line);
	outb(THR, 'a');
	assert_true(irq_line);
	assert_int_equal(inb(IIR), 0xc2);
	assert_false(irq_line);
	/* Received data takes priority; THR empty shows after it. */
	outb(IER, 0x03);
	outb(THR, 'b');
	uart8250_rx_push(&uart, 'r');
	assert_int_equal(inb(IIR), 0xc4);
	assert_int_equal(inb(THR), 'r');
	assert_int_equal(inb(IIR), 0xc2);
	assert_int_equal(inb(IIR), 0xc1);
	assert_false(irq_line);
	assert_string_equal(sent, "ab");
}

/* No callback: interrupts are computed all the same, nothing crashes. */
static void test_no_irq_callback(void **state)
{
	outb(MCR, MCR_OUT2);
	outb(IER, 0x01);
	uart8250_rx_push(&uart, 'a');
	assert_int_equal(inb(IIR), 0xc4);
	assert_true(uart.irq_level);
}

/* Reset: registers and FIFO back to power-on, the line low, the
 * callbacks kept. */
static void test_reset(void **state)
{
	outb(MCR, MCR_OUT2);
	outb(IER, 0x01);
	outb(SCR, 0x55);
	uart8250_rx_push(&uart, 'a');
	assert_true(irq_line);
	uart8250_reset(&uart);
	assert_false(irq_line);
	assert_int_equal(inb(LSR), 0x60);
	assert_int_equal(inb(IER), 0);
	assert_int_equal(inb(MCR), 0);
	assert_int_equal(inb(SCR), 0);
	outb(THR, 'z');
	assert_string_equal(sent, "z");
	outb(MCR, MCR_OUT2);
	outb(IER, 0x01);
	uart8250_rx_push(&uart, 'b');
	assert_true(irq_line);
}

/* A guest's getc: poll LSR.DR, then read RBR. */
static void test_polled_getc(void **state)
{
	const char *typed = "ls -l\r";
	char got[16] = {0};
	unsigned n = 0;

	for (const char *p = typed; *p; p++)
		uart8250_rx_push(&uart, (uint8_t)*p);
	while (inb(LSR) & 0x01)
		got[n++] = (char)inb(THR);
	assert_string_equal(got, typed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_device_covers_8_ports, setup),
		cmocka_unit_test_setup(test_thr_reaches_tx_in_order, setup),
		cmocka_unit_test_setup(test_no_tx_callback, setup),
		cmocka_unit_test_setup(test_dlab_switches_to_divisor, setup),
		cmocka_unit_test_setup(test_lsr_always_ready, setup),
		cmocka_unit_test_setup(test_rbr_empty, setup),
		cmocka_unit_test_setup(test_iir, setup),
		cmocka_unit_test_setup(test_ier_low_4_bits, setup),
		cmocka_unit_test_setup(test_scr_round_trip, setup),
		cmocka_unit_test_setup(test_mcr_keeps_5_bits, setup),
		cmocka_unit_test_setup(test_mcr_loopback_changes_msr, setup),
		cmocka_unit_test_setup(test_loopback_does_not_transmit, setup),
		cmocka_unit_test_setup(test_polling_loop_ends_at_once, setup),
		cmocka_unit_test_setup(test_word_access_masked, setup),
		cmocka_unit_test_setup(test_rx_fifo_order, setup),
		cmocka_unit_test_setup(test_rx_overrun, setup),
		cmocka_unit_test_setup(test_fcr_clears_rx, setup),
		cmocka_unit_test_setup(test_rx_interrupt, setup_irq),
		cmocka_unit_test_setup(test_line_status_interrupt_first,
				       setup_irq),
		cmocka_unit_test_setup(test_thr_empty_interrupt, setup_irq),
		cmocka_unit_test_setup(test_no_irq_callback, setup),
		cmocka_unit_test_setup(test_reset, setup_irq),
		cmocka_unit_test_setup(test_polled_getc, setup),
	};
	return cmocka_run_group_tests_name("uart8250", tests, NULL, NULL);
}
