/*
 * drivers/virt/vlapic.h - the local APIC a vCPU sees (one per vCPU), as
 * pure logic: the xAPIC register page, the same registers as x2APIC
 * MSRs, IA32_APIC_BASE, the APIC timer, interrupt acceptance (IRR, ISR,
 * TMR, TPR, PPR) and IPIs. Runs on the CPU that runs the vCPU (APIC
 * exits, before VM entry); the VM's other vCPUs reach it only through
 * vlapic_route.h. Named vlapic_ because arch/x86_64/lapic.h is the
 * host's own local APIC.
 * SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)":
 * "Local APIC Register Address Map", "x2APIC Register Address Space",
 * "Interrupt Command Register (ICR)", "Task and Processor Priorities",
 * "Interrupt Acceptance for Fixed Interrupts", "Local Vector Table",
 * "APIC Timer", "Logical Destination Mode", "x2APIC State Transitions".
 * docs/interrupts.md says how the VT-x code wires it.
 */
#ifndef DRIVERS_VIRT_VLAPIC_H
#define DRIVERS_VIRT_VLAPIC_H

#include "lib/types.h"

#define VLAPIC_DEFAULT_BASE 0xfee00000ULL
#define VLAPIC_PAGE_SIZE    0x1000u

/* MSRs the model answers (SDM Vol. 4, "Architectural MSRs") */
#define MSR_IA32_APIC_BASE    0x1b
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST      0x800
#define MSR_X2APIC_LAST	      0x8ff

/* IA32_APIC_BASE fields ("Local APIC Status and Location") */
#define APIC_BASE_BSP  BIT(8)
#define APIC_BASE_EXTD BIT(10)		     /* x2APIC mode */
#define APIC_BASE_EN   BIT(11)		     /* APIC global enable */
#define APIC_BASE_ADDR 0x000ffffffffff000ULL /* MAXPHYADDR 52 */
#define APIC_BASE_RESERVED \
	(~(APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN | APIC_BASE_ADDR))

/* Register index = MMIO offset / 16 = x2APIC MSR - 0x800
 * ("Local APIC Register Address Map", "x2APIC Register Address Space") */
enum vlapic_reg {
	APIC_REG_ID = 0x02,
	APIC_REG_VERSION = 0x03,
	APIC_REG_TPR = 0x08,
	APIC_REG_APR = 0x09,
	APIC_REG_PPR = 0x0a,
	APIC_REG_EOI = 0x0b,
	APIC_REG_RRD = 0x0c,
	APIC_REG_LDR = 0x0d,
	APIC_REG_DFR = 0x0e,
	APIC_REG_SVR = 0x0f,
	APIC_REG_ISR0 = 0x10, /* 8 registers of 32 vectors each */
	APIC_REG_TMR0 = 0x18,
	APIC_REG_IRR0 = 0x20,
	APIC_REG_ESR = 0x28,
	APIC_REG_LVT_CMCI = 0x2f,
	APIC_REG_ICR_LO = 0x30,
	APIC_REG_ICR_HI = 0x31,
	APIC_REG_LVT_TIMER = 0x32,
	APIC_REG_LVT_THERMAL = 0x33,
	APIC_REG_LVT_PERF = 0x34,
	APIC_REG_LVT_LINT0 = 0x35,
	APIC_REG_LVT_LINT1 = 0x36,
	APIC_REG_LVT_ERROR = 0x37,
	APIC_REG_TIMER_ICR = 0x38, /* initial count */
	APIC_REG_TIMER_CCR = 0x39, /* current count */
	APIC_REG_TIMER_DCR = 0x3e, /* divide configuration */
	APIC_REG_SELF_IPI = 0x3f,  /* x2APIC only */
	APIC_REG_COUNT = 0x40,
};

/* LVT entries, in register order timer..error ("Local Vector Table") */
enum vlapic_lvt {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PERF,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	LVT_COUNT,
};

#define LVT_VECTOR	     0xffu
#define LVT_DELIVERY_MODE    (7u << 8)
#define LVT_DELIVERY_STATUS  BIT(12)
#define LVT_POLARITY_LOW     BIT(13)
#define LVT_REMOTE_IRR	     BIT(14)
#define LVT_TRIGGER_LEVEL    BIT(15)
#define LVT_MASKED	     BIT(16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE	     (3u << LVT_TIMER_MODE_SHIFT)

enum vlapic_timer_mode {
	TIMER_ONE_SHOT = 0,
	TIMER_PERIODIC = 1,
	TIMER_TSC_DEADLINE = 2,
};

/* Spurious-Interrupt Vector Register */
#define SVR_VECTOR	  0xffu
#define SVR_SW_ENABLE	  BIT(8)
#define SVR_FOCUS_DISABLE BIT(9)

/* Error Status Register bits the model can set */
#define ESR_SEND_ILLEGAL    BIT(5)
#define ESR_RECEIVE_ILLEGAL BIT(6)

/* Delivery modes of the ICR, the LVT and the IOAPIC redirection table */
enum apic_delivery_mode {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,
	APIC_DM_SMI = 2,
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_STARTUP = 6,
	APIC_DM_EXTINT = 7,
};

enum apic_shorthand {
	APIC_DEST_NO_SHORTHAND = 0,
	APIC_DEST_SELF = 1,
	APIC_DEST_ALL = 2,
	APIC_DEST_ALL_BUT_SELF = 3,
};

#define APIC_BROADCAST_XAPIC  0xffu
#define APIC_BROADCAST_X2APIC 0xffffffffu

/* One interrupt message on the APIC bus, from an ICR write, an IOAPIC
 * redirection entry or an MSI. dest is 8 bits (xAPIC format) unless
 * x2apic_format (a 32-bit x2APIC ICR destination). */
struct apic_msg {
	uint32_t dest;
	bool logical;	       /* destination mode */
	uint8_t shorthand;     /* enum apic_shorthand */
	uint8_t delivery_mode; /* enum apic_delivery_mode */
	uint8_t vector;
	bool level;	    /* ICR "Level": assert (1) or de-assert (0) */
	bool trigger_level; /* trigger mode: level (1) or edge (0) */
	bool x2apic_format;
};

/* Where the vCPU stands in the INIT / start-up protocol
 * ("MP Initialization Protocol Algorithm"). */
enum vlapic_mp_state {
	VLAPIC_MP_RUNNING,
	VLAPIC_MP_WAIT_FOR_SIPI, /* after INIT: the vCPU must not run */
	VLAPIC_MP_STARTUP,	 /* SIPI seen: start at sipi_vector * 0x1000 */
};

/* What an MSR or MMIO access did: VLAPIC_INVALID means the guest gets
 * #GP(0) (x2APIC rules); an MMIO access is never invalid. */
enum vlapic_result {
	VLAPIC_OK,
	VLAPIC_INVALID,
};

#define VLAPIC_NO_VECTOR   (-1)
#define VLAPIC_NO_DEADLINE UINT64_MAX

struct vlapic;

/* What the VM gives each vlapic. deliver sends an IPI (any shorthand but
 * "self", which the vlapic handles itself) to the VM's vlapics: usually
 * vlapic_route_deliver. eoi_broadcast tells the IOAPIC that a
 * level-triggered vector was EOIed. now returns the guest's TSC. */
struct vlapic_ops {
	void (*deliver)(void *ctx, struct vlapic *src,
			const struct apic_msg *m);
	void (*eoi_broadcast)(void *ctx, uint8_t vector);
	uint64_t (*now)(void *ctx);
	void *ctx;
};

struct vlapic {
	/* The register page, laid out as the xAPIC page ("Local APIC
	 * Register Address Map"): register r at regs[r * 4]. With APIC
	 * virtualization it is the vCPU's virtual-APIC page: the CPU reads
	 * it for the guest and itself updates IRR, ISR, TPR and PPR in it
	 * (SDM Vol. 3C, "Virtual APIC State"). So the model keeps IRR, ISR,
	 * TMR, TPR and PPR only here; the other registers it keeps in the
	 * fields below and copies here after each change (vlapic_mirror). */
	uint32_t regs[VLAPIC_PAGE_SIZE / 4] __attribute__((aligned(4096)));
	/* virtual_delivery: the CPU may be delivering interrupts from the
	 * page right now (virtual-interrupt delivery; vmx/vcpu_intr.c). The
	 * model then latches fixed interrupts in `posted` instead of IRR
	 * (atomically: any CPU); the vCPU's own CPU moves them into IRR
	 * before its VM entry (vlapic_sync_posted), as posted interrupts
	 * would ("Posted-Interrupt Processing"). */
	bool virtual_delivery;
	uint32_t posted[8];

	uint32_t id;	/* x2APIC ID; the xAPIC ID register holds id << 24 */
	uint32_t index; /* the vCPU's number in the VM */
	uint64_t apic_base;
	uint32_t ldr, dfr, svr, esr, esr_pending, icr_lo;
	uint32_t lvt[LVT_COUNT];
	bool lint_level[2];

	/* APIC timer: TSC ticks per count at divide-by-1 (the "bus clock") */
	uint32_t ticks_per_count;
	uint32_t timer_initial, timer_dcr;
	uint64_t timer_start;	 /* TSC when the current period began */
	uint64_t timer_deadline; /* TSC of the next expiry, or NO_DEADLINE */
	uint64_t tsc_deadline;	 /* IA32_TSC_DEADLINE as the guest wrote it */

	enum vlapic_mp_state mp_state;
	uint8_t sipi_vector;
	bool nmi_pending, extint_pending;

	/* guest accesses the model ignored: odd sizes, offsets, read-only */
	uint64_t ignored_accesses;
	struct vlapic_ops ops;
};

/* A vlapic as after power-up: xAPIC mode at 0xFEE00000, enabled in
 * IA32_APIC_BASE, software-disabled (SVR = 0xFF), LVTs masked. An AP
 * (bsp false) waits for INIT-SIPI. ticks_per_count must be >= 1. */
void vlapic_init(struct vlapic *l, uint32_t index, uint32_t id, bool bsp,
		 uint32_t ticks_per_count, const struct vlapic_ops *ops);

/* The 4 KiB xAPIC page (offset within it). Reads of 1, 2 or 4 bytes
 * inside a register's first dword return those bytes; writes other than
 * 4 bytes at a register's offset are ignored and counted. */
uint32_t vlapic_mmio_read(struct vlapic *l, uint32_t offset, unsigned size);
void vlapic_mmio_write(struct vlapic *l, uint32_t offset, unsigned size,
		       uint32_t value);

/* RDMSR/WRMSR of IA32_APIC_BASE, IA32_TSC_DEADLINE and 0x800-0x8FF. */
bool vlapic_msr_is_apic(uint32_t msr);
enum vlapic_result vlapic_msr_read(struct vlapic *l, uint32_t msr,
				   uint64_t *value);
enum vlapic_result vlapic_msr_write(struct vlapic *l, uint32_t msr,
				    uint64_t value);

bool vlapic_hw_enabled(const struct vlapic *l);
bool vlapic_sw_enabled(const struct vlapic *l);
bool vlapic_x2apic(const struct vlapic *l);
gpa_t vlapic_mmio_base(const struct vlapic *l);

/* Interrupt acceptance ("Interrupt Acceptance for Fixed Interrupts").
 * vlapic_set_irq latches a fixed interrupt in IRR (TMR = trigger);
 * false when dropped (APIC disabled, vector 0-15). */
bool vlapic_set_irq(struct vlapic *l, uint8_t vector, bool trigger_level);
/* The highest IRR vector whose priority class is above PPR's, or
 * VLAPIC_NO_VECTOR: what to inject at the next VM entry. */
int vlapic_pending_vector(const struct vlapic *l);
/* The vCPU took vector (injected it): IRR -> ISR. */
void vlapic_ack(struct vlapic *l, uint8_t vector);
uint8_t vlapic_ppr(const struct vlapic *l);
bool vlapic_test_irr(const struct vlapic *l, uint8_t vector);
bool vlapic_test_isr(const struct vlapic *l, uint8_t vector);
bool vlapic_test_tmr(const struct vlapic *l, uint8_t vector);
uint8_t vlapic_tpr(const struct vlapic *l);

/* APIC virtualization (SDM Vol. 3C, "APIC Virtualization and Virtual
 * Interrupts"); all on the vCPU's own CPU, outside guest mode.
 * vlapic_set_virtual_delivery: the CPU delivers from the page from now
 * on (on) or no longer (off: what was posted goes to IRR). */
void vlapic_set_virtual_delivery(struct vlapic *l, bool on);
/* Move posted interrupts into IRR, before a VM entry. */
void vlapic_sync_posted(struct vlapic *l);
/* The highest vector in IRR / ISR, or VLAPIC_NO_VECTOR: the guest
 * interrupt status's RVI and SVI ("Guest Non-Register State"). */
int vlapic_highest_irr(const struct vlapic *l);
int vlapic_highest_isr(const struct vlapic *l);
/* The vectors whose EOI must exit (the EOI-exit bitmap): those
 * accepted level-triggered, whose EOI the IOAPIC must see. */
void vlapic_eoi_exit_bitmap(const struct vlapic *l, uint64_t bitmap[4]);
/* An EOI-induced VM exit: the CPU has retired vector from ISR; tell the
 * IOAPIC if it was level-triggered ("EOI Virtualization"). */
void vlapic_virtual_eoi(struct vlapic *l, uint8_t vector);
/* An APIC-write VM exit: the guest's write already sits in the page at
 * offset; do what the write means ("APIC-Write Emulation"). */
void vlapic_apic_write(struct vlapic *l, uint32_t offset);

/* Other messages a vlapic receives */
void vlapic_nmi(struct vlapic *l);
void vlapic_extint(struct vlapic *l);
void vlapic_init_received(struct vlapic *l);
void vlapic_sipi_received(struct vlapic *l, uint8_t vector);
/* The vCPU has been started after a SIPI: back to running. */
void vlapic_started(struct vlapic *l);
/* LINT0/LINT1 input pins (pin 0 or 1), as their LVT entry says. */
void vlapic_set_lint(struct vlapic *l, unsigned pin, bool level);
/* Whether the 8259's INTR reaches this CPU: the APIC is globally
 * disabled, or LVT LINT0 is unmasked ExtINT (virtual wire). */
bool vlapic_accepts_pic(const struct vlapic *l);

/* APIC timer (vlapic_timer.c). The TSC at which the timer next fires,
 * or VLAPIC_NO_DEADLINE: arm a host timer / preemption timer for it. */
uint64_t vlapic_timer_deadline(const struct vlapic *l);
/* Call at or after the deadline (harmless before): sets the LVT timer
 * vector in IRR unless masked; a periodic timer reloads from its own
 * deadline (no drift). True when the timer expired. */
bool vlapic_timer_expire(struct vlapic *l, uint64_t now);

/* Internal to the vlapic files */
void vlapic_timer_reset(struct vlapic *l);
uint32_t vlapic_timer_current(const struct vlapic *l, uint64_t now);
void vlapic_timer_write_initial(struct vlapic *l, uint32_t count);
void vlapic_timer_write_dcr(struct vlapic *l, uint32_t value);
void vlapic_timer_write_lvt(struct vlapic *l, uint32_t value);
void vlapic_timer_write_tsc_deadline(struct vlapic *l, uint64_t value);
uint64_t vlapic_timer_read_tsc_deadline(const struct vlapic *l);
unsigned vlapic_timer_mode(const struct vlapic *l);

#endif
