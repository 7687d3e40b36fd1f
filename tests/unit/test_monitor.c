/*
 * tests/unit/test_monitor.c - kernel/monitor.c (the monitor shell) on
 * the host, over a fake set of three VMs: what each command prints,
 * which VM operation it calls, the rates `list` computes, line editing,
 * and the messages for wrong commands and wrong VM names.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "kernel/monitor.h"

#define MS 1000000ULL

struct fake_vm {
	const char *name, *state;
	uint64_t memory, guest_ns, host_ns, exits, dropped;
	unsigned weight;
	const char *stop_reason;
};

static struct fake_vm vms[3];
static unsigned vm_total;
static uint64_t now;
static char out[8192];
static size_t out_len;
static char calls[256];	   /* "pause 1;stop 0;" ... */
static const char *refuse; /* when set, every VM op fails with it */
static bool quit_called;

static unsigned f_count(void *ctx)
{
	return vm_total;
}

static void f_info(void *ctx, unsigned i, struct monitor_vm_info *o)
{
	assert_true(i < vm_total);
	*o = (struct monitor_vm_info){
		.name = vms[i].name,
		.state = vms[i].state,
		.vcpus = 1,
		.memory = vms[i].memory,
		.weight = vms[i].weight,
		.guest_ns = vms[i].guest_ns,
		.host_ns = vms[i].host_ns,
		.exits = vms[i].exits,
		.input_dropped = vms[i].dropped,
		.stop_reason = vms[i].stop_reason,
	};
}

static unsigned f_exits(void *ctx, unsigned i, struct monitor_exit_count *o,
			unsigned max)
{
	assert_true(max >= 2);
	o[0] = (struct monitor_exit_count){"I/O instruction", 1000 + i};
	o[1] = (struct monitor_exit_count){"VMX-preemption timer", 7};
	return 2;
}

static int record(const char *op, unsigned vm, char *err, size_t n)
{
	size_t at = strlen(calls);

	snprintf(calls + at, sizeof(calls) - at, "%s %u;", op, vm);
	if (refuse) {
		snprintf(err, n, "%s", refuse);
		return -1;
	}
	return 0;
}

#define FAKE_OP(op)                                                    \
	static int f_##op(void *ctx, unsigned vm, char *err, size_t n) \
	{                                                              \
		return record(#op, vm, err, n);                        \
	}
FAKE_OP(pause)
FAKE_OP(resume)
FAKE_OP(reset)
FAKE_OP(stop)
FAKE_OP(start)

static void f_quit(void *ctx)
{
	quit_called = true;
}

static uint64_t f_now(void *ctx)
{
	return now;
}

static void f_write(void *ctx, const char *buf, size_t len)
{
	assert_true(out_len + len < sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	out[out_len] = '\0';
}

static const struct monitor_ops ops = {
	.vm_count = f_count,
	.vm_info = f_info,
	.vm_exits = f_exits,
	.pause = f_pause,
	.resume = f_resume,
	.reset = f_reset,
	.stop = f_stop,
	.start = f_start,
	.quit = f_quit,
	.now_ns = f_now,
	.write = f_write,
};

static struct monitor mon;

static void clear_output(void)
{
	out_len = 0;
	out[0] = '\0';
	calls[0] = '\0';
}

static int setup(void **state)
{
	vms[0] = (struct fake_vm){"echo", "running", 16 << 20, 0, 0,
				  0,	  0,	     1,	       ""};
	vms[1] = (struct fake_vm){"worker", "running", 32 << 20, 0, 0,
				  0,	    0,	       2,	 ""};
	vms[2] = (struct fake_vm){
		"tiny", "stopped", 512 << 10,
		0,	0,	   0,
		0,	1,	   "shut down by the guest (exit code 0)"};
	vm_total = 3;
	now = 1000 * MS;
	refuse = NULL;
	quit_called = false;
	monitor_init(&mon, &ops, NULL);
	clear_output();
	return 0;
}

static void type(const char *s)
{
	for (; *s; s++)
		monitor_input(&mon, (uint8_t)*s);
}

static void assert_output_has(const char *s)
{
	if (!strstr(out, s))
		fail_msg("output lacks \"%s\"; it was:\n%s", s, out);
}

static void test_open_greets_and_prompts(void **state)
{
	monitor_open(&mon);
	assert_output_has("type help");
	assert_int_equal(
		strcmp(out + out_len - strlen(MONITOR_PROMPT), MONITOR_PROMPT),
		0);
}

static void test_help_names_every_command(void **state)
{
	const char *names[] = {"help",	"list", "stats", "pause", "resume",
			       "reset", "stop", "start", "exit",  "quit"};

	assert_int_equal(monitor_run(&mon, "help"), MONITOR_STAYS);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char want[16];

		snprintf(want, sizeof(want), "  %s ", names[i]);
		assert_output_has(want);
	}
	assert_string_equal(calls, "");
}

/* list: one row per VM with its state, size and weight; CPU% and
 * exits/s over the time since the previous list. */
static void test_list_rates_over_interval(void **state)
{
	now += 2000 * MS;
	vms[0].guest_ns = 500 * MS; /* 25.0% of 2 s */
	vms[0].host_ns = 0;
	vms[0].exits = 3000; /* 1500/s */
	vms[1].guest_ns = 1900 * MS;
	vms[1].host_ns = 99 * MS; /* 1999 ms: 99.9% */
	vms[1].exits = 20;
	monitor_run(&mon, "list");
	assert_output_has("3 VMs; CPU% and exits/s over the last 2000 ms");
	assert_output_has("  1  echo           running      1    16 MiB      1"
			  "   25.0     1500\n");
	assert_output_has("  2  worker         running      1    32 MiB      2"
			  "   99.9       10\n");
	assert_output_has("  3  tiny           stopped      1   512 KiB      1"
			  "    0.0        0\n");
	/* The next list counts from here: echo did 100 ms of 1 s. */
	clear_output();
	now += 1000 * MS;
	vms[0].guest_ns += 60 * MS;
	vms[0].host_ns += 40 * MS;
	vms[0].exits += 50;
	monitor_run(&mon, "list");
	assert_output_has("over the last 1000 ms");
	assert_output_has(" echo           running      1    16 MiB      1"
			  "   10.0       50\n");
	assert_output_has(" worker         running      1    32 MiB      2"
			  "    0.0        0\n");
}

/* A VM started again counts from zero: the rate is over what it did
 * since, not a wrapped-around difference. */
static void test_list_after_counters_restart(void **state)
{
	now += 1000 * MS;
	vms[2].guest_ns = 800 * MS;
	vms[2].exits = 5000;
	monitor_run(&mon, "list");
	assert_output_has(" tiny           stopped      1   512 KiB      1"
			  "   80.0     5000\n");
	clear_output();
	now += 1000 * MS;
	vms[2].state = "running";
	vms[2].guest_ns = 300 * MS;
	vms[2].exits = 40;
	monitor_run(&mon, "list");
	assert_output_has(" tiny           running      1   512 KiB      1"
			  "   30.0       40\n");
}

/* Two lists at the same instant: no division by zero, 0% shown. */
static void test_list_zero_interval(void **state)
{
	monitor_run(&mon, "list");
	clear_output();
	vms[0].guest_ns = 5 * MS;
	monitor_run(&mon, "list");
	assert_output_has("over the last 0 ms");
	assert_output_has("    0.0        0\n");
}

static void test_stats_shows_times_and_exits(void **state)
{
	vms[1].guest_ns = 900 * MS;
	vms[1].host_ns = 100 * MS;
	vms[1].exits = 1007;
	vms[1].dropped = 3;
	monitor_run(&mon, "stats worker");
	assert_output_has("worker: running, 1 vCPU, weight 2\n");
	assert_output_has("time in the guest 900 ms (90.0%), in the hypervisor "
			  "100 ms (10.0%)");
	assert_output_has("exits 1007, console input bytes dropped 3");
	assert_output_has("I/O instruction                1001\n");
	assert_output_has("VMX-preemption timer              7\n");
	clear_output();
	monitor_run(&mon, "stats tiny");
	assert_output_has(
		"tiny: stopped: shut down by the guest (exit code 0)");
}

/* Each VM command calls its operation on the VM named, by index. */
static void test_vm_commands_call_ops(void **state)
{
	monitor_run(&mon, "pause worker");
	assert_output_has("worker: paused\n");
	monitor_run(&mon, "resume worker");
	assert_output_has("worker: resumed\n");
	monitor_run(&mon, "reset echo");
	assert_output_has("echo: reset");
	monitor_run(&mon, "stop echo");
	assert_output_has("echo: stopped\n");
	monitor_run(&mon, "start tiny");
	assert_output_has("tiny: started again");
	assert_string_equal(calls, "pause 1;resume 1;reset 0;stop 0;start 2;");
}

/* An operation that is refused says why, naming command and VM. */
static void test_vm_command_refused(void **state)
{
	refuse = "it is stopped: start it instead";
	monitor_run(&mon, "pause tiny");
	assert_string_equal(out,
			    "pause tiny: it is stopped: start it instead\n");
	assert_string_equal(calls, "pause 2;");
}

static void test_unknown_command(void **state)
{
	assert_int_equal(monitor_run(&mon, "frobnicate now"), MONITOR_STAYS);
	assert_string_equal(out, "unknown command 'frobnicate': try help\n");
	clear_output();
	monitor_run(&mon, "LIST"); /* commands are lower case */
	assert_string_equal(out, "unknown command 'LIST': try help\n");
	assert_string_equal(calls, "");
}

static void test_unknown_vm_names_the_vms(void **state)
{
	const char *cmds[] = {"pause", "resume", "reset",
			      "stop",  "start",	 "stats"};

	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char line[40];

		clear_output();
		snprintf(line, sizeof(line), "%s nosuch", cmds[i]);
		monitor_run(&mon, line);
		assert_string_equal(
			out,
			"no VM named 'nosuch' (VMs: echo, worker, tiny)\n");
		assert_string_equal(calls, "");
	}
	/* Names match whole and exactly. */
	clear_output();
	monitor_run(&mon, "pause work");
	assert_output_has("no VM named 'work'");
	clear_output();
	monitor_run(&mon, "pause Worker");
	assert_output_has("no VM named 'Worker'");
}

static void test_missing_and_extra_arguments(void **state)
{
	monitor_run(&mon, "pause");
	assert_string_equal(out, "usage: pause VM (VMs: echo, worker, tiny)\n");
	clear_output();
	monitor_run(&mon, "stop echo worker");
	assert_string_equal(out, "usage: stop VM\n");
	clear_output();
	monitor_run(&mon, "list all");
	assert_string_equal(out, "usage: list\n");
	assert_string_equal(calls, "");
}

static void test_blank_lines_do_nothing(void **state)
{
	monitor_run(&mon, "");
	monitor_run(&mon, "   \t ");
	assert_string_equal(out, "");
	/* Spaces around words do not matter. */
	monitor_run(&mon, "  pause\t worker  ");
	assert_string_equal(calls, "pause 1;");
}

static void test_exit_and_quit(void **state)
{
	assert_int_equal(monitor_run(&mon, "exit"), MONITOR_CLOSES);
	assert_false(quit_called);
	assert_int_equal(monitor_run(&mon, "quit"), MONITOR_CLOSES);
	assert_true(quit_called);
}

/* Typed bytes are echoed; Enter runs the line and prompts again. */
static void test_typing_echo_and_enter(void **state)
{
	type("stop echo");
	assert_string_equal(out, "stop echo");
	assert_string_equal(calls, "");
	assert_int_equal(monitor_input(&mon, '\r'), MONITOR_STAYS);
	assert_string_equal(calls, "stop 0;");
	assert_string_equal(out, "stop echo\necho: stopped\n" MONITOR_PROMPT);
}

/* CR LF is one Enter; a lone LF is an Enter too. */
static void test_cr_lf_is_one_enter(void **state)
{
	type("pause worker\r\n");
	type("resume worker\n");
	type("\r\n");
	assert_string_equal(calls, "pause 1;resume 1;");
	assert_int_equal(strstr(out, "unknown") == NULL, 1);
}

static void test_backspace_edits(void **state)
{
	type("pausx");
	monitor_input(&mon, 0x7f); /* DEL, as terminals send */
	type("e wrk");
	monitor_input(&mon, 0x08); /* BS */
	monitor_input(&mon, 0x08);
	type("orker\r");
	assert_string_equal(calls, "pause 1;");
	assert_output_has("pausx\b \be wrk\b \b\b \borker\n");
	/* Backspace on an empty line does nothing. */
	clear_output();
	monitor_input(&mon, 0x7f);
	assert_string_equal(out, "");
}

static void test_ctrl_u_kills_line(void **state)
{
	type("stop echo");
	monitor_input(&mon, 0x15);
	type("list\r");
	assert_string_equal(calls, "");
	assert_output_has("3 VMs");
}

/* Other control bytes and bytes past the line's end are ignored. */
static void test_long_line_and_controls(void **state)
{
	type("\x1b\x02"); /* not echoed, not kept */
	assert_string_equal(out, "");
	for (unsigned i = 0; i < 200; i++)
		monitor_input(&mon, 'a');
	assert_int_equal(out_len, MONITOR_LINE_MAX - 1);
	clear_output();
	monitor_input(&mon, '\r');
	assert_output_has("unknown command 'aaaa");
}

/* The exit command typed closes the monitor from input. */
static void test_typed_exit_closes(void **state)
{
	type("exit");
	assert_int_equal(monitor_input(&mon, '\r'), MONITOR_CLOSES);
	assert_output_has("monitor closed");
	/* No prompt after closing. */
	assert_null(strstr(out, MONITOR_PROMPT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open_greets_and_prompts, setup),
		cmocka_unit_test_setup(test_help_names_every_command, setup),
		cmocka_unit_test_setup(test_list_rates_over_interval, setup),
		cmocka_unit_test_setup(test_list_zero_interval, setup),
		cmocka_unit_test_setup(test_list_after_counters_restart, setup),
		cmocka_unit_test_setup(test_stats_shows_times_and_exits, setup),
		cmocka_unit_test_setup(test_vm_commands_call_ops, setup),
		cmocka_unit_test_setup(test_vm_command_refused, setup),
		cmocka_unit_test_setup(test_unknown_command, setup),
		cmocka_unit_test_setup(test_unknown_vm_names_the_vms, setup),
		cmocka_unit_test_setup(test_missing_and_extra_arguments, setup),
		cmocka_unit_test_setup(test_blank_lines_do_nothing, setup),
		cmocka_unit_test_setup(test_exit_and_quit, setup),
		cmocka_unit_test_setup(test_typing_echo_and_enter, setup),
		cmocka_unit_test_setup(test_cr_lf_is_one_enter, setup),
		cmocka_unit_test_setup(test_backspace_edits, setup),
		cmocka_unit_test_setup(test_ctrl_u_kills_line, setup),
		cmocka_unit_test_setup(test_long_line_and_controls, setup),
		cmocka_unit_test_setup(test_typed_exit_closes, setup),
	};
	return cmocka_run_group_tests_name("monitor", tests, NULL, NULL);
}
