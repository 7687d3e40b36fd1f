/*
 * drivers/virt/vlapic_route.c - destination matching and delivery of
 * interrupt messages to a VM's local APICs. Pure logic; unit-tested on
 * the host.
 * SDM Vol. 3A, "Determining IPI Destination", "Logical Destination
 * Mode" (flat and cluster models), "x2APIC Logical Destination Mode",
 * "Lowest Priority Delivery Mode".
 */
#include "drivers/virt/vlapic_route.h"

#define DFR_MODEL_FLAT 0xfu
#define X2_CLUSTER(x)  ((x) >> 16)
#define X2_MEMBERS(x)  ((x)&0xffffu)

static bool is_broadcast(const struct apic_msg *m)
{
	return m->dest == (m->x2apic_format ? APIC_BROADCAST_X2APIC
					    : APIC_BROADCAST_XAPIC);
}

/* The message's destination against the target's LDR, in the target's
 * mode: x2APIC clusters, or xAPIC flat or cluster model (DFR). */
static bool match_logical(const struct vlapic *l, uint32_t dest)
{
	uint32_t ldr8 = l->ldr >> 24;

	if (vlapic_x2apic(l))
		return X2_CLUSTER(dest) == X2_CLUSTER(l->ldr) &&
		       (X2_MEMBERS(dest) & X2_MEMBERS(l->ldr));
	if ((l->dfr >> 28) == DFR_MODEL_FLAT)
		return dest & ldr8 & 0xff;
	return ((dest >> 4) & 0xf) == (ldr8 >> 4) && (dest & ldr8 & 0xf);
}

bool vlapic_match(const struct vlapic *l, const struct vlapic *src,
		  const struct apic_msg *m)
{
	switch (m->shorthand) {
	case APIC_DEST_SELF: return l == src;
	case APIC_DEST_ALL: return true;
	case APIC_DEST_ALL_BUT_SELF: return l != src;
	default: break;
	}
	if (is_broadcast(m))
		return true;
	if (!m->logical)
		return l->id == m->dest;
	return match_logical(l, m->dest);
}

uint64_t vlapic_match_dest(struct vlapic *const *lapics, unsigned count,
			   const struct vlapic *src, const struct apic_msg *m)
{
	uint64_t mask = 0;

	for (unsigned i = 0; i < count && i < VLAPIC_ROUTE_MAX; i++)
		if (vlapic_match(lapics[i], src, m))
			mask |= BIT(i);
	return mask;
}

static bool deliver_one(struct vlapic *l, const struct apic_msg *m)
{
	switch (m->delivery_mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		return vlapic_set_irq(l, m->vector, m->trigger_level);
	case APIC_DM_NMI: vlapic_nmi(l); return true;
	case APIC_DM_EXTINT: vlapic_extint(l); return true;
	case APIC_DM_INIT: vlapic_init_received(l); return true;
	case APIC_DM_STARTUP: vlapic_sipi_received(l, m->vector); return true;
	default: return false; /* SMI, reserved */
	}
}

/* Lowest priority is delivered as fixed to the lowest-numbered
 * destination that can accept it: simple, and what Linux expects of a
 * VM (it programs one destination per vector anyway). */
static uint64_t lowest_enabled(struct vlapic *const *lapics, uint64_t mask)
{
	for (unsigned i = 0; i < VLAPIC_ROUTE_MAX; i++)
		if ((mask & BIT(i)) && vlapic_sw_enabled(lapics[i]))
			return BIT(i);
	return 0;
}

uint64_t vlapic_route_deliver(struct vlapic *const *lapics, unsigned count,
			      const struct vlapic *src,
			      const struct apic_msg *m)
{
	uint64_t mask = vlapic_match_dest(lapics, count, src, m), got = 0;

	/* "INIT Level De-assert": only synchronizes arbitration IDs */
	if (m->delivery_mode == APIC_DM_INIT && !m->level && m->trigger_level)
		return 0;
	if (m->delivery_mode == APIC_DM_LOWEST)
		mask = lowest_enabled(lapics, mask);
	for (unsigned i = 0; mask; i++, mask >>= 1)
		if ((mask & 1) && deliver_one(lapics[i], m))
			got |= BIT(i);
	return got;
}
