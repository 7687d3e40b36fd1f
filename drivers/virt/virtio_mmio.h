/*
 * drivers/virt/virtio_mmio.h - the virtio-mmio transport (register
 * layout version 2): the 0x200-byte register window through which a
 * driver finds a virtio device, negotiates features, places its queues
 * and notifies the device. A device (virtio-blk, later virtio-net)
 * plugs in through struct virtio_device_ops.
 * Pure logic: runs in the VM exit of an access to the window (one vCPU
 * at a time: VMs have one vCPU today), built by vm_create; on the host
 * in tests/unit/test_virtio_mmio.c.
 * virtio 1.1 spec: "Virtio Over MMIO", "MMIO Device Register Layout",
 * "MMIO-specific Initialization And Device Operation", "Device Status
 * Field", "Feature Bits", "Device Configuration Space".
 */
#ifndef DRIVERS_VIRT_VIRTIO_MMIO_H
#define DRIVERS_VIRT_VIRTIO_MMIO_H

#include "drivers/virt/mmiobus.h"
#include "drivers/virt/virtqueue.h"

/* Where a VM's virtio-mmio devices are: device n at BASE + n * STRIDE,
 * below the IOAPIC (0xFEC00000) and above any RAM a VM with devices
 * may have (docs/virtio.md). */
#define VIRTIO_MMIO_BASE   0xD0000000ULL
#define VIRTIO_MMIO_STRIDE 0x1000ULL
#define VIRTIO_MMIO_SIZE   0x200ULL

/* "MMIO Device Register Layout" */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC      0x74726976 /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION_2  2
#define VIRTIO_MMIO_VENDOR_HV  0x00007668 /* "hv" */
#define VIRTIO_MMIO_INT_VRING  BIT(0)	  /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG BIT(1)	  /* configuration change */

/* "Device Status Field" */
#define VIRTIO_STATUS_ACKNOWLEDGE	 BIT(0)
#define VIRTIO_STATUS_DRIVER		 BIT(1)
#define VIRTIO_STATUS_DRIVER_OK		 BIT(2)
#define VIRTIO_STATUS_FEATURES_OK	 BIT(3)
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET BIT(6)
#define VIRTIO_STATUS_FAILED		 BIT(7)

/* "Reserved Feature Bits" */
#define VIRTIO_F_INDIRECT_DESC BIT(28)
#define VIRTIO_F_EVENT_IDX     BIT(29)
#define VIRTIO_F_VERSION_1     BIT(32)

#define VIRTIO_MMIO_QUEUES_MAX 4

struct virtio_mmio;

/* Counts of the driver's traffic with the device. Every register access
 * is one VM exit (the window is never mapped into the guest). */
struct virtio_mmio_stats {
	uint64_t accesses;   /* register and configuration accesses */
	uint64_t notifies;   /* of them, writes to QueueNotify */
	uint64_t interrupts; /* times the interrupt line was raised */
};

/* What a device brings to the transport. */
struct virtio_device_ops {
	const char *name; /* "virtio-blk" */
	uint32_t device_id;
	uint16_t queue_count; /* <= VIRTIO_MMIO_QUEUES_MAX */
	/* Features offered (VIRTIO_F_VERSION_1 is added by the transport). */
	uint64_t (*features)(void *dev);
	/* Device configuration space: bytes [off, off+size) of it; reads
	 * beyond it give 0, writes beyond it are dropped. */
	void (*config_read)(void *dev, uint32_t off, void *buf, unsigned size);
	void (*config_write)(void *dev, uint32_t off, const void *buf,
			     unsigned size);
	/* The driver notified queue q (DRIVER_OK, q enabled, not broken). */
	void (*queue_notify)(void *dev, struct virtio_mmio *m, struct virtq *q);
	/* Device reset: forget any request state. */
	void (*reset)(void *dev);
};

struct virtio_mmio {
	const struct virtio_device_ops *ops;
	void *dev;
	char name[64]; /* for messages: "vm web: virtio-blk at 0xd0000000" */
	gpa_t base;
	struct guest_ram ram;
	/* The registers the driver writes. */
	uint32_t status;
	uint32_t device_features_sel, driver_features_sel;
	uint64_t driver_features; /* as written; accepted at FEATURES_OK */
	uint64_t features;	  /* negotiated, once FEATURES_OK */
	uint32_t queue_sel;
	uint32_t interrupt_status;
	/* the device's interrupt line: up while interrupt_status is not 0
	 * (level triggered); NULL: the driver polls */
	void (*irq)(void *irq_ctx, bool level);
	void *irq_ctx;
	bool irq_level; /* what irq was last told */
	uint32_t config_generation;
	struct virtq queues[VIRTIO_MMIO_QUEUES_MAX];
	/* Why the device needs a reset (empty when it does not). */
	char broken[192];
	uint64_t bad_accesses; /* wrong size or offset, writes to ro */
	/* What the driver made the device do since it was built (a reset
	 * keeps them): for the VM's stats and `make bench`. */
	struct virtio_mmio_stats stats;
	/* Called when the driver resets the device (writes 0 to Status),
	 * before the reset; NULL: nobody is told. */
	void (*on_driver_reset)(void *ctx, const struct virtio_mmio *m);
	void *reset_ctx;
};

void virtio_mmio_init(struct virtio_mmio *m,
		      const struct virtio_device_ops *ops, void *dev,
		      const char *name, gpa_t base,
		      const struct guest_ram *ram);

/* A register access at offset (< VIRTIO_MMIO_SIZE) of size 1, 2, 4, 8. */
uint64_t virtio_mmio_read(struct virtio_mmio *m, uint64_t offset,
			  unsigned size);
void virtio_mmio_write(struct virtio_mmio *m, uint64_t offset, unsigned size,
		       uint64_t value);

/* Connect the interrupt line (before the VM runs); it starts low. */
void virtio_mmio_set_irq(struct virtio_mmio *m,
			 void (*irq)(void *irq_ctx, bool level), void *irq_ctx);

/* Tell fn (with ctx) when the driver resets the device. */
void virtio_mmio_set_reset_hook(struct virtio_mmio *m,
				void (*fn)(void *ctx,
					   const struct virtio_mmio *m),
				void *ctx);

/* Device reset, as the driver's write of 0 to Status does. */
void virtio_mmio_reset(struct virtio_mmio *m);

/* The device found the driver broke the spec: set DEVICE_NEEDS_RESET,
 * stop all processing until reset, and say why (once). */
void virtio_mmio_fail(struct virtio_mmio *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A device completed requests on q: raise the used-buffer interrupt
 * status when the driver wants it. (No interrupt line yet: the
 * drivers poll; docs/virtio.md.) */
void virtio_mmio_used(struct virtio_mmio *m, struct virtq *q,
		      uint16_t old_used);

/* The window as a device of the VM's MMIO bus. */
struct mmio_device virtio_mmio_device(struct virtio_mmio *m);

#endif
