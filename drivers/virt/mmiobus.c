/*
 * drivers/virt/mmiobus.c - dispatching a guest's MMIO accesses to
 * devices. Pure logic; unit-tested on the host (tests/unit/
 * test_virtio_mmio.c drives it with the virtio-mmio window).
 */
#include "drivers/virt/mmiobus.h"

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

int mmiobus_add(struct mmio_bus *bus, const struct mmio_device *dev)
{
	uint64_t end = dev->base + dev->size;

	if (bus->count == MMIOBUS_DEVICES_MAX || dev->size == 0 ||
	    end < dev->base)
		return -1;
	for (unsigned i = 0; i < bus->count; i++) {
		const struct mmio_device *d = &bus->devices[i];

		if (dev->base < d->base + d->size && d->base < end)
			return -1;
	}
	bus->devices[bus->count++] = *dev;
	return 0;
}

struct mmio_device *mmiobus_find(struct mmio_bus *bus, gpa_t gpa, unsigned size)
{
	for (unsigned i = 0; i < bus->count; i++) {
		struct mmio_device *d = &bus->devices[i];

		if (gpa >= d->base && gpa - d->base < d->size &&
		    size <= d->size - (gpa - d->base))
			return d;
	}
	return NULL;
}

uint64_t mmiobus_read(struct mmio_device *dev, gpa_t gpa, unsigned size)
{
	if (!dev->read)
		return size_mask(size);
	return dev->read(dev->opaque, gpa - dev->base, size) & size_mask(size);
}

void mmiobus_write(struct mmio_device *dev, gpa_t gpa, unsigned size,
		   uint64_t value)
{
	if (dev->write)
		dev->write(dev->opaque, gpa - dev->base, size,
			   value & size_mask(size));
}
