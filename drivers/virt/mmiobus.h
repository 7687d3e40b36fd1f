/*
 * drivers/virt/mmiobus.h - a VM's MMIO bus: which emulated device
 * answers which guest-physical range. Pure logic; used in the VM exit
 * of an EPT violation (vmx/exit_ept.c), built when the VM is created.
 * The ranges are never mapped in the VM's EPT, so every access to them
 * exits and comes here; an address no device claims is "nothing there"
 * (vmx/exit_ept.c: reads all ones, writes dropped).
 */
#ifndef DRIVERS_VIRT_MMIOBUS_H
#define DRIVERS_VIRT_MMIOBUS_H

#include "lib/types.h"

#define MMIOBUS_DEVICES_MAX 8

struct mmio_device {
	const char *name;
	gpa_t base;
	uint64_t size;
	/* size is 1, 2, 4 or 8; offset is from base; the access lies in
	 * [base, base+size) */
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value);
	void *opaque;
};

struct mmio_bus {
	unsigned count;
	struct mmio_device devices[MMIOBUS_DEVICES_MAX];
};

/* 0, or -1 when the range is empty, wraps, overlaps another device or
 * the bus is full. */
int mmiobus_add(struct mmio_bus *bus, const struct mmio_device *dev);

/* The device whose range holds all of [gpa, gpa+size), or NULL. */
struct mmio_device *mmiobus_find(struct mmio_bus *bus, gpa_t gpa,
				 unsigned size);

/* The access, masked to size bytes; gpa must be in dev's range. */
uint64_t mmiobus_read(struct mmio_device *dev, gpa_t gpa, unsigned size);
void mmiobus_write(struct mmio_device *dev, gpa_t gpa, unsigned size,
		   uint64_t value);

#endif
