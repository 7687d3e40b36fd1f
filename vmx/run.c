/*
 * vmx/run.c - the run loop: pick a vCPU, give it a slice, enter it, handle
 * its exits until the slice ends or it cannot go on.
 * run_cpu runs on every CPU, interrupts off; each CPU touches only its
 * own run queue and the vCPUs on it.
 * SDM Vol. 3C, "VMX-Preemption Timer", "VM Entries", "VM Exits".
 */
#define LOG_PREFIX "run: "
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trap.h"
#include "kernel/console.h"
#include "kernel/iommu.h"
#include "kernel/tsc.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/passthrough.h"
#include "vmx/run.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vcpu_state.h"
#include "vmx/vm_control.h" /* console hooks, marked "console:" */
#include "vmx/vm_disk.h"
#include "vmx/vm_net.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_error.h"

#define VMX_MISC_TIMER_SHIFT_MASK 0x1f
#define TIMER_MAX		  0xffffffffULL
#define EXITS_LINE_MAX		  180 /* below LOG_LINE_MAX with the prefix */

int vmx_run(struct guest_regs *regs, int launched); /* vmx/entry.S */
bool run_exit(struct vcpu *v);			    /* called by vmx/entry.S */

struct cpu_run {
	struct runqueue rq;
	struct vcpu *last;  /* whose FPU/MSR state the CPU holds */
	hpa_t current_vmcs; /* what VMPTRLD made current */
	unsigned load;	    /* vCPUs placed here */
	volatile bool idle; /* asleep in run_idle: kick with an IPI */
};

static struct cpu_run cpu_runs[CPUS_MAX];
static struct vm *vms[VMS_MAX];
static unsigned vm_count, run_cpus;
static uint64_t base_slice_ticks;
static unsigned timer_shift; /* the preemption timer counts TSC >> this */
static volatile unsigned vms_running;
static bool idle_halts;		/* run_idle sleeps in HLT (TSC deadline) */
static uint64_t idle_max_ticks; /* and at most this long */
static uint64_t io_poll_ticks;	/* RUN_IO_POLL_US */

/* The longest an idle CPU sleeps before it looks again: the boot CPU
 * polls the console's keys, and a vCPU another CPU makes runnable (the
 * monitor's resume or start) is seen within this. */
#define RUN_IDLE_MAX_US 1000

/* While some VM's disk request is on the host disk, every CPU looks at
 * least this often whether it is done (docs/devices.md): slices and
 * idle sleeps are cut to it. The host disk's driver is polled, so this
 * is the latency a finished request can wait before its guest hears. */
#define RUN_IO_POLL_US 200

/* The idle timer's only work is the wake-up from HLT it causes. */
static void idle_timer_handler(struct trap_frame *f)
{
	(void)f;
}

void run_init(uint64_t time_slice_us, unsigned cpus)
{
	base_slice_ticks = tsc_ns_to_ticks(time_slice_us * 1000);
	if (!base_slice_ticks)
		base_slice_ticks =
			time_slice_us * 1000; /* TSC unknown: ~1 GHz */
	timer_shift = rdmsr(MSR_IA32_VMX_MISC) & VMX_MISC_TIMER_SHIFT_MASK;
	run_cpus = cpus;
	vcpu_state_cpu_init(); /* the XSAVE size, before any vCPU exists */
	vcpu_intr_host_init();
	idle_halts = lapic_tsc_deadline();
	idle_max_ticks = tsc_ns_to_ticks(RUN_IDLE_MAX_US * 1000ULL);
	io_poll_ticks = tsc_ns_to_ticks(RUN_IO_POLL_US * 1000ULL);
	if (!idle_max_ticks)
		idle_halts = false; /* TSC unknown: spin */
	trap_set_handler(VECTOR_IDLE_TIMER, idle_timer_handler);
}

int run_add_vm(struct vm *vm, char *err, size_t n)
{
	const struct vm_config *cfg = vm->config;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = vm->vcpus[i];
		unsigned loads[CPUS_MAX];
		int cpu;

		for (unsigned c = 0; c < run_cpus; c++)
			loads[c] = cpu_runs[c].load;
		cpu = sched_place(loads, run_cpus, cfg->cpu_mask,
				  cfg->has_cpu_mask);
		if (cpu < 0 || vcpu_state_init(v) ||
		    runq_add(&cpu_runs[cpu].rq, &v->sched)) {
			fmt_snprintf(err, n, "no CPU can take vCPU %u", i);
			return -1;
		}
		v->sched.weight = cfg->cpu_weight;
		v->sched.runnable = true;
		v->run_cpu = (unsigned)cpu;
		cpu_runs[cpu].load++;
	}
	vms[vm_count++] = vm;
	__atomic_add_fetch(&vms_running, 1, __ATOMIC_SEQ_CST);
	return 0;
}

void run_vm_stopped(struct vm *vm)
{
	__atomic_sub_fetch(&vms_running, 1, __ATOMIC_SEQ_CST);
}

/* console: the monitor's `start` runs a stopped VM again. */
void run_vm_started(struct vm *vm)
{
	__atomic_add_fetch(&vms_running, 1, __ATOMIC_SEQ_CST);
}

/* Make v's VMCS current here and give the CPU v's extended state. */
static void run_switch_to(struct cpu_run *cr, struct percpu *cpu,
			  struct vcpu *v)
{
	if (cr->current_vmcs != v->vmcs) {
		vmcs_load(v->vmcs);
		cr->current_vmcs = v->vmcs;
		if (!v->cpu) {
			vmcs_setup_host(cpu);
			v->cpu = cpu;
		}
	}
	if (cr->last != v) {
		vcpu_state_switch(cr->last, v);
		cr->last = v;
	}
}

/* Checked once per slice: a guest that never exits still reaches the
 * end of its slice through the preemption timer. */
static bool over_time_limit(struct vcpu *v)
{
	uint64_t limit_us = v->vm->config->time_limit_us;

	if (!limit_us ||
	    tsc_ticks_to_ns(v->guest_ticks + v->host_ticks) / 1000 < limit_us)
		return false;
	vm_stop(v->vm, "its time limit of %lu ms is used up",
		(unsigned long)(limit_us / 1000));
	return true;
}

static bool enter_failed(struct vcpu *v, int result)
{
	if (result == 0)
		return false;
	vcpu_dump(v);
	vm_stop(v->vm, "VMLAUNCH/VMRESUME failed: %s",
		result == 1 ? "VMfailInvalid"
			    : vmx_error_string(vmcs_insn_error()));
	return true;
}

/* Arm the VMX-preemption timer for `ticks` of guest time; returns the
 * value written, in timer units. */
static uint32_t set_timer(uint64_t ticks)
{
	uint64_t timer = MIN(ticks >> timer_shift, TIMER_MAX);

	if (!timer)
		timer = 1;
	vmcs_write32(VMCS_PREEMPTION_TIMER, timer);
	return (uint32_t)timer;
}

/* run_exit on a CPU that does not save the preemption timer on exit: the
 * timer restarts from its VMCS value at every entry, so the rest of the
 * slice is recomputed from the TSC at every exit, and the TSC splits the
 * time between guest and hypervisor. */
static bool run_exit_untimed(struct vcpu *v)
{
	struct run_slice *s = &v->slice;
	uint64_t t_exit = rdtsc(), used = t_exit - s->t_entry;
	bool go_on;

	v->guest_ticks += used;
	s->left = used >= s->left ? 0 : s->left - used;
	go_on = exit_handle(v);
	s->t_entry = rdtsc();
	v->host_ticks += s->t_entry - t_exit;
	if (!go_on || !s->left)
		return 0;
	set_timer(MIN(s->left, s->cap > s->t_entry ? s->cap - s->t_entry : 0));
	return 1;
}

/* Every RUN_EXITS_PER_CHECK exits, run_exit also checks the TSC: a slice
 * ends when its length has passed in host time too. The preemption
 * timer counts guest time only, and some guests run (almost) none
 * between exits: an exception that raises itself again in its delivery
 * (tests/guests/ac-loop.c, db-loop.c), a REP INS of 2^64 elements done
 * in batches. Without this bound such a vCPU would keep its CPU. The
 * check costs a decrement per exit; a slice can overrun by at most this
 * many exits. */
#define RUN_EXITS_PER_CHECK 32

/* The exit after which run_exit checks the time: every exit when the
 * CPU does not save the preemption timer, else every
 * RUN_EXITS_PER_CHECK exits. */
static unsigned exits_per_check(const struct vcpu *v)
{
	return v->timer_saved ? RUN_EXITS_PER_CHECK : 1;
}

static __attribute__((noinline)) bool run_exit_checked(struct vcpu *v)
{
	v->slice.exits_left = exits_per_check(v);
	if (!v->timer_saved)
		return run_exit_untimed(v);
	if (!exit_handle(v))
		return false;
	return rdtsc() - v->slice.t_entry < v->slice.left;
}

/* Called by vmx/entry.S after every VM exit, the guest's registers saved
 * in v->regs: handle the exit; true enters the guest again at once, false
 * ends the slice (vmx_run returns). This is the exit fast path: what can
 * be done once per slice (time accounting, the timer) is not done here
 * when the CPU saves the preemption timer. */
bool run_exit(struct vcpu *v)
{
	if (__builtin_expect(--v->slice.exits_left == 0, 0))
		return run_exit_checked(v);
	return exit_handle(v);
}

/* Time accounting for a slice on a CPU that saves the preemption timer:
 * the timer only counts down in VMX non-root operation, so what it lost
 * is exactly the guest's time; the rest of the slice was ours. */
static void account_slice(struct vcpu *v, uint32_t timer, uint64_t wall)
{
	uint64_t left = vmcs_read32(VMCS_PREEMPTION_TIMER) + v->slice.bias;
	uint64_t guest = (left < timer ? timer - left : 0) << timer_shift;

	if (guest > wall)
		guest = wall;
	v->guest_ticks += guest;
	v->host_ticks += wall - guest;
}

void run_timer_cap(struct vcpu *v, uint64_t deadline)
{
	struct run_slice *s = &v->slice;
	uint64_t now, left, want;

	s->cap = deadline;
	now = rdtsc();
	if (!v->timer_saved) { /* run_exit_untimed caps every entry */
		set_timer(MIN(s->left, deadline > now ? deadline - now : 0));
		return;
	}
	left = vmcs_read32(VMCS_PREEMPTION_TIMER) + s->bias;
	want = deadline > now ? (deadline - now) >> timer_shift : 0;
	want = MIN(want, left);
	vmcs_write32(VMCS_PREEMPTION_TIMER, (uint32_t)want);
	s->bias = left - want;
}

bool run_timer_expired(struct vcpu *v)
{
	struct run_slice *s = &v->slice;

	if (!v->timer_saved)
		return s->left == 0;
	if (!s->bias)
		return true;
	vmcs_write32(VMCS_PREEMPTION_TIMER, (uint32_t)s->bias);
	s->bias = 0;
	return false;
}

/* The time since v's last slice, at the start of the next one; the
 * first entry starts the count. */
static void account_away(struct vcpu *v, uint64_t now)
{
	uint64_t gap = now - v->last_exit_tsc;

	if (!v->first_entry_tsc) {
		v->first_entry_tsc = now;
		return;
	}
	v->away_ticks += gap;
	if (v->left_halted)
		v->halted_ticks += gap;
}

/* One slice of v: enter the guest; vmx_run comes back when an exit ends
 * the slice (its end, a halt, a stop) or the entry failed. Every other
 * exit is handled by run_exit and the guest entered again from
 * entry.S. When the CPU saves the preemption timer on exit ("save
 * VMX-preemption timer value"), the timer itself carries the rest of the
 * slice across exits and is written once per slice; without that
 * control run_exit recomputes the rest from the TSC at each exit. */
static void run_slice(struct vcpu *v, bool io_busy)
{
	uint64_t left = sched_slice_ticks(v->sched.weight, base_slice_ticks);
	uint64_t t_start;
	uint32_t timer;
	int result;

	if (over_time_limit(v))
		goto out;
	if (io_busy && io_poll_ticks)
		left = MIN(left, io_poll_ticks);
	timer = set_timer(left);
	v->slice.left = left;
	v->slice.bias = 0;
	v->slice.exits_left = exits_per_check(v);
	/* on_cpu before the look at intr_check: a kick after the look
	 * sends its IPI here (vmx/vcpu_intr.c) */
	__atomic_store_n(&v->on_cpu, this_cpu(), __ATOMIC_SEQ_CST);
	if (!vcpu_intr_slice_start(v)) {
		v->on_cpu = NULL;
		goto out;
	}
	t_start = rdtsc();
	v->slice.t_entry = t_start;
	account_away(v, t_start);
	result = vmx_run(&v->regs, v->launched);
	__atomic_store_n(&v->on_cpu, NULL, __ATOMIC_SEQ_CST);
	v->last_exit_tsc = rdtsc();
	v->left_halted = v->halted;
	if (v->timer_saved)
		account_slice(v, timer, v->last_exit_tsc - t_start);
	if (!enter_failed(v, result))
		v->launched = true;
out:
	vm_control_slice_end(v); /* console: runnable, under the VM's lock */
}

static struct vcpu *vcpu_of(struct sched_entity *e)
{
	return (struct vcpu *)((char *)e -
			       __builtin_offsetof(struct vcpu, sched));
}

/* Halted vCPUs of this CPU whose kick came or whose APIC timer is due
 * go back on the run queue. */
static void run_wake_halted(struct cpu_run *cr)
{
	for (unsigned i = 0; i < cr->rq.count; i++)
		vcpu_intr_wake_check(vcpu_of(cr->rq.entities[i]));
}

/* Nothing to run on this CPU: sleep in HLT until the earliest timer of
 * its halted vCPUs (at most RUN_IDLE_MAX_US), a kick (vcpu_kick sends an
 * IPI while `idle` is set) or any interrupt. Without a TSC-deadline
 * timer the CPU spins instead. */
static void run_idle(struct cpu_run *cr, bool io_busy)
{
	uint64_t now = rdtsc(), until = now + idle_max_ticks;

	if (!idle_halts) {
		cpu_relax();
		return;
	}
	for (unsigned i = 0; i < cr->rq.count; i++) {
		const struct vcpu *v = vcpu_of(cr->rq.entities[i]);

		if (v->halted)
			until = MIN(until, v->wake_tsc);
	}
	if (io_busy)
		until = MIN(until, now + io_poll_ticks);
	/* `idle` before the last look: a kick after it sends its IPI, one
	 * before it is seen here (both sequentially consistent) */
	__atomic_store_n(&cr->idle, true, __ATOMIC_SEQ_CST);
	run_wake_halted(cr);
	if (until > rdtsc() && !runq_has_runnable(&cr->rq)) {
		lapic_timer_at(VECTOR_IDLE_TIMER, until);
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		lapic_timer_at(VECTOR_IDLE_TIMER, 0);
	}
	__atomic_store_n(&cr->idle, false, __ATOMIC_SEQ_CST);
}

void run_kick_idle(const struct vcpu *v)
{
	unsigned c = v->run_cpu;

	if (c < run_cpus && c != this_cpu()->index &&
	    __atomic_load_n(&cpu_runs[c].idle, __ATOMIC_SEQ_CST))
		lapic_send_ipi(percpu_table[c]->apic_id,
			       ICR_FIXED | VECTOR_KICK);
}

/* Disk requests the host disk has finished, answered by whichever CPU
 * looks first; true while any is still on a host disk. */
static bool run_poll_disks(void)
{
	bool busy = false;

	for (unsigned i = 0; i < vm_count; i++)
		busy |= vm_disk_poll(vms[i]);
	return busy;
}

/* Devices the hypervisor polls for their VMs: passthrough INTx. */
static void run_poll_devices(void)
{
	for (unsigned i = 0; i < vm_count; i++)
		vm_passthrough_poll(vms[i]);
	iommu_poll_faults(NULL, 0); /* blocked DMA, one line each */
}

void run_cpu(struct percpu *cpu)
{
	struct cpu_run *cr = &cpu_runs[cpu->index];
	bool boot_cpu = cpu->index == 0;

	vcpu_state_cpu_init();
	for (;;) {
		struct sched_entity *e;
		bool io_busy = run_poll_disks();

		run_wake_halted(cr);
		e = runq_pick(&cr->rq);
		if (e) {
			struct vcpu *v = vcpu_of(e);

			run_switch_to(cr, cpu, v);
			vm_control_slice_start(v); /* console: reset/start */
			run_slice(v, io_busy);
		} else {
			run_idle(cr, io_busy);
		}
		if (boot_cpu) {
			run_poll_devices();
			vm_control_poll(); /* console: the operator's keys */
			vm_net_poll();	   /* the uplink's received frames */
			console_flush();
			if (!__atomic_load_n(&vms_running, __ATOMIC_SEQ_CST)) {
				/* writes a stopped VM left on a host disk
				 * are finished before the machine is off */
				for (unsigned i = 0; i < vm_count; i++)
					vm_disk_drain(vms[i]);
				return;
			}
		}
	}
}

/* The VM's exits by reason, as many lines "NAME exits: ..." as needed:
 * a long list is cut between reasons, never inside one. */
static void print_exits(const struct vm *vm)
{
	char line[EXITS_LINE_MAX];
	int n = 0;

	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		char item[64];
		uint64_t count = 0;
		int len;

		for (unsigned i = 0; i < vm->vcpu_count; i++)
			count += vm->vcpus[i]->exit_counts[r];
		if (!count)
			continue;
		len = fmt_snprintf(item, sizeof(item), "%s %lu",
				   vmx_exit_reason_string(r),
				   (unsigned long)count);
		if (n && n + 2 + len >= (int)sizeof(line)) {
			pr_info("  %-12s exits: %s", vm->name, line);
			n = 0;
		}
		n += fmt_snprintf(line + n, sizeof(line) - n, "%s%s",
				  n ? ", " : "", item);
	}
	pr_info("  %-12s exits: %s", vm->name, n ? line : "none");
}

/* When the VM ran: its first VM entry, its last exit and the ticks
 * between its slices, so that a guest's own TSC readings (the TSC
 * offset is 0) can be set against the hypervisor's accounting. */
static void print_times(const struct vm *vm)
{
	uint64_t first = 0, last = 0, away = 0, halted = 0;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = vm->vcpus[i];

		if (v->first_entry_tsc &&
		    (!first || v->first_entry_tsc < first))
			first = v->first_entry_tsc;
		last = MAX(last, v->last_exit_tsc);
		away += v->away_ticks;
		halted += v->halted_ticks;
	}
	if (first)
		pr_info("  %-12s time: first entry at TSC %lu, last exit at "
			"TSC %lu, %lu ticks between slices (%lu of them "
			"halted)",
			vm->name, (unsigned long)first, (unsigned long)last,
			(unsigned long)away, (unsigned long)halted);
}

/* What its driver did with the VM's disk (docs/performance.md). */
static void print_disks(const struct vm *vm)
{
	char stats[160], label[16];

	for (unsigned d = 0; d < vm->disk_count; d++) {
		vm_disk_stats(&vm->disks[d], stats, sizeof(stats));
		vm_disk_label(&vm->disks[d], label, sizeof(label));
		pr_info("  %-12s %s: %s", vm->name, label, stats);
	}
}

void run_print_stats(void)
{
	pr_info("%-14s %-8s %14s %14s  %s", "VM", "state", "guest ticks",
		"exit ticks", "stopped because");
	for (unsigned i = 0; i < vm_count; i++) {
		const struct vm *vm = vms[i];
		uint64_t guest = 0, host = 0;

		for (unsigned c = 0; c < vm->vcpu_count; c++) {
			guest += vm->vcpus[c]->guest_ticks;
			host += vm->vcpus[c]->host_ticks;
		}
		pr_info("%-14s %-8s %14lu %14lu  %s", vm->name,
			vm->state == VM_STOPPED ? "stopped" : "running",
			(unsigned long)guest, (unsigned long)host,
			vm->stop_reason);
	}
	for (unsigned i = 0; i < vm_count; i++) {
		print_exits(vms[i]);
		print_times(vms[i]);
		print_disks(vms[i]);
	}
}
