/*
 * drivers/virt/portbus.c - dispatching a guest's port I/O to devices.
 * Pure logic; unit-tested on the host.
 */
#include "drivers/virt/portbus.h"

/* The bits an access of `size` bytes (1, 2 or 4) carries; a table, as
 * this runs in every port exit (any other size carries nothing). */
static inline uint32_t all_ones(unsigned size)
{
	static const uint32_t ones[8] = {
		[1] = 0xff, [2] = 0xffff, [4] = 0xffffffff};

	return ones[size & 7];
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

static inline bool portbus_holds(const struct port_device *d, uint16_t port,
				 unsigned size)
{
	/* port >= base and port + size <= base + count, in one compare:
	 * below base the 16-bit difference wraps to 0x10000 - (base -
	 * port), more than count can be, since base + count <= 0x10000
	 * (portbus_add) */
	return (uint32_t)(uint16_t)(port - d->base) + size <= d->count;
}

static struct port_device *portbus_search(struct port_bus *bus, uint16_t port,
					  unsigned size)
{
	for (unsigned i = 0; i < bus->count; i++) {
		struct port_device *d = &bus->devices[i];

		if (portbus_holds(d, port, size)) {
			bus->last = d;
			return d;
		}
	}
	return NULL;
}

/* The device whose range holds all of [port, port+size), or NULL. The
 * device found last is tried first: a driver polling a status register
 * (a UART's LSR) asks the same device again and again. */
static inline __attribute__((always_inline)) struct port_device *
portbus_find(struct port_bus *bus, uint16_t port, unsigned size)
{
	struct port_device *d = bus->last;

	/* NULL until a device was found; then always one of the bus's */
	if (d && portbus_holds(d, port, size))
		return d;
	return portbus_search(bus, port, size);
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
