/*
 * kernel/monitor.h - the operator's monitor shell on the host console:
 * a line editor and a table of commands (help, list, stats, pause,
 * resume, reset, stop, start, exit, quit). Pure logic: it reaches the
 * VMs only through struct monitor_ops, which vmx/vm_control.c fills
 * with the real thing and tests/unit/test_monitor.c with a fake.
 * Runs on the boot CPU, between time slices. See docs/console.md.
 */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

#include "lib/types.h"

#define MONITOR_LINE_MAX  80
#define MONITOR_VMS_MAX	  16 /* as many as the configuration allows */
#define MONITOR_EXITS_MAX 72 /* exit reasons with a count, at most */
#define MONITOR_PROMPT	  "monitor> "

/* One VM as `list` and `stats` show it; the counters run from its
 * start (`start` begins again from zero). */
struct monitor_vm_info {
	const char *name;
	const char *state; /* "running", "paused", "stopped" */
	unsigned vcpus;
	uint64_t memory;   /* bytes */
	unsigned weight;   /* cpu_weight */
	uint64_t guest_ns; /* time in the guest, all vCPUs */
	uint64_t host_ns;  /* time handling its exits */
	uint64_t exits;
	uint64_t input_dropped;	 /* console bytes lost: its buffer was full */
	const char *stop_reason; /* "" unless stopped */
};

struct monitor_exit_count {
	const char *reason;
	uint64_t count;
};

/* A VM operation: 0, or -1 with why not in err (e.g. "it is stopped"). */
typedef int (*monitor_vm_op)(void *ctx, unsigned vm, char *err, size_t n);

struct monitor_ops {
	unsigned (*vm_count)(void *ctx); /* VMs are numbered 0..count-1 */
	void (*vm_info)(void *ctx, unsigned vm, struct monitor_vm_info *out);
	/* The exit reasons with a non-zero count (at most max); how many. */
	unsigned (*vm_exits)(void *ctx, unsigned vm,
			     struct monitor_exit_count *out, unsigned max);
	monitor_vm_op pause, resume, reset, stop, start;
	void (*quit)(void *ctx); /* stop every VM; the run then ends */
	uint64_t (*now_ns)(void *ctx);
	void (*write)(void *ctx, const char *buf, size_t len);
};

struct monitor {
	const struct monitor_ops *ops;
	void *ctx;
	char line[MONITOR_LINE_MAX];
	unsigned len;
	bool after_cr; /* a '\n' right after '\r' ends no second line */
	/* `list` measures CPU% and exits/s since the previous `list` */
	uint64_t prev_ns;
	uint64_t prev_busy_ns[MONITOR_VMS_MAX];
	uint64_t prev_exits[MONITOR_VMS_MAX];
};

enum monitor_result {
	MONITOR_STAYS,	/* go on feeding it bytes */
	MONITOR_CLOSES, /* `exit`: input goes back to the VM */
};

void monitor_init(struct monitor *m, const struct monitor_ops *ops, void *ctx);
/* Opened (Ctrl-A m): a greeting and the prompt. */
void monitor_open(struct monitor *m);
/* One typed byte: edited into the line (echoed), Enter runs it. */
enum monitor_result monitor_input(struct monitor *m, uint8_t byte);
/* Run one command line; what it prints goes to ops->write. */
enum monitor_result monitor_run(struct monitor *m, const char *line);

#endif
