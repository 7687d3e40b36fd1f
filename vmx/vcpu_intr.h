/*
 * vmx/vcpu_intr.h - a VM's interrupt controllers (drivers/virt/vintc.c)
 * wired to VT-x: device lines, the local APIC's page and MSRs, what to
 * inject before a VM entry, HLT and waking, the kick that makes a vCPU
 * on another CPU look at a new interrupt.
 * Runs on the CPUs that run the VM's vCPUs, interrupts off; every call
 * into the models holds the VM's intc_lock.
 * SDM Vol. 3C, "Event Injection", "Interruptibility State",
 * "Interrupt-Window Exiting and Virtual-Interrupt Delivery";
 * docs/interrupts.md.
 */
#ifndef VMX_VCPU_INTR_H
#define VMX_VCPU_INTR_H

#include "vmx/exit.h"

/* The host vector of the IPI that makes a vCPU running on another CPU
 * exit and look at its interrupts (its handler does nothing else). */
#define VECTOR_KICK 0xf1

/* Once, before any VM: the kick vector's host handler. */
void vcpu_intr_host_init(void);

/* The VM's controllers, with its vCPUs attached (after vcpu_create),
 * and the 8259s on its port bus. Also after a reset of the VM. */
void vm_intr_init(struct vm *vm);
void vm_intr_reset(struct vm *vm);

/* A device line of the VM (ISA IRQ 0-15 or an IOAPIC pin); any CPU. */
void vm_set_irq(struct vm *vm, unsigned irq, bool level);

/* Before entering v (VMCS current): inject what is pending and allowed,
 * else open the interrupt window; arm the preemption timer for its APIC
 * timer. False when v must not run now. */
bool vcpu_intr_check(struct vcpu *v);
/* The same at the start of a slice, with the PIT's edges reported. */
bool vcpu_intr_slice_start(struct vcpu *v);

/* A handler that may have changed pending interrupts ends with this:
 * when an event came (intr_check), the instruction is completed first,
 * then the check runs. Costs one test otherwise. */
enum exit_action vcpu_intr_after_slow(struct vcpu *v, enum exit_action act);
static inline enum exit_action vcpu_intr_after(struct vcpu *v,
					       enum exit_action act)
{
	if (__builtin_expect(!v->intr_check, 1))
		return act;
	return vcpu_intr_after_slow(v, act);
}

/* The local APIC's xAPIC page or the IOAPIC at gpa: true when it is
 * theirs (the access is done: *value holds a read's result). */
bool vcpu_intr_mmio(struct vcpu *v, gpa_t gpa, bool write, unsigned size,
		    uint64_t *value);

/* RDMSR/WRMSR of IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC registers:
 * 0, or -1 for #GP. */
int vcpu_intr_msr_read(struct vcpu *v, uint32_t msr, uint64_t *value);
int vcpu_intr_msr_write(struct vcpu *v, uint32_t msr, uint64_t value);

/* APIC virtualization (SDM Vol. 3C, "APIC Virtualization and Virtual
 * Interrupts") on or off for v, its VMCS current: the controls, and the
 * model's way of latching interrupts. Off while the guest's APIC is in
 * x2APIC mode or disabled, or moved from 0xFEE00000. */
void vcpu_apicv_switch(struct vcpu *v, bool on);

/* CR8 is the APIC's TPR bits 7:4 (SDM Vol. 3A, "Task Priority in IA-32e
 * Mode"). */
uint64_t vcpu_intr_cr8(struct vcpu *v);
void vcpu_intr_set_cr8(struct vcpu *v, uint64_t value);

/* HLT with RFLAGS.IF = 1, the instruction already completed: go on at
 * once if an interrupt can be taken, else sleep (EXIT_RESCHEDULE) or
 * stop the VM when nothing can ever wake it. */
enum exit_action vcpu_intr_halt(struct vcpu *v);

/* HLT with RFLAGS.IF = 0 in a VM with several vCPUs: v sleeps until an
 * NMI or INIT; when every vCPU is so, the VM is stopped as dead. */
enum exit_action vcpu_intr_halt_dead(struct vcpu *v);

/* Make t look at its interrupts and requests before its next entry:
 * an IPI when it runs on another CPU. Any CPU, no lock needed. */
void vcpu_kick(struct vcpu *t);

/* On the CPU whose run queue holds halted v, between slices: wake it
 * when a kick came or its APIC timer is due. */
void vcpu_intr_wake_check(struct vcpu *v);

#endif
