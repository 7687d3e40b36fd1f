/*
 * tests/unit/test_console_mux.c - kernel/console_mux.c (the operator's
 * keys) on the host: every key sequence of docs/console.md, byte by
 * byte, as the host UART delivers them.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "kernel/console_mux.h"

#define CTRL_A 0x01

static struct console_mux mux;

static int setup(void **state)
{
	console_mux_init(&mux);
	return 0;
}

static struct console_mux_action feed(uint8_t byte)
{
	return console_mux_feed(&mux, byte);
}

static void expect(uint8_t byte, enum console_mux_act act)
{
	struct console_mux_action a = feed(byte);

	assert_int_equal(a.act, act);
}

/* Plain typing goes to the VM byte for byte, every value but Ctrl-A. */
static void test_plain_bytes_to_vm(void **state)
{
	for (unsigned b = 0; b < 256; b++) {
		struct console_mux_action a;

		if (b == CTRL_A)
			continue;
		a = feed((uint8_t)b);
		assert_int_equal(a.act, ACT_TO_VM);
		assert_int_equal(a.byte, b);
		assert_int_equal(mux.mode, MUX_VM);
	}
}

/* Ctrl-A alone does nothing yet; Ctrl-A N focuses VM N, for 1-9. */
static void test_focus_digits(void **state)
{
	for (unsigned n = 1; n <= 9; n++) {
		struct console_mux_action a;

		expect(CTRL_A, ACT_NONE);
		assert_int_equal(mux.mode, MUX_ESCAPE);
		a = feed((uint8_t)('0' + n));
		assert_int_equal(a.act, ACT_FOCUS);
		assert_int_equal(a.vm, n);
		assert_int_equal(mux.mode, MUX_VM);
		/* Typing after it goes to the VM again. */
		a = feed('k');
		assert_int_equal(a.act, ACT_TO_VM);
		assert_int_equal(a.byte, 'k');
	}
}

/* There is no VM 0: Ctrl-A 0 only shows the keys. */
static void test_focus_zero_is_help(void **state)
{
	expect(CTRL_A, ACT_NONE);
	expect('0', ACT_HELP);
	assert_int_equal(mux.mode, MUX_VM);
	expect('0', ACT_TO_VM);
}

static void test_literal_ctrl_a(void **state)
{
	struct console_mux_action a;

	expect(CTRL_A, ACT_NONE);
	a = feed(CTRL_A);
	assert_int_equal(a.act, ACT_TO_VM);
	assert_int_equal(a.byte, CTRL_A);
	assert_int_equal(mux.mode, MUX_VM);
	/* A third Ctrl-A starts a new escape. */
	expect(CTRL_A, ACT_NONE);
	expect('2', ACT_FOCUS);
}

static void test_quit_both_cases(void **state)
{
	expect(CTRL_A, ACT_NONE);
	expect('x', ACT_QUIT);
	expect(CTRL_A, ACT_NONE);
	expect('X', ACT_QUIT);
	/* x without Ctrl-A is a letter for the VM. */
	expect('x', ACT_TO_VM);
}

/* Ctrl-A m opens the monitor; its bytes go there, Ctrl-A closes it. */
static void test_monitor_open_type_close(void **state)
{
	const char *line = "list\r";
	struct console_mux_action a;

	expect(CTRL_A, ACT_NONE);
	expect('m', ACT_MONITOR_OPEN);
	assert_int_equal(mux.mode, MUX_MONITOR);
	for (const char *p = line; *p; p++) {
		a = feed((uint8_t)*p);
		assert_int_equal(a.act, ACT_TO_MONITOR);
		assert_int_equal(a.byte, (uint8_t)*p);
	}
	/* Digits and x in the monitor are text, not commands. */
	expect('1', ACT_TO_MONITOR);
	expect('x', ACT_TO_MONITOR);
	/* Ctrl-A again (then m, Ctrl-A or any key) closes it. */
	expect(CTRL_A, ACT_NONE);
	assert_int_equal(mux.mode, MUX_MONITOR_ESCAPE);
	expect('m', ACT_MONITOR_CLOSE);
	assert_int_equal(mux.mode, MUX_VM);
	expect('y', ACT_TO_VM);
	/* M works as m. */
	expect(CTRL_A, ACT_NONE);
	expect('M', ACT_MONITOR_OPEN);
	expect(CTRL_A, ACT_NONE);
	expect(CTRL_A, ACT_MONITOR_CLOSE); /* not a literal for the VM */
	expect('z', ACT_TO_VM);
	expect(CTRL_A, ACT_NONE);
	expect('m', ACT_MONITOR_OPEN);
	expect(CTRL_A, ACT_NONE);
	expect('\r', ACT_MONITOR_CLOSE);
	expect('\r', ACT_TO_VM);
}

/* Ctrl-A x quits from the monitor too; Ctrl-A N leaves it for VM N. */
static void test_monitor_quit_and_focus(void **state)
{
	struct console_mux_action a;

	expect(CTRL_A, ACT_NONE);
	expect('m', ACT_MONITOR_OPEN);
	expect(CTRL_A, ACT_NONE);
	expect('x', ACT_QUIT);
	assert_int_equal(mux.mode, MUX_VM);
	expect(CTRL_A, ACT_NONE);
	expect('m', ACT_MONITOR_OPEN);
	expect(CTRL_A, ACT_NONE);
	a = feed('3');
	assert_int_equal(a.act, ACT_FOCUS);
	assert_int_equal(a.vm, 3);
	assert_int_equal(mux.mode, MUX_VM);
	expect('q', ACT_TO_VM);
}

/* The monitor's `exit` command closes it from the other side. */
static void test_monitor_closed_by_command(void **state)
{
	expect(CTRL_A, ACT_NONE);
	expect('m', ACT_MONITOR_OPEN);
	console_mux_monitor_closed(&mux);
	expect('a', ACT_TO_VM);
}

/* Any other key after Ctrl-A shows the keys and is not sent. */
static void test_unknown_key_is_help(void **state)
{
	const uint8_t keys[] = {'q', 'h', '?', ' ', '\r', 0x1b, 0xff};

	for (unsigned i = 0; i < sizeof(keys); i++) {
		struct console_mux_action a;

		expect(CTRL_A, ACT_NONE);
		a = feed(keys[i]);
		assert_int_equal(a.act, ACT_HELP);
		assert_int_equal(a.byte, keys[i]);
		assert_int_equal(mux.mode, MUX_VM);
	}
	assert_non_null(strstr(console_mux_keys_help, "Ctrl-A m"));
	assert_non_null(strstr(console_mux_keys_help, "Ctrl-A x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain_bytes_to_vm, setup),
		cmocka_unit_test_setup(test_focus_digits, setup),
		cmocka_unit_test_setup(test_focus_zero_is_help, setup),
		cmocka_unit_test_setup(test_literal_ctrl_a, setup),
		cmocka_unit_test_setup(test_quit_both_cases, setup),
		cmocka_unit_test_setup(test_monitor_open_type_close, setup),
		cmocka_unit_test_setup(test_monitor_closed_by_command, setup),
		cmocka_unit_test_setup(test_monitor_quit_and_focus, setup),
		cmocka_unit_test_setup(test_unknown_key_is_help, setup),
	};
	return cmocka_run_group_tests_name("console_mux", tests, NULL, NULL);
}
