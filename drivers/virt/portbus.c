/*
 * drivers/virt/portbus.c - dispatching a guest's port I/O to devices.
 * Pure logic; unit-tested on the host.
 */
#include "drivers/virt/portbus.h"

static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

int portbus_add(struct port_bus *bus, const struct port_device *dev)
{
	uint32_t end = (uint32_t)dev->base + dev->count;

	if (bus->count == PORTBUS_DEVICES_MAX || dev->count == 0 ||
	    end > 0x10000)
		return -1;
	for (unsigned i = 0; i < bus->count; i++) {
		const struct port_device *d = &bus->devices[i];

		if (dev->base < d->base + d->count && d->base < end)
			return -1;
	}
	bus->devices[bus->count++] = *dev;
	return 0;
}

/* The device whose range holds all of [port, port+size), or NULL. */
static struct port_device *portbus_find(struct port_bus *bus, uint16_t port,
					unsigned size)
{
	for (unsigned i = 0; i < bus->count; i++) {
		struct port_device *d = &bus->devices[i];

		if (port >= d->base &&
		    (uint32_t)port + size <= (uint32_t)d->base + d->count)
			return d;
	}
	return NULL;
}

uint32_t portbus_read(struct port_bus *bus, uint16_t port, unsigned size)
{
	struct port_device *d = portbus_find(bus, port, size);

	if (!d || !d->read) {
		bus->unclaimed_reads++;
		return all_ones(size);
	}
	return d->read(d->opaque, (uint16_t)(port - d->base), size) &
	       all_ones(size);
}

void portbus_write(struct port_bus *bus, uint16_t port, unsigned size,
		   uint32_t value)
{
	struct port_device *d = portbus_find(bus, port, size);

	if (!d || !d->write) {
		bus->unclaimed_writes++;
		return;
	}
	d->write(d->opaque, (uint16_t)(port - d->base), size,
		 value & all_ones(size));
}
