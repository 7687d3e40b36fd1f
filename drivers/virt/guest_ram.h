/*
 * drivers/virt/guest_ram.h - how a device model reaches the memory of
 * its VM: a function, given by the device's creator, that turns a
 * guest-physical range into a host pointer, or NULL when the range is
 * not all inside the VM's RAM. A device never sees any other memory.
 * Any context (pure logic); the hypervisor passes vm_gpa_to_hva
 * (vmx/vm.c), the host tests a fake RAM of their own.
 *
 * (Not called struct guest_mem: that name is the Multiboot loader's
 * plain {base, size} view of RAM in vmx/load_multiboot.h.)
 */
#ifndef DRIVERS_VIRT_GUEST_RAM_H
#define DRIVERS_VIRT_GUEST_RAM_H

#include "lib/types.h"

struct guest_ram {
	/* Host pointer to [gpa, gpa+len), or NULL unless all of it is RAM. */
	void *(*map)(void *ctx, gpa_t gpa, uint64_t len);
	void *ctx;
};

static inline void *guest_ram_map(const struct guest_ram *ram, gpa_t gpa,
				  uint64_t len)
{
	if (len == 0 || gpa + len < gpa)
		return NULL;
	return ram->map(ram->ctx, gpa, len);
}

#endif
