/*
 * vmx/vm_control.c - the operator's console, VM side. The boot CPU polls
 * the host UART between its slices (there are no host interrupts in the
 * run loop), feeds kernel/console_mux.c and kernel/monitor.c, and
 * carries out what they decide: input bytes into the focused VM's UART,
 * pause/resume/stop at once (state under the VM's lock), reset and
 * start as a request that the vCPU's own CPU performs before its next
 * slice, because only there is its VMCS current.
 * See docs/console.md.
 */
#define LOG_PREFIX "console: "
#include "arch/x86_64/cpu.h"
#include "drivers/hw/uart.h"
#include "kernel/console.h"
#include "kernel/console_mux.h"
#include "kernel/monitor.h"
#include "kernel/tsc.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/passthrough.h"
#include "vmx/run.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vm_control.h"
#include "vmx/vmx_error.h"

#define POLL_BYTES_MAX 64 /* per poll, so slices still come round */

static struct vm *vms[VMS_MAX];
static unsigned vm_count;
static unsigned focus; /* index into vms */
static struct console_mux mux;
static struct monitor monitor;
static bool monitor_shown; /* its prompt may end the last line */

void vm_control_add(struct vm *vm)
{
	if (vm_count < VMS_MAX)
		vms[vm_count++] = vm;
}

/* ---- what the monitor sees of the VMs (struct monitor_ops) */

static const char *const vm_state_names[] = {
	[VM_RUNNING] = "running",
	[VM_STOPPED] = "stopped",
	[VM_PAUSED] = "paused",
};

static unsigned mon_vm_count(void *ctx)
{
	return vm_count;
}

static void mon_vm_info(void *ctx, unsigned i, struct monitor_vm_info *out)
{
	const struct vm *vm = vms[i];
	uint64_t guest = 0, host = 0, exits = 0;

	for (unsigned c = 0; c < vm->vcpu_count; c++) {
		const struct vcpu *v = vm->vcpus[c];

		guest += v->guest_ticks;
		host += v->host_ticks;
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			exits += v->exit_counts[r];
	}
	*out = (struct monitor_vm_info){
		.name = vm->name,
		.state = vm_state_names[vm->state],
		.vcpus = vm->vcpu_count,
		.memory = vm->ram_size,
		.weight = vm->config->cpu_weight,
		.guest_ns = tsc_ticks_to_ns(guest),
		.host_ns = tsc_ticks_to_ns(host),
		.exits = exits,
		.input_dropped = vm->input.dropped,
		.stop_reason = vm->state == VM_STOPPED ? vm->stop_reason : "",
	};
}

static unsigned mon_vm_exits(void *ctx, unsigned i,
			     struct monitor_exit_count *out, unsigned max)
{
	const struct vm *vm = vms[i];
	unsigned n = 0;

	for (unsigned r = 0; r < EXIT_REASON_COUNT && n < max; r++) {
		uint64_t count = 0;

		for (unsigned c = 0; c < vm->vcpu_count; c++)
			count += vm->vcpus[c]->exit_counts[r];
		if (count)
			out[n++] = (struct monitor_exit_count){
				vmx_exit_reason_string(r), count};
	}
	return n;
}

/* Every vCPU of vm to state; runnable ones back on their run queue
 * (vm->lock held). */
static void vm_set_vcpus(struct vm *vm, enum vcpu_state state,
			 enum vcpu_request request)
{
	for (unsigned c = 0; c < vm->vcpu_count; c++) {
		struct vcpu *v = vm->vcpus[c];

		if (request != VCPU_REQ_NONE) {
			v->request = request;
			v->halted = false; /* the request is done at once */
		}
		v->state = state;
		if (state == VCPU_RUNNABLE)
			v->sched.runnable = !v->halted;
		vcpu_kick(v); /* a running vCPU ends its slice now */
	}
}

void vm_control_request_all(struct vm *vm, enum vcpu_request request)
{
	spin_lock(&vm->lock);
	vm_set_vcpus(vm, VCPU_RUNNABLE, request);
	spin_unlock(&vm->lock);
}

/* Why vm is not in state `want`, or NULL when it is. */
static const char *vm_not(const struct vm *vm, enum vm_state want)
{
	if (vm->state == want)
		return NULL;
	switch (vm->state) {
	case VM_STOPPED: return "it is stopped (start runs it again)";
	case VM_PAUSED: return "it is paused (resume runs it again)";
	default: return "it is running";
	}
}

static int refuse(char *err, size_t n, const char *why)
{
	str_copy(err, why, n);
	return -1;
}

static int mon_pause(void *ctx, unsigned i, char *err, size_t n)
{
	struct vm *vm = vms[i];
	const char *why;

	spin_lock(&vm->lock);
	why = vm_not(vm, VM_RUNNING);
	if (!why) {
		vm->state = VM_PAUSED;
		vm_set_vcpus(vm, VCPU_PAUSED, VCPU_REQ_NONE);
	}
	spin_unlock(&vm->lock);
	return why ? refuse(err, n, why) : 0;
}

static int mon_resume(void *ctx, unsigned i, char *err, size_t n)
{
	struct vm *vm = vms[i];
	const char *why;

	spin_lock(&vm->lock);
	why = vm_not(vm, VM_PAUSED);
	if (!why) {
		vm->state = VM_RUNNING;
		vm_set_vcpus(vm, VCPU_RUNNABLE, VCPU_REQ_NONE);
	}
	spin_unlock(&vm->lock);
	return why ? refuse(err, n, why) : 0;
}

/* A running or paused VM starts again from its kernel (and runs). */
static int mon_reset(void *ctx, unsigned i, char *err, size_t n)
{
	struct vm *vm = vms[i];
	bool stopped;

	spin_lock(&vm->lock);
	stopped = vm->state == VM_STOPPED;
	if (!stopped) {
		vm->state = VM_RUNNING;
		vm_set_vcpus(vm, VCPU_RUNNABLE, VCPU_REQ_RESET);
	}
	spin_unlock(&vm->lock);
	return stopped ? refuse(err, n, "it is stopped (start runs it again)")
		       : 0;
}

static int mon_stop(void *ctx, unsigned i, char *err, size_t n)
{
	struct vm *vm = vms[i];

	if (vm->state == VM_STOPPED)
		return refuse(err, n, "it is stopped already");
	vm_stop(vm, "stopped from the monitor");
	return 0;
}

/* A stopped VM runs again as if new: its RAM, kernel and vCPU are set
 * up again by the vCPU's CPU (VCPU_REQ_START), its counters from 0. */
static int mon_start(void *ctx, unsigned i, char *err, size_t n)
{
	struct vm *vm = vms[i];
	const char *why;

	/* its passthrough device's VT-d domain back first (the monitor is
	 * the only one to start a stopped VM) */
	if (vm->state == VM_STOPPED && vm_passthrough_restart(vm, err, n))
		return -1;
	spin_lock(&vm->lock);
	why = vm_not(vm, VM_STOPPED);
	if (!why) {
		vm->state = VM_RUNNING;
		vm->stop_reason[0] = '\0';
		vm->exit_code = 0;
		vm->restarts = 0;
		vm_set_vcpus(vm, VCPU_RUNNABLE, VCPU_REQ_START);
	}
	spin_unlock(&vm->lock);
	if (why)
		return refuse(err, n, why);
	run_vm_started(vm);
	return 0;
}

static void mon_quit(void *ctx)
{
	for (unsigned i = 0; i < vm_count; i++)
		if (vms[i]->state != VM_STOPPED)
			vm_stop(vms[i], "the operator quit (Ctrl-A x)");
}

static uint64_t mon_now_ns(void *ctx)
{
	return tsc_ticks_to_ns(rdtsc());
}

static void mon_write(void *ctx, const char *buf, size_t len)
{
	console_write(buf, len);
}

static const struct monitor_ops monitor_ops = {
	.vm_count = mon_vm_count,
	.vm_info = mon_vm_info,
	.vm_exits = mon_vm_exits,
	.pause = mon_pause,
	.resume = mon_resume,
	.reset = mon_reset,
	.stop = mon_stop,
	.start = mon_start,
	.quit = mon_quit,
	.now_ns = mon_now_ns,
	.write = mon_write,
};

/* ---- input for the VMs */

/* Keep a typed byte for vm until its UART has room (boot CPU only). */
static void vm_input_put(struct vm *vm, uint8_t byte)
{
	struct vm_input *in = &vm->input;

	if (in->count == VM_INPUT_BUF) {
		in->dropped++;
		return;
	}
	in->buf[(in->head + in->count++) % VM_INPUT_BUF] = byte;
}

/* As much waiting input as the guest's receive FIFO takes. */
static void vm_input_drain(struct vm *vm)
{
	struct vm_input *in = &vm->input;
	unsigned room;

	if (!in->count || vm->state != VM_RUNNING)
		return;
	room = uart8250_rx_room(&vm->com1);
	for (; room && in->count; room--, in->count--) {
		uart8250_rx_push(&vm->com1, in->buf[in->head]);
		in->head = (in->head + 1) % VM_INPUT_BUF;
	}
}

/* ---- the keys */

static void say_focus(void)
{
	if (!vm_count)
		return;
	pr_info("input goes to VM %u (%s)%s", focus + 1, vms[focus]->name,
		vms[focus]->state == VM_STOPPED ? ", which is stopped" : "");
}

static void set_focus(unsigned n)
{
	if (n > vm_count) {
		pr_info("no VM %u: there %s %u", n,
			vm_count == 1 ? "is" : "are", vm_count);
		return;
	}
	focus = n - 1;
	say_focus();
}

static void quit(void)
{
	pr_info("quit: stopping every VM");
	mon_quit(NULL);
}

/* Leaving the monitor: end its prompt's line. */
static void monitor_leave(void)
{
	if (monitor_shown)
		console_write("\n", 1);
	monitor_shown = false;
}

static void act(struct console_mux_action a)
{
	if (a.act == ACT_FOCUS || a.act == ACT_QUIT ||
	    a.act == ACT_MONITOR_CLOSE)
		monitor_leave();
	switch (a.act) {
	case ACT_TO_VM:
		if (vm_count)
			vm_input_put(vms[focus], a.byte);
		break;
	case ACT_TO_MONITOR:
		if (monitor_input(&monitor, a.byte) == MONITOR_CLOSES) {
			monitor_shown = false;
			console_mux_monitor_closed(&mux);
			say_focus();
		}
		break;
	case ACT_FOCUS: set_focus(a.vm); break;
	case ACT_MONITOR_OPEN:
		monitor_shown = true;
		monitor_open(&monitor);
		break;
	case ACT_MONITOR_CLOSE: say_focus(); break;
	case ACT_QUIT: quit(); break;
	case ACT_HELP: pr_info("%s", console_mux_keys_help); break;
	default: break;
	}
}

void vm_control_begin(void)
{
	console_mux_init(&mux);
	monitor_init(&monitor, &monitor_ops, NULL);
	pr_info("%s", console_mux_keys_help);
	say_focus();
}

void vm_control_poll(void)
{
	int c;

	for (unsigned i = 0; i < POLL_BYTES_MAX && (c = uart_getc()) >= 0; i++)
		act(console_mux_feed(&mux, (uint8_t)c));
	for (unsigned i = 0; i < vm_count; i++)
		vm_input_drain(vms[i]);
}

/* ---- on the vCPU's CPU */

static void vcpu_zero_counters(struct vcpu *v)
{
	v->guest_ticks = v->host_ticks = 0;
	v->first_entry_tsc = v->last_exit_tsc = 0;
	v->away_ticks = v->halted_ticks = 0;
	v->left_halted = false;
	memset(v->exit_counts, 0, sizeof(v->exit_counts));
}

static const char *const request_name[] = {
	[VCPU_REQ_RESET] = "reset",
	[VCPU_REQ_START] = "start",
	[VCPU_REQ_RESTART] = "restart",
};
static const char *const request_done[] = {
	[VCPU_REQ_RESET] = "reset",
	[VCPU_REQ_START] = "started again",
	[VCPU_REQ_RESTART] = "restarted",
};

void vm_control_slice_start(struct vcpu *v)
{
	enum vcpu_request req = __atomic_exchange_n(&v->request, VCPU_REQ_NONE,
						    __ATOMIC_SEQ_CST);
	struct vm *vm = v->vm;
	char err[160];

	if (req == VCPU_REQ_NONE)
		return;
	if (req == VCPU_REQ_START)
		vcpu_zero_counters(v);
	if (vm_reload(v, err, sizeof(err))) {
		vm_stop(vm, "%s failed: %s", request_name[req], err);
		return;
	}
	if (v->id == 0) /* once per VM */
		log_printf(LOG_INFO, "vm %s: %s", vm->name, request_done[req]);
}

void vm_control_slice_end(struct vcpu *v)
{
	spin_lock(&v->vm->lock);
	v->sched.runnable = v->state == VCPU_RUNNABLE && !v->halted;
	spin_unlock(&v->vm->lock);
}
