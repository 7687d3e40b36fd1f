/*
 * drivers/virt/pvpanic.c - the pvpanic device's one port: what it
 * supports on a read, the guest's panic events on a write.
 * Pure logic, run in I/O exits; unit-tested on the host.
 * QEMU's docs/specs/pvpanic.rst ("PVPANIC DEVICE").
 */
#include "drivers/virt/pvpanic.h"

void pvpanic_init(struct pvpanic *p, const struct pvpanic_ops *ops)
{
	*p = (struct pvpanic){.ops = *ops};
}

/* Linux reads the byte once, when its driver binds, and then reports
 * only the events both sides support. */
static uint32_t pvpanic_read(void *opaque, uint16_t offset, unsigned size)
{
	return PVPANIC_EVENTS;
}

/* A write with both bits reports both, panicked first (QEMU's order).
 * Only the low byte counts: the register is 8 bits wide. */
static void pvpanic_write(void *opaque, uint16_t offset, unsigned size,
			  uint32_t value)
{
	struct pvpanic *p = opaque;
	uint8_t events = (uint8_t)value;

	if (!(events & PVPANIC_EVENTS)) {
		p->unknown_writes++;
		return;
	}
	if (events & PVPANIC_PANICKED) {
		p->panics++;
		p->ops.panicked(p->ops.ctx);
	}
	if (events & PVPANIC_CRASH_LOADED) {
		p->crash_loads++;
		if (p->ops.crash_loaded)
			p->ops.crash_loaded(p->ops.ctx);
	}
}

struct port_device pvpanic_device(struct pvpanic *p, uint16_t port)
{
	return (struct port_device){.name = "pvpanic",
				    .base = port,
				    .count = PVPANIC_PORTS,
				    .read = pvpanic_read,
				    .write = pvpanic_write,
				    .opaque = p};
}
