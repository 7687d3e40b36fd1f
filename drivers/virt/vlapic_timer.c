/*
 * drivers/virt/vlapic_timer.c - the APIC timer of a vCPU's local APIC:
 * one-shot, periodic and TSC-deadline. Time is the guest's TSC, passed
 * in; the model never sleeps, it tells its caller the next deadline and
 * is told when that time has come. Pure logic, on the vCPU's CPU;
 * unit-tested on the host with a fake clock.
 * SDM Vol. 3A, "APIC Timer", "TSC-Deadline Mode", "Divide Configuration
 * Register".
 */
#include "drivers/virt/vlapic.h"

#define DCR_WRITABLE 0xbu

unsigned vlapic_timer_mode(const struct vlapic *l)
{
	return (l->lvt[LVT_TIMER] & LVT_TIMER_MODE) >> LVT_TIMER_MODE_SHIFT;
}

/* DCR bits 3,1,0: 000 = /2 ... 110 = /128, 111 = /1 */
static uint32_t timer_divisor(const struct vlapic *l)
{
	uint32_t v = (l->timer_dcr & 3) | ((l->timer_dcr >> 1) & 4);

	return v == 7 ? 1 : 2u << v;
}

/* TSC ticks per timer count at the current divide value */
static uint64_t timer_unit(const struct vlapic *l)
{
	return (uint64_t)l->ticks_per_count * timer_divisor(l);
}

static uint64_t timer_period(const struct vlapic *l)
{
	return (uint64_t)l->timer_initial * timer_unit(l);
}

void vlapic_timer_reset(struct vlapic *l)
{
	l->timer_initial = 0;
	l->timer_dcr = 0;
	l->timer_start = 0;
	l->timer_deadline = VLAPIC_NO_DEADLINE;
	l->tsc_deadline = 0;
}

uint64_t vlapic_timer_deadline(const struct vlapic *l)
{
	return l->timer_deadline;
}

uint32_t vlapic_timer_current(const struct vlapic *l, uint64_t now)
{
	uint64_t counts;

	if (vlapic_timer_mode(l) == TIMER_TSC_DEADLINE ||
	    l->timer_deadline == VLAPIC_NO_DEADLINE)
		return 0;
	if (now < l->timer_start)
		return l->timer_initial;
	counts = (now - l->timer_start) / timer_unit(l);
	if (vlapic_timer_mode(l) == TIMER_PERIODIC)
		return l->timer_initial - (uint32_t)(counts % l->timer_initial);
	return counts >= l->timer_initial ? 0
					  : l->timer_initial - (uint32_t)counts;
}

/* Writing the initial count starts (or, with 0, stops) the count-down;
 * it is ignored in TSC-deadline mode. */
void vlapic_timer_write_initial(struct vlapic *l, uint32_t count)
{
	if (vlapic_timer_mode(l) == TIMER_TSC_DEADLINE)
		return;
	l->timer_initial = count;
	if (!count) {
		l->timer_deadline = VLAPIC_NO_DEADLINE;
		return;
	}
	l->timer_start = l->ops.now(l->ops.ctx);
	l->timer_deadline = l->timer_start + timer_period(l);
}

/* A new divide value applies to the running period from its start. */
void vlapic_timer_write_dcr(struct vlapic *l, uint32_t value)
{
	l->timer_dcr = value & DCR_WRITABLE;
	if (vlapic_timer_mode(l) != TIMER_TSC_DEADLINE && l->timer_initial &&
	    l->timer_deadline != VLAPIC_NO_DEADLINE)
		l->timer_deadline = l->timer_start + timer_period(l);
}

/* Switching into or out of TSC-deadline mode disarms the timer; between
 * one-shot and periodic the running count continues. */
void vlapic_timer_write_lvt(struct vlapic *l, uint32_t value)
{
	bool was_deadline = vlapic_timer_mode(l) == TIMER_TSC_DEADLINE;

	l->lvt[LVT_TIMER] = value;
	if (was_deadline != (vlapic_timer_mode(l) == TIMER_TSC_DEADLINE)) {
		l->timer_initial = 0;
		l->tsc_deadline = 0;
		l->timer_deadline = VLAPIC_NO_DEADLINE;
	}
}

/* IA32_TSC_DEADLINE: arms the timer in TSC-deadline mode (0 disarms);
 * writes in the other modes are ignored. */
void vlapic_timer_write_tsc_deadline(struct vlapic *l, uint64_t value)
{
	if (vlapic_timer_mode(l) != TIMER_TSC_DEADLINE)
		return;
	l->tsc_deadline = value;
	l->timer_deadline = value ? value : VLAPIC_NO_DEADLINE;
}

uint64_t vlapic_timer_read_tsc_deadline(const struct vlapic *l)
{
	return vlapic_timer_mode(l) == TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
}

/* A masked timer still counts and expires, it only sets no IRR bit. A
 * periodic timer that fell several periods behind fires once and
 * re-arms on its own grid: start + k * period. */
bool vlapic_timer_expire(struct vlapic *l, uint64_t now)
{
	uint32_t lvt = l->lvt[LVT_TIMER];
	uint64_t period;

	if (l->timer_deadline == VLAPIC_NO_DEADLINE || now < l->timer_deadline)
		return false;
	if (!(lvt & LVT_MASKED))
		vlapic_set_irq(l, (uint8_t)(lvt & LVT_VECTOR), false);
	switch (vlapic_timer_mode(l)) {
	case TIMER_PERIODIC:
		period = timer_period(l);
		l->timer_start += (now - l->timer_start) / period * period;
		l->timer_deadline = l->timer_start + period;
		break;
	case TIMER_TSC_DEADLINE:
		l->tsc_deadline = 0;
		l->timer_deadline = VLAPIC_NO_DEADLINE;
		break;
	default: l->timer_deadline = VLAPIC_NO_DEADLINE; break;
	}
	return true;
}
