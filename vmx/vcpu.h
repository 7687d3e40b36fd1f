/*
 * vmx/vcpu.h - a virtual CPU: its saved general registers, its VMCS and
 * what its last VM exit said. A vCPU runs on one physical CPU at a time;
 * its fields are used only by the CPU it runs on, except `state`, which
 * the scheduler reads under the run-queue lock.
 */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H

#include "drivers/virt/vlapic.h"
#include "kernel/percpu.h"
#include "kernel/sched_policy.h"
#include "vmx/decode.h"
#include "vmx/vmcs_fields.h"

/* What VMX does not save: the general registers (RSP and RIP are in the
 * VMCS) and CR2. vmx/entry.S loads and saves them; its offsets come from
 * vmx/asm_offsets.c, not typed by hand. */
struct guest_regs {
	/* In x86 register-number order (ModRM/REX encoding: RAX RCX RDX
	 * RBX RSP RBP RSI RDI R8..R15), so that gpr[] below indexes them as
	 * instructions do. The RSP slot is unused: the guest's RSP is in the
	 * VMCS. */
	union {
		struct {
			uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
		uint64_t gpr[16];
	};
	/* CR2 while the vCPU is not on a CPU: the hypervisor takes no page
	 * faults, so the hardware CR2 stays the guest's across exits and is
	 * switched with the vCPU (vmx/vcpu_state.c), not at every entry. */
	uint64_t cr2;
	/* The value last written to the VMCS's host RSP: entry.S rewrites
	 * it only when the stack pointer differs. */
	uint64_t host_rsp;
};

/* Register numbers as x86 encodes them (ModRM.reg with REX.R). */
enum gpr {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15
};

enum vcpu_state {
	VCPU_RUNNABLE,
	VCPU_STOPPED, /* its VM stopped */
	VCPU_PAUSED,  /* its VM paused from the monitor (vmx/vm_control.c) */
};

/* What the operator asked of a vCPU (vmx/vm_control.c); the CPU that
 * runs it does it before its next slice, with its VMCS current. */
enum vcpu_request {
	VCPU_REQ_NONE,
	VCPU_REQ_RESET,	  /* `reset`: reload the kernel, keep the counters */
	VCPU_REQ_START,	  /* `start`: the same, as a new run: counters zeroed */
	VCPU_REQ_RESTART, /* the guest reset its machine (on_crash restart) */
};

struct vm;

struct vcpu {
	struct guest_regs regs; /* first: entry.S addresses it */
	struct vm *vm;
	unsigned id; /* within its VM */
	uint16_t vpid;
	hpa_t vmcs;
	bool launched;	    /* VMLAUNCH done: the next entry is VMRESUME */
	struct percpu *cpu; /* where the VMCS is loaded, or NULL */
	volatile enum vcpu_state state;
	volatile enum vcpu_request request;
	uint32_t exit_reason; /* of the exit being handled */
	/* guest state VMX does not hold */
	uint64_t xcr0;
	uint64_t msrs[6]; /* the MSRs vmx/vcpu_state.c switches */
	void *xsave_area; /* FPU/SSE/AVX state while not on a CPU */
	struct sched_entity sched;
	unsigned run_cpu; /* index of the CPU whose run queue holds it */
	/* accounting */
	uint64_t exit_counts[EXIT_REASON_COUNT];
	uint64_t guest_ticks; /* TSC ticks in VMX non-root operation */
	uint64_t host_ticks;  /* TSC ticks handling its exits */
	/* Host TSC at its first VM entry (0: none yet) and at the end of
	 * its last slice; the ticks between its slices since the first
	 * (the run loop, the console, other vCPUs, waiting halted), and
	 * those of them after a slice that ended in a halt. From the first
	 * entry to the end of the last slice is guest + host + away ticks. */
	uint64_t first_entry_tsc, last_exit_tsc, away_ticks, halted_ticks;
	bool left_halted; /* its last slice ended in a halt */
	bool timer_saved; /* the CPU saves the preemption timer on exit */
	/* The slice being run (vmx/run.c): its length (or, when the CPU
	 * does not save the preemption timer, the ticks left of it), the
	 * TSC at its start (or at the last entry), and the exits until
	 * run_exit next checks the TSC. */
	struct run_slice {
		uint64_t left, t_entry;
		unsigned exits_left;
		/* The guest's APIC timer is due at host TSC `cap` (or never:
		 * UINT64_MAX); the preemption timer then fires before the
		 * slice's end, and `bias` (timer units) is the slice left
		 * beyond what the timer holds (vmx/run.c). */
		uint64_t cap, bias;
	} slice;
	/* Its local APIC and what the interrupt wiring keeps per vCPU
	 * (vmx/vcpu_intr.c): intr_check asks for a look at its pending
	 * interrupts before the next entry; kicked says an event came
	 * since it halted; halted: it waits in HLT (off its run queue)
	 * until a kick or host TSC wake_tsc; on_cpu: where it runs in
	 * guest mode now, for the IPI that makes it exit. */
	struct vlapic lapic;
	volatile bool intr_check, kicked, halted;
	bool halt_dead; /* halted with interrupts off: only NMI or INIT */
	uint32_t intr_windows; /* window-exiting controls set now */
	/* APIC virtualization is on for it now (vcpu_apicv_switch); the
	 * EOI-exit bitmap as last written to its VMCS (apicv_stale: write
	 * it again) */
	bool apicv, apicv_stale;
	uint64_t eoi_exit[4];
	uint64_t wake_tsc;
	struct percpu *volatile on_cpu;
	/* The last instruction decoded for an access to nothing or MMIO
	 * (vmx/exit_ept.c), reused when the same bytes come back. */
	struct decode_cache {
		bool valid;
		uint8_t bytes[15];
		struct decoded d;
	} decode_cache;
};

/* Read a general register by its x86 number (RSP comes from the VMCS). */
uint64_t vcpu_gpr(struct vcpu *v, enum gpr r);
void vcpu_set_gpr(struct vcpu *v, enum gpr r, uint64_t value);

#endif
