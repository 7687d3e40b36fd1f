/*
 * drivers/virt/portbus.h - a VM's I/O port bus: which emulated device
 * answers which port range. Pure logic; used on the CPU running one of
 * the VM's vCPUs (I/O exits), built when the VM is created.
 *
 * A port nobody claims reads as all ones and drops writes, as on a PC
 * with nothing on the bus; the bus counts those accesses.
 */
#ifndef DRIVERS_VIRT_PORTBUS_H
#define DRIVERS_VIRT_PORTBUS_H

#include "lib/types.h"

#define PORTBUS_DEVICES_MAX 16

struct port_device {
	const char *name;
	uint16_t base, count;
	/* size is 1, 2 or 4; offset is from base */
	uint32_t (*read)(void *opaque, uint16_t offset, unsigned size);
	void (*write)(void *opaque, uint16_t offset, unsigned size,
		      uint32_t value);
	void *opaque;
};

struct port_bus {
	unsigned count;
	struct port_device devices[PORTBUS_DEVICES_MAX];
	struct port_device *last; /* the device found last, or NULL */
	uint64_t unclaimed_reads, unclaimed_writes;
};

/* 0, or -1 when the range overlaps another device or the bus is full. */
int portbus_add(struct port_bus *bus, const struct port_device *dev);
uint32_t portbus_read(struct port_bus *bus, uint16_t port, unsigned size);
void portbus_write(struct port_bus *bus, uint16_t port, unsigned size,
		   uint32_t value);

#endif
