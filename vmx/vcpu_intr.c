/*
 * vmx/vcpu_intr.c - a VM's interrupt controllers (drivers/virt/vintc.c)
 * wired to VT-x: device lines, the local APIC's page and MSRs, what to
 * inject before a VM entry, HLT and waking, and the kick that makes a
 * vCPU on another CPU look at a new interrupt.
 * Runs on the CPUs that run the VM's vCPUs, interrupts off; every call
 * into the models holds the VM's intc_lock (docs/interrupts.md).
 * SDM Vol. 3C, "Event Injection", "Interruptibility State", "Interrupt-
 * Window Exiting and Virtual-Interrupt Delivery", "NMI-Window Exiting".
 *
 * The models decide (what is pending, what the guest's state allows);
 * this file turns the decision into VMCS writes: the VM-entry
 * interruption information, the window controls, and the preemption
 * timer for the guest's APIC timer (vmx/run.c keeps the slice).
 */
#define LOG_PREFIX ""
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trap.h"
#include "drivers/virt/pc_platform.h"
#include "kernel/tsc.h"
#include "lib/log.h"
#include "vmx/cpuid_tsc.h"
#include "vmx/run.h"
#include "vmx/vcpu_create.h"
#include "vmx/caps.h"
#include "vmx/passthrough.h"
#include "vmx/vcpu_intr.h"
#include "vmx/vmcs.h"

/* SDM Vol. 3C, "Primary Processor-Based VM-Execution Controls" and
 * "Guest Non-Register State" (interruptibility bit 3: blocking by NMI) */
#define INTERRUPTIBILITY_NMI BIT(3)
#define NMI_VECTOR	     2

/* Every VM runs with TSC offset 0 (vmcs_setup_controls): its TSC is the
 * host's, on any CPU, so the models' clock needs no VMCS. */
static uint64_t vm_intr_now(void *ctx)
{
	return rdtsc();
}

void vcpu_kick(struct vcpu *t)
{
	struct percpu *cpu;

	t->kicked = true;
	/* before reading on_cpu: run_slice sets on_cpu, then reads
	 * intr_check (both sequentially consistent) */
	__atomic_store_n(&t->intr_check, true, __ATOMIC_SEQ_CST);
	cpu = __atomic_load_n(&t->on_cpu, __ATOMIC_SEQ_CST);
	if (cpu && cpu != this_cpu())
		lapic_send_ipi(cpu->apic_id, ICR_FIXED | VECTOR_KICK);
	else if (!cpu)
		run_kick_idle(t); /* halted, its CPU maybe asleep */
}

static void vm_intr_kick(void *ctx, uint64_t vcpus)
{
	struct vm *vm = ctx;

	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if ((vcpus & BIT(i)) && vm->vcpus[i])
			vcpu_kick(vm->vcpus[i]);
}

/* The kick's only work is the VM exit it caused (exit_external_interrupt
 * then checks the vCPU's interrupts). */
static void kick_handler(struct trap_frame *f)
{
	(void)f;
}

void vcpu_intr_host_init(void)
{
	trap_set_handler(VECTOR_KICK, kick_handler);
	trap_set_eoi(lapic_eoi);
}

/* A line sampled again at its EOI: a passed-through device's INTx. */
static bool vm_intr_resample(void *ctx, unsigned gsi, bool *level)
{
	return vm_passthrough_resample(ctx, gsi, level);
}

static void vm_intr_attach(struct vm *vm)
{
	const struct vintc_ops ops = {vm_intr_kick, vm_intr_now, vm,
				      vm_intr_resample};
	uint32_t ticks_per_count = cpuid_crystal_divider(tsc_khz);

	vintc_init(&vm->intc, PC_IOAPIC_ID, &ops);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vintc_attach(&vm->intc, i, &vm->vcpus[i]->lapic,
			     ticks_per_count);
}

/* The 8259s' ports, called with the interrupt lock held: a device line
 * from another CPU reaches the same model. */
static uint32_t locked_read(void *opaque, uint16_t offset, unsigned size)
{
	struct locked_port *p = opaque;
	uint32_t value;

	spin_lock(p->lock);
	value = p->inner.read(p->inner.opaque, offset, size);
	spin_unlock(p->lock);
	return value;
}

static void locked_write(void *opaque, uint16_t offset, unsigned size,
			 uint32_t value)
{
	struct locked_port *p = opaque;

	spin_lock(p->lock);
	p->inner.write(p->inner.opaque, offset, size, value);
	spin_unlock(p->lock);
}

void vm_intr_init(struct vm *vm)
{
	struct port_device devs[ARRAY_SIZE(vm->pic_ports)];

	vm->intc_lock = (struct spinlock)SPINLOCK_INIT;
	vm_intr_attach(vm);
	pic8259_devices(&vm->intc.pic, devs);
	for (unsigned i = 0; i < ARRAY_SIZE(devs); i++) {
		struct locked_port *p = &vm->pic_ports[i];
		struct port_device d = devs[i];

		*p = (struct locked_port){devs[i], &vm->intc_lock};
		d.read = locked_read;
		d.write = locked_write;
		d.opaque = p;
		portbus_add(&vm->ports, &d);
	}
}

void vm_intr_reset(struct vm *vm)
{
	spin_lock(&vm->intc_lock);
	vm_intr_attach(vm);
	spin_unlock(&vm->intc_lock);
}

void vm_set_irq(struct vm *vm, unsigned irq, bool level)
{
	spin_lock(&vm->intc_lock);
	vintc_set_irq(&vm->intc, irq, level);
	spin_unlock(&vm->intc_lock);
}

/* ---- before a VM entry ------------------------------------------------ */

/* v is not RUNNING in the INIT/STARTUP protocol: after a STARTUP IPI it
 * starts in real mode at the vector's page; until then it sleeps
 * (halted, off the run queue) until a kick. */
static bool mp_start(struct vcpu *v)
{
	struct vm *vm = v->vm;
	enum vlapic_mp_state st;
	struct vcpu_boot b;
	uint8_t vector;

	spin_lock(&vm->intc_lock);
	st = v->lapic.mp_state;
	vector = v->lapic.sipi_vector;
	if (st == VLAPIC_MP_STARTUP) {
		vlapic_started(&v->lapic);
	} else if (st == VLAPIC_MP_WAIT_FOR_SIPI) {
		/* the INIT may have come while the CPU was delivering from
		 * the page in guest mode: clear what it left there */
		if (v->apicv)
			vlapic_init_received(&v->lapic);
		v->kicked = false;
		v->wake_tsc = UINT64_MAX;
		v->halted = true;
	}
	spin_unlock(&vm->intc_lock);
	if (st == VLAPIC_MP_WAIT_FOR_SIPI)
		return false;
	if (st == VLAPIC_MP_STARTUP) {
		vcpu_boot_sipi(&b, vector);
		vcpu_reset(v, &b);
	}
	return true;
}

static struct vintc_guest guest_blocking(void)
{
	uint32_t ib = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	return (struct vintc_guest){
		.if_set = vmcs_readn(VMCS_GUEST_RFLAGS) & RFLAGS_IF,
		.sti_blocking = ib & INTERRUPTIBILITY_STI,
		.mov_ss_blocking = ib & INTERRUPTIBILITY_MOV_SS,
		.nmi_blocking = ib & INTERRUPTIBILITY_NMI,
	};
}

/* Set or clear window-exiting controls (v->intr_windows mirrors them). */
static void set_windows(struct vcpu *v, uint32_t want)
{
	uint32_t c;

	if (want == v->intr_windows)
		return;
	c = vmcs_read32(VMCS_PROC_CONTROLS);
	c = (c & ~(PROC_INTERRUPT_WINDOW | PROC_NMI_WINDOW)) | want;
	vmcs_write32(VMCS_PROC_CONTROLS, c);
	v->intr_windows = want;
}

/* NMI-window exiting exists only with virtual NMIs (SDM "VM-Execution
 * Control Fields"); without them the interrupt window stands in. */
static uint32_t nmi_window(void)
{
	return (vmcs_read32(VMCS_PIN_CONTROLS) & PIN_VIRTUAL_NMIS)
		       ? PROC_NMI_WINDOW
		       : PROC_INTERRUPT_WINDOW;
}

static void apply(struct vcpu *v, enum vintc_event ev, uint8_t vector,
		  bool more)
{
	uint32_t windows = 0;

	switch (ev) {
	case VINTC_INJECT_INTR:
		vmcs_write32(VMCS_ENTRY_INTR_INFO,
			     INTR_INFO_VALID | INTR_TYPE_EXTERNAL | vector);
		break;
	case VINTC_INJECT_NMI:
		vmcs_write32(VMCS_ENTRY_INTR_INFO,
			     INTR_INFO_VALID | INTR_TYPE_NMI | NMI_VECTOR);
		break;
	case VINTC_OPEN_IRQ_WINDOW: windows = PROC_INTERRUPT_WINDOW; break;
	case VINTC_OPEN_NMI_WINDOW: windows = nmi_window(); break;
	case VINTC_NOTHING: break;
	}
	/* another vector waits behind the one injected: look again as soon
	 * as the guest can take it */
	if (more)
		windows |= PROC_INTERRUPT_WINDOW;
	set_windows(v, windows);
}

/* ---- APIC virtualization ---------------------------------------------
 * SDM Vol. 3C, "APIC Virtualization and Virtual Interrupts". The CPU
 * delivers the local APIC's interrupts itself from the virtual-APIC page
 * (the model's register page): before each entry the hypervisor moves
 * what was posted into IRR and tells the CPU the highest IRR and ISR
 * vectors (RVI and SVI, "Guest Non-Register State") and which vectors'
 * EOIs must exit (the level-triggered ones, for the IOAPIC). The 8259's
 * ExtINT and NMIs are still injected. */

void vcpu_apicv_switch(struct vcpu *v, bool on)
{
	uint32_t proc = vmcs_read32(VMCS_PROC_CONTROLS);
	uint32_t proc2 = vmcs_read32(VMCS_PROC2_CONTROLS);
	const uint32_t cr8_exits =
		PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING;

	if (on) {
		proc = (proc | PROC_CTL_USE_TPR_SHADOW) & ~cr8_exits;
		proc2 |= PROC2_CTL_APICV;
	} else {
		proc = (proc & ~PROC_CTL_USE_TPR_SHADOW) | cr8_exits;
		proc2 &= ~PROC2_CTL_APICV;
	}
	vmcs_write32(VMCS_PROC_CONTROLS, proc);
	vmcs_write32(VMCS_PROC2_CONTROLS, proc2);
	spin_lock(&v->vm->intc_lock);
	vlapic_set_virtual_delivery(&v->lapic, on);
	spin_unlock(&v->vm->intc_lock);
	v->apicv = on;
	v->apicv_stale = true;
	v->intr_check = true;
}

/* The CPU can virtualize v's APIC as the guest has set it: enabled, in
 * xAPIC mode, at the address the VM's APIC-access page is mapped. */
static bool apicv_fits(struct vcpu *v)
{
	const struct vlapic *l = &v->lapic;

	return v->vm->apic_access && vlapic_hw_enabled(l) &&
	       !vlapic_x2apic(l) && vlapic_mmio_base(l) == VLAPIC_DEFAULT_BASE;
}

struct apicv_status {
	uint16_t intr_status;
	uint64_t eoi_exit[4];
};

/* (intc_lock held) */
static void apicv_status(struct vcpu *v, struct apicv_status *st)
{
	int rvi, svi;

	vlapic_sync_posted(&v->lapic);
	rvi = vlapic_highest_irr(&v->lapic);
	svi = vlapic_highest_isr(&v->lapic);
	st->intr_status =
		(uint16_t)((svi < 0 ? 0 : svi) << 8 | (rvi < 0 ? 0 : rvi));
	vlapic_eoi_exit_bitmap(&v->lapic, st->eoi_exit);
}

static void apicv_write_status(struct vcpu *v, const struct apicv_status *st)
{
	/* always: the CPU itself changes RVI and SVI in guest mode, as it
	 * delivers vectors and virtualizes EOIs */
	vmcs_write16(VMCS_GUEST_INTR_STATUS, st->intr_status);
	for (unsigned i = 0; i < 4; i++) {
		if (!v->apicv_stale && st->eoi_exit[i] == v->eoi_exit[i])
			continue;
		/* four 64-bit fields, 2 apart: the width check needs a
		 * constant, so the checked write is called directly */
		vmcs_write_checked(VMCS_EOI_EXIT_BITMAP0 + 2 * i,
				   st->eoi_exit[i], __FILE__, __LINE__);
		v->eoi_exit[i] = st->eoi_exit[i];
	}
	v->apicv_stale = false;
}

/* Exit reason 44 ("APIC access"): what the CPU does not virtualize, e.g.
 * a read of the timer's current count, or an access that is not 32 bits
 * (SDM "APIC-Access VM Exits"). A data read or write is emulated as on
 * the trapped path; anything else (an instruction fetch or an event
 * delivery through the APIC page) stops the VM. */
#define APIC_ACCESS_OFFSET	 0xfffu
#define APIC_ACCESS_TYPE_SHIFT	 12
#define APIC_ACCESS_TYPE_MASK	 0xfu
#define APIC_ACCESS_LINEAR_READ	 0
#define APIC_ACCESS_LINEAR_WRITE 1

enum exit_action exit_apic_access(struct vcpu *v)
{
	uint64_t q = vmcs_readn(VMCS_EXIT_QUALIFICATION);
	unsigned type = (q >> APIC_ACCESS_TYPE_SHIFT) & APIC_ACCESS_TYPE_MASK;
	gpa_t gpa = vlapic_mmio_base(&v->lapic) + (q & APIC_ACCESS_OFFSET);

	if (type == APIC_ACCESS_LINEAR_READ || type == APIC_ACCESS_LINEAR_WRITE)
		return exit_mmio_at(v, gpa);
	vm_stop(v->vm,
		"vCPU %u: APIC access of type %u at 0x%lx (rip 0x%lx): an "
		"instruction fetch or event delivery through the local APIC "
		"page",
		v->id, type, (unsigned long)gpa,
		(unsigned long)vmcs_readn(VMCS_GUEST_RIP));
	return EXIT_STOP_VM;
}

/* Exit reason 45 ("Virtualized EOI"): a level-triggered vector's EOI,
 * already done in the page; the IOAPIC hears of it. Trap-like: the
 * guest's RIP is past the write. */
enum exit_action exit_virtualized_eoi(struct vcpu *v)
{
	uint8_t vector = (uint8_t)vmcs_readn(VMCS_EXIT_QUALIFICATION);

	spin_lock(&v->vm->intc_lock);
	vlapic_virtual_eoi(&v->lapic, vector);
	spin_unlock(&v->vm->intc_lock);
	v->intr_check = true;
	return vcpu_intr_after(v, EXIT_RESUME);
}

/* Exit reason 56 ("APIC write"): a write the CPU put in the page but
 * whose effect is the model's (an IPI, a timer, an LVT...).
 * Trap-like. */
enum exit_action exit_apic_write(struct vcpu *v)
{
	uint32_t offset = (uint32_t)vmcs_readn(VMCS_EXIT_QUALIFICATION) &
			  APIC_ACCESS_OFFSET;

	spin_lock(&v->vm->intc_lock);
	vlapic_apic_write(&v->lapic, offset);
	spin_unlock(&v->vm->intc_lock);
	v->intr_check = true;
	return vcpu_intr_after(v, EXIT_RESUME);
}

bool vcpu_intr_check(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vintc_guest g = guest_blocking();
	bool busy = vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
	enum vintc_event ev = VINTC_NOTHING;
	uint8_t vector = 0;
	uint64_t deadline;
	bool more = false;
	struct apicv_status st;

	/* the operator paused or reset the VM, or the guest reset it: the
	 * slice ends here (vmx/vm_control.c does the rest) */
	if (__builtin_expect(v->request != VCPU_REQ_NONE ||
				     v->state != VCPU_RUNNABLE,
			     0))
		return false;
	if (__builtin_expect(v->lapic.mp_state != VLAPIC_MP_RUNNING, 0) &&
	    !mp_start(v))
		return false;
	v->intr_check = false;
	spin_lock(&vm->intc_lock);
	if (busy) {
		/* an event is being delivered (re-injected or an exception):
		 * ours waits for the window after it */
		if (vintc_can_wake(&vm->intc, v->id, rdtsc()))
			ev = VINTC_OPEN_IRQ_WINDOW;
	} else {
		ev = vintc_next(&vm->intc, v->id, &g, &vector);
		more = ev == VINTC_INJECT_INTR && !v->apicv &&
		       vlapic_pending_vector(&v->lapic) != VLAPIC_NO_VECTOR;
	}
	if (v->apicv)
		apicv_status(v, &st);
	deadline = vintc_deadline(&vm->intc, v->id);
	spin_unlock(&vm->intc_lock);
	if (v->apicv)
		apicv_write_status(v, &st);
	apply(v, ev, vector, more);
	run_timer_cap(v, deadline);
	return true;
}

/* The PIT has no deadline of its own in the preemption timer: its
 * edges are reported at the start of each slice of vCPU 0 (the 8259's
 * and the legacy timer's CPU), and a halted vCPU 0 wakes for them. */
static uint64_t pit_next_tsc(struct vm *vm, uint64_t now)
{
	uint64_t ns = pit8254_next_irq0_ns(&vm->pit);

	return ns == UINT64_MAX ? UINT64_MAX : now + tsc_ns_to_ticks(ns);
}

bool vcpu_intr_slice_start(struct vcpu *v)
{
	if (v->id == 0)
		pit8254_update(&v->vm->pit);
	return vcpu_intr_check(v);
}

enum exit_action vcpu_intr_after_slow(struct vcpu *v, enum exit_action act)
{
	if (act == EXIT_ADVANCE) {
		vcpu_skip_insn(v);
		act = EXIT_RESUME;
	}
	if (act == EXIT_RESUME && !vcpu_intr_check(v))
		act = EXIT_RESCHEDULE;
	return act;
}

/* Exit reasons 7 and 8: the guest can take what was waiting. */
enum exit_action exit_interrupt_window(struct vcpu *v)
{
	return vcpu_intr_check(v) ? EXIT_RESUME : EXIT_RESCHEDULE;
}

/* ---- the guest's accesses -------------------------------------------- */

static bool intc_window(struct vcpu *v, gpa_t gpa)
{
	return gpa - IOAPIC_DEFAULT_BASE < IOAPIC_MMIO_SIZE ||
	       gpa - vlapic_mmio_base(&v->lapic) < VLAPIC_PAGE_SIZE;
}

bool vcpu_intr_mmio(struct vcpu *v, gpa_t gpa, bool write, unsigned size,
		    uint64_t *value)
{
	struct vm *vm = v->vm;
	uint32_t val = (uint32_t)*value;
	bool ours;

	if (!intc_window(v, gpa))
		return false;
	spin_lock(&vm->intc_lock);
	ours = write ? vintc_mmio_write(&vm->intc, v->id, gpa, size, val)
		     : vintc_mmio_read(&vm->intc, v->id, gpa, size, &val);
	spin_unlock(&vm->intc_lock);
	if (ours && write)
		v->intr_check = true; /* EOI, TPR, ICR, timer: look again */
	else if (ours)
		*value = val;
	return ours;
}

int vcpu_intr_msr_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	enum vlapic_result r;

	spin_lock(&v->vm->intc_lock);
	r = vlapic_msr_read(&v->lapic, msr, value);
	spin_unlock(&v->vm->intc_lock);
	return r == VLAPIC_OK ? 0 : -1;
}

int vcpu_intr_msr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	enum vlapic_result r;

	spin_lock(&v->vm->intc_lock);
	r = vlapic_msr_write(&v->lapic, msr, value);
	spin_unlock(&v->vm->intc_lock);
	v->intr_check = true;
	/* x2APIC mode, a disabled or moved APIC: the CPU cannot virtualize
	 * it; back in xAPIC mode at 0xFEE00000 it can again */
	if (v->vm->apic_access && apicv_fits(v) != v->apicv)
		vcpu_apicv_switch(v, !v->apicv);
	return r == VLAPIC_OK ? 0 : -1;
}

#define APIC_TPR_OFFSET (APIC_REG_TPR * 16)

uint64_t vcpu_intr_cr8(struct vcpu *v)
{
	return (vlapic_tpr(&v->lapic) >> 4) &
	       0xf; /* only this vCPU writes it */
}

void vcpu_intr_set_cr8(struct vcpu *v, uint64_t value)
{
	spin_lock(&v->vm->intc_lock);
	vlapic_mmio_write(&v->lapic, APIC_TPR_OFFSET, 4,
			  (uint32_t)(value & 0xf) << 4);
	spin_unlock(&v->vm->intc_lock);
	v->intr_check = true;
}

/* ---- HLT and waking --------------------------------------------------- */

/* No interrupt can ever reach v: it is the VM's only vCPU, its local
 * APIC takes no fixed interrupts (software-disabled), the 8259 cannot
 * reach it (not on the virtual wire, or every input masked), and no
 * timer (APIC or PIT) or NMI is pending. (intc_lock held.) */
static bool never_wakes(struct vm *vm, struct vcpu *v)
{
	const struct vlapic *l = &v->lapic;
	bool pic = vlapic_accepts_pic(l) && vm->intc.pic.chip[0].imr != 0xff;

	return vm->vcpu_count == 1 && !vlapic_sw_enabled(l) && !pic &&
	       pit8254_next_irq0_ns(&vm->pit) == UINT64_MAX &&
	       !l->nmi_pending &&
	       vintc_deadline(&vm->intc, v->id) == VLAPIC_NO_DEADLINE;
}

enum exit_action vcpu_intr_halt(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool wake, never = false;

	spin_lock(&vm->intc_lock);
	v->kicked = false; /* kicks before this moment are looked at now */
	wake = vintc_can_wake(&vm->intc, v->id, rdtsc());
	if (!wake) {
		uint64_t now = rdtsc();

		never = never_wakes(vm, v);
		v->wake_tsc = vintc_deadline(&vm->intc, v->id);
		if (v->id == 0)
			v->wake_tsc = MIN(v->wake_tsc, pit_next_tsc(vm, now));
		v->halted = !never;
	}
	spin_unlock(&vm->intc_lock);
	if (wake)
		return vcpu_intr_check(v) ? EXIT_RESUME : EXIT_RESCHEDULE;
	if (never) {
		vm_stop(vm,
			"vCPU %u halted waiting for an interrupt, but none can "
			"reach it (local APIC disabled, 8259 masked or not "
			"wired to it, no timer armed)",
			v->id);
		return EXIT_STOP_VM;
	}
	return EXIT_RESCHEDULE;
}

enum exit_action vcpu_intr_halt_dead(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool alive = false;

	spin_lock(&vm->intc_lock);
	v->kicked = false;
	v->halt_dead = true;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *t = vm->vcpus[i];

		alive |= !t->halt_dead &&
			 t->lapic.mp_state == VLAPIC_MP_RUNNING &&
			 t->state != VCPU_STOPPED;
	}
	if (alive) {
		v->wake_tsc = UINT64_MAX;
		v->halted = true;
	}
	spin_unlock(&vm->intc_lock);
	if (alive)
		return EXIT_RESCHEDULE;
	vm_stop(vm, "every vCPU halted with interrupts off (dead)");
	return EXIT_STOP_VM;
}

/* What ends a halt: with interrupts off only an NMI or INIT (SDM Vol.
 * 2B, "HLT"); else any kick, or the APIC timer. */
static bool halt_over(const struct vcpu *v)
{
	if (v->halt_dead)
		return v->lapic.nmi_pending ||
		       v->lapic.mp_state != VLAPIC_MP_RUNNING;
	return v->kicked || rdtsc() >= v->wake_tsc;
}

void vcpu_intr_wake_check(struct vcpu *v)
{
	if (!v->halted || !halt_over(v))
		return;
	spin_lock(&v->vm->lock);
	v->halted = false;
	v->halt_dead = false;
	v->sched.runnable = v->state == VCPU_RUNNABLE;
	spin_unlock(&v->vm->lock);
	v->intr_check = true;
}
