/*
 * kernel/monitor.c - the monitor shell: line editing, command parsing,
 * a dispatch table. Pure logic over struct monitor_ops; runs on the boot
 * CPU, between time slices; unit-tested on the host with a fake VM set.
 */
#include <stdarg.h>
#include "kernel/monitor.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define KEY_BACKSPACE 0x08
#define KEY_DELETE    0x7f
#define KEY_KILL_LINE 0x15 /* Ctrl-U */
#define ARGS_MAX      4
#define OUT_LINE      200
#define NS_PER_SEC    1000000000ULL
#define NS_PER_MS     1000000ULL

struct monitor_cmd {
	const char *name;
	const char *args;
	const char *help;
	enum monitor_result (*run)(struct monitor *m, int argc, char **argv);
};

static void mon_write(struct monitor *m, const char *s, size_t len)
{
	m->ops->write(m->ctx, s, len);
}

static void mon_printf(struct monitor *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mon_printf(struct monitor *m, const char *fmt, ...)
{
	char buf[OUT_LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mon_write(m, buf, (size_t)MIN(n, (int)sizeof(buf) - 1));
}

void monitor_init(struct monitor *m, const struct monitor_ops *ops, void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->ctx = ctx;
	m->prev_ns = ops->now_ns(ctx);
}

void monitor_open(struct monitor *m)
{
	m->len = 0;
	mon_printf(m, "\nmonitor: type help for the commands, exit or Ctrl-A m "
		      "to go back\n" MONITOR_PROMPT);
}

/* ---- VM names */

/* "a, b, c": every VM's name, for messages. */
static void vm_names(struct monitor *m, char *buf, size_t n)
{
	unsigned count = m->ops->vm_count(m->ctx);
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < count && at < n; i++) {
		struct monitor_vm_info info;

		m->ops->vm_info(m->ctx, i, &info);
		at += (size_t)fmt_snprintf(buf + at, n - at, "%s%s",
					   i ? ", " : "", info.name);
	}
}

/* The VM named NAME, or -1 with a message naming the VMs there are. */
static int vm_find(struct monitor *m, const char *name)
{
	unsigned count = m->ops->vm_count(m->ctx);
	char names[OUT_LINE - 40];

	for (unsigned i = 0; i < count; i++) {
		struct monitor_vm_info info;

		m->ops->vm_info(m->ctx, i, &info);
		if (!strcmp(info.name, name))
			return (int)i;
	}
	vm_names(m, names, sizeof(names));
	mon_printf(m, "no VM named '%s' (VMs: %s)\n", name, names);
	return -1;
}

/* The one VM a command names, or -1 after a usage message. */
static int vm_arg(struct monitor *m, int argc, char **argv)
{
	char names[OUT_LINE - 40];

	if (argc == 2)
		return vm_find(m, argv[1]);
	vm_names(m, names, sizeof(names));
	mon_printf(m, "usage: %s VM (VMs: %s)\n", argv[0], names);
	return -1;
}

/* ---- commands */

static enum monitor_result cmd_help(struct monitor *m, int argc, char **argv);

static void print_memory(char *buf, size_t n, uint64_t bytes)
{
	if (bytes % (1024 * 1024) == 0)
		fmt_snprintf(buf, n, "%lu MiB", (unsigned long)(bytes >> 20));
	else
		fmt_snprintf(buf, n, "%lu KiB", (unsigned long)(bytes >> 10));
}

/* part of whole in tenths of a percent, 0 when whole is 0 */
static unsigned permille(uint64_t part, uint64_t whole)
{
	if (!whole)
		return 0;
	if (part > UINT64_MAX / 1000)
		return (unsigned)(part / (whole / 1000 ? whole / 1000 : 1));
	return (unsigned)(part * 1000 / whole);
}

static void list_vm(struct monitor *m, unsigned i, uint64_t interval_ns)
{
	struct monitor_vm_info v;
	uint64_t busy, d_busy, d_exits, rate;
	unsigned cpu;
	char mem[24];

	m->ops->vm_info(m->ctx, i, &v);
	busy = v.guest_ns + v.host_ns;
	/* `start` begins a new run from zero counters */
	if (busy < m->prev_busy_ns[i] || v.exits < m->prev_exits[i])
		m->prev_busy_ns[i] = m->prev_exits[i] = 0;
	d_busy = busy - m->prev_busy_ns[i];
	d_exits = v.exits - m->prev_exits[i];
	m->prev_busy_ns[i] = busy;
	m->prev_exits[i] = v.exits;
	cpu = permille(d_busy, interval_ns);
	rate = interval_ns ? d_exits * NS_PER_SEC / interval_ns : 0;
	print_memory(mem, sizeof(mem), v.memory);
	mon_printf(m, "  %-2u %-14s %-8s %5u %9s %6u %4u.%u %8lu\n", i + 1,
		   v.name, v.state, v.vcpus, mem, v.weight, cpu / 10, cpu % 10,
		   (unsigned long)rate);
}

static enum monitor_result cmd_list(struct monitor *m, int argc, char **argv)
{
	unsigned count = MIN(m->ops->vm_count(m->ctx), MONITOR_VMS_MAX);
	uint64_t now = m->ops->now_ns(m->ctx);
	uint64_t interval = now - m->prev_ns;

	m->prev_ns = now;
	mon_printf(m, "%u VMs; CPU%% and exits/s over the last %lu ms\n", count,
		   (unsigned long)(interval / NS_PER_MS));
	mon_printf(m, "  %-2s %-14s %-8s %5s %9s %6s %6s %8s\n", "#", "VM",
		   "state", "vCPUs", "memory", "weight", "CPU%", "exits/s");
	for (unsigned i = 0; i < count; i++)
		list_vm(m, i, interval);
	return MONITOR_STAYS;
}

static enum monitor_result cmd_stats(struct monitor *m, int argc, char **argv)
{
	struct monitor_exit_count exits[MONITOR_EXITS_MAX];
	struct monitor_vm_info v;
	unsigned n, share;
	int vm = vm_arg(m, argc, argv);

	if (vm < 0)
		return MONITOR_STAYS;
	m->ops->vm_info(m->ctx, (unsigned)vm, &v);
	share = permille(v.guest_ns, v.guest_ns + v.host_ns);
	mon_printf(m, "%s: %s%s%s, %u vCPU, weight %u\n", v.name, v.state,
		   v.stop_reason[0] ? ": " : "", v.stop_reason, v.vcpus,
		   v.weight);
	mon_printf(m,
		   "  time in the guest %lu ms (%u.%u%%), in the "
		   "hypervisor %lu ms (%u.%u%%)\n",
		   (unsigned long)(v.guest_ns / NS_PER_MS), share / 10,
		   share % 10, (unsigned long)(v.host_ns / NS_PER_MS),
		   (1000 - share) / 10, (1000 - share) % 10);
	mon_printf(m, "  exits %lu, console input bytes dropped %lu\n",
		   (unsigned long)v.exits, (unsigned long)v.input_dropped);
	n = m->ops->vm_exits(m->ctx, (unsigned)vm, exits, MONITOR_EXITS_MAX);
	for (unsigned i = 0; i < n; i++)
		mon_printf(m, "  %-24s %10lu\n", exits[i].reason,
			   (unsigned long)exits[i].count);
	return MONITOR_STAYS;
}

/* pause/resume/reset/stop/start: the op on the named VM, then a line
 * saying what happened or why not. */
static void vm_command(struct monitor *m, int argc, char **argv,
		       monitor_vm_op op, const char *done)
{
	char err[OUT_LINE - 40];
	int vm = vm_arg(m, argc, argv);

	if (vm < 0)
		return;
	if (op(m->ctx, (unsigned)vm, err, sizeof(err)))
		mon_printf(m, "%s %s: %s\n", argv[0], argv[1], err);
	else
		mon_printf(m, "%s: %s\n", argv[1], done);
}

static enum monitor_result cmd_pause(struct monitor *m, int argc, char **argv)
{
	vm_command(m, argc, argv, m->ops->pause, "paused");
	return MONITOR_STAYS;
}

static enum monitor_result cmd_resume(struct monitor *m, int argc, char **argv)
{
	vm_command(m, argc, argv, m->ops->resume, "resumed");
	return MONITOR_STAYS;
}

static enum monitor_result cmd_reset(struct monitor *m, int argc, char **argv)
{
	vm_command(m, argc, argv, m->ops->reset,
		   "reset: it starts again from its kernel");
	return MONITOR_STAYS;
}

static enum monitor_result cmd_stop(struct monitor *m, int argc, char **argv)
{
	vm_command(m, argc, argv, m->ops->stop, "stopped");
	return MONITOR_STAYS;
}

static enum monitor_result cmd_start(struct monitor *m, int argc, char **argv)
{
	vm_command(m, argc, argv, m->ops->start,
		   "started again from its configuration");
	return MONITOR_STAYS;
}

static enum monitor_result cmd_exit(struct monitor *m, int argc, char **argv)
{
	mon_printf(m, "monitor closed\n");
	return MONITOR_CLOSES;
}

static enum monitor_result cmd_quit(struct monitor *m, int argc, char **argv)
{
	mon_printf(m, "quit: stopping every VM\n");
	m->ops->quit(m->ctx);
	return MONITOR_CLOSES;
}

static const struct monitor_cmd commands[] = {
	{"help", "", "this list", cmd_help},
	{"list", "", "the VMs: state, size, CPU share and use, exits/s",
	 cmd_list},
	{"stats", "VM", "time in the guest and in the hypervisor, exits",
	 cmd_stats},
	{"pause", "VM", "stop running it for now (the others go on)",
	 cmd_pause},
	{"resume", "VM", "run a paused VM again", cmd_resume},
	{"reset", "VM", "start it again from its kernel", cmd_reset},
	{"stop", "VM", "stop it for good", cmd_stop},
	{"start", "VM", "start a stopped VM again from its configuration",
	 cmd_start},
	{"exit", "", "back to the VM console (also Ctrl-A m)", cmd_exit},
	{"quit", "", "stop every VM and power off (also Ctrl-A x)", cmd_quit},
};

static enum monitor_result cmd_help(struct monitor *m, int argc, char **argv)
{
	for (unsigned i = 0; i < ARRAY_SIZE(commands); i++)
		mon_printf(m, "  %-6s %-3s  %s\n", commands[i].name,
			   commands[i].args, commands[i].help);
	return MONITOR_STAYS;
}

/* ---- parsing and line editing */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Cut line into words in place; at most ARGS_MAX + 1 are counted. */
static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (is_space(*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (argc <= ARGS_MAX)
			argv[argc] = p;
		argc++;
		while (*p && !is_space(*p))
			p++;
	}
	return argc;
}

enum monitor_result monitor_run(struct monitor *m, const char *text)
{
	char line[MONITOR_LINE_MAX + 1];
	char *argv[ARGS_MAX + 1];
	int argc;

	str_copy(line, text, sizeof(line));
	argc = split(line, argv);
	if (argc == 0)
		return MONITOR_STAYS;
	for (unsigned i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct monitor_cmd *c = &commands[i];

		if (strcmp(c->name, argv[0]))
			continue;
		if (argc > (c->args[0] ? 2 : 1)) {
			mon_printf(m, "usage: %s%s%s\n", c->name,
				   c->args[0] ? " " : "", c->args);
			return MONITOR_STAYS;
		}
		return c->run(m, argc, argv);
	}
	mon_printf(m, "unknown command '%s': try help\n", argv[0]);
	return MONITOR_STAYS;
}

static enum monitor_result monitor_enter(struct monitor *m)
{
	enum monitor_result r;

	m->line[m->len] = '\0';
	m->len = 0;
	mon_write(m, "\n", 1);
	r = monitor_run(m, m->line);
	if (r == MONITOR_STAYS)
		mon_write(m, MONITOR_PROMPT, sizeof(MONITOR_PROMPT) - 1);
	return r;
}

enum monitor_result monitor_input(struct monitor *m, uint8_t byte)
{
	bool after_cr = m->after_cr;

	m->after_cr = byte == '\r';
	if (byte == '\r' || (byte == '\n' && !after_cr))
		return monitor_enter(m);
	if (byte == KEY_BACKSPACE || byte == KEY_DELETE) {
		if (m->len) {
			m->len--;
			mon_write(m, "\b \b", 3);
		}
	} else if (byte == KEY_KILL_LINE) {
		for (; m->len; m->len--)
			mon_write(m, "\b \b", 3);
	} else if (byte >= 0x20 && byte < 0x7f &&
		   m->len < MONITOR_LINE_MAX - 1) {
		m->line[m->len++] = (char)byte;
		mon_write(m, (const char *)&byte, 1);
	}
	return MONITOR_STAYS;
}
