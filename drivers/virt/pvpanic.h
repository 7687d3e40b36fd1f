/*
 * drivers/virt/pvpanic.h - the pvpanic device, as QEMU's ISA one: one
 * I/O port (0x505 on a PC, ACPI _HID "QEMU0001") through which a guest
 * kernel tells the machine it has panicked.
 * A read returns the events the device supports (bit 0 PVPANIC_PANICKED,
 * bit 1 PVPANIC_CRASH_LOADED); a write reports the events whose bits
 * are set: PANICKED, the kernel panicked and stops; CRASH_LOADED, it
 * panicked and goes on into its kdump crash kernel. Bits it does not
 * support are ignored (and counted).
 * Pure logic, run in I/O exits on the vCPU's CPU; unit-tested on the
 * host (tests/unit/test_pvpanic.c). The creator decides what an event
 * does to the VM (vmx/vm.c: the VM's on_crash setting).
 * QEMU's docs/specs/pvpanic.rst ("PVPANIC DEVICE"); Linux's
 * include/uapi/misc/pvpanic.h and drivers/misc/pvpanic/.
 */
#ifndef DRIVERS_VIRT_PVPANIC_H
#define DRIVERS_VIRT_PVPANIC_H

#include "drivers/virt/portbus.h"

/* The event bits (Linux's include/uapi/misc/pvpanic.h) */
#define PVPANIC_PANICKED     BIT(0)
#define PVPANIC_CRASH_LOADED BIT(1)
#define PVPANIC_EVENTS	     (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)
#define PVPANIC_PORTS	     1

struct pvpanic_ops {
	void (*panicked)(void *ctx);	 /* the guest kernel stopped */
	void (*crash_loaded)(void *ctx); /* it goes on into kdump */
	void *ctx;
};

struct pvpanic {
	struct pvpanic_ops ops;
	uint64_t panics;	 /* PANICKED writes */
	uint64_t crash_loads;	 /* CRASH_LOADED writes */
	uint64_t unknown_writes; /* writes with no supported bit */
};

void pvpanic_init(struct pvpanic *p, const struct pvpanic_ops *ops);
/* Its one port at `port` (PC_PVPANIC_PORT on the VM's PC). */
struct port_device pvpanic_device(struct pvpanic *p, uint16_t port);

#endif
