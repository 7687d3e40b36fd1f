/*
 * drivers/virt/virtqueue.h - a split virtqueue, seen from the device:
 * the descriptor table, available ring and used ring a driver placed in
 * its guest's RAM; taking descriptor chains off the available ring,
 * checking every one, and giving them back on the used ring.
 * Pure logic over struct guest_ram: runs in a VM exit (queue notify) on
 * the CPU of one of the VM's vCPUs, and on the host in the unit tests
 * and the fuzzer. One caller at a time per queue (the transport's).
 * virtio 1.1 spec: "Split Virtqueues" ("The Virtqueue Descriptor Table",
 * "Indirect Descriptors", "The Virtqueue Available Ring", "The Virtqueue
 * Used Ring", "Virtqueue Notification Suppression", "Message Framing").
 *
 * Nothing the guest writes is trusted: indices, lengths and addresses
 * are checked, chains are bounded, and any breach of the spec makes the
 * queue broken (the transport then sets DEVICE_NEEDS_RESET) with a
 * sentence saying why in q->error. A broken queue is never touched
 * again until it is reset.
 */
#ifndef DRIVERS_VIRT_VIRTQUEUE_H
#define DRIVERS_VIRT_VIRTQUEUE_H

#include "drivers/virt/guest_ram.h"

/* "The Virtqueue Descriptor Table" */
#define VIRTQ_DESC_F_NEXT     BIT(0) /* the chain goes on at `next` */
#define VIRTQ_DESC_F_WRITE    BIT(1) /* device-writable (else readable) */
#define VIRTQ_DESC_F_INDIRECT BIT(2) /* the buffer is a descriptor table */

/* "The Virtqueue Available Ring", "The Virtqueue Used Ring" */
#define VIRTQ_AVAIL_F_NO_INTERRUPT BIT(0)
#define VIRTQ_USED_F_NO_NOTIFY	   BIT(0)

/* "Virtqueue Alignment" (split virtqueues) */
#define VIRTQ_DESC_ALIGN  16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN  4

#define VIRTQ_SIZE_MAX	     256	    /* the QueueNumMax we offer */
#define VIRTQ_SEGS_MAX	     VIRTQ_SIZE_MAX /* buffers in one chain */
#define VIRTQ_INDIRECT_MAX   VIRTQ_SIZE_MAX /* entries of an indirect table */
#define VIRTQ_DESC_SIZE	     16
#define VIRTQ_USED_ELEM_SIZE 8

/* One descriptor as it lies in guest memory (little-endian, as x86). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* One buffer of a chain, already checked to lie in the guest's RAM. */
struct virtq_seg {
	uint8_t *p;
	uint32_t len;
};

/* A chain taken off the available ring: the device-readable buffers
 * first (seg[0 .. readable-1]), then the device-writable ones. */
struct virtq_chain {
	uint16_t head;
	unsigned readable, writable;
	uint64_t read_bytes, write_bytes;
	struct virtq_seg seg[VIRTQ_SEGS_MAX];
};

struct virtq {
	/* Set by the driver through the transport while the queue is
	 * not enabled, and the features negotiated. */
	unsigned index; /* the queue's number, for messages */
	uint16_t size;	/* QueueNum: a power of 2, <= VIRTQ_SIZE_MAX */
	gpa_t desc_gpa, avail_gpa, used_gpa;
	bool event_idx; /* VIRTIO_F_EVENT_IDX */
	bool indirect;	/* VIRTIO_F_INDIRECT_DESC */
	/* State while enabled. */
	bool enabled, broken;
	bool quiet; /* the device looks at the ring by itself: no notify */
	uint16_t last_avail;	      /* the next available entry to take */
	uint16_t used_idx;	      /* our copy of used->idx */
	uint8_t *desc, *avail, *used; /* the rings, in guest RAM */
	const struct guest_ram *ram;
	char error[128]; /* why it is broken */
};

enum virtq_pop_status {
	VIRTQ_EMPTY,  /* nothing available */
	VIRTQ_CHAIN,  /* *chain holds the next request */
	VIRTQ_BROKEN, /* broken now or before; q->error says why */
};

/* Forget everything but the index (device reset). */
void virtq_reset(struct virtq *q);

/* QueueReady = 1: check size and ring addresses (aligned, in RAM) and
 * start at index 0. False, with the queue broken, when they are bad. */
bool virtq_enable(struct virtq *q, const struct guest_ram *ram);

/* Take the next chain off the available ring and check all of it. */
enum virtq_pop_status virtq_pop(struct virtq *q, struct virtq_chain *chain);

/*
 * Available Buffer Notification Suppression: quiet when the device will
 * look at the available ring again by itself (it has requests in
 * flight and is polled), so the driver need not notify it of new ones
 * (VIRTQ_USED_F_NO_NOTIFY; with VIRTIO_F_EVENT_IDX, avail_event is left
 * behind). Not quiet: the next virtq_pop that finds the ring empty asks
 * for a notification of the next entry, and looks once more after
 * asking, so an entry added meanwhile is not missed.
 */
void virtq_set_quiet(struct virtq *q, bool quiet);

/* Give a chain back: `len` bytes were written into its writable part. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/* After pushes that moved used->idx from old_used: does the driver want
 * a used buffer notification ("Used Buffer Notification Suppression")? */
bool virtq_wants_interrupt(const struct virtq *q, uint16_t old_used);

/* Copy from the readable part at byte offset off; the bytes copied. */
size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *buf,
			size_t len);
/* Copy into the writable part at byte offset off; the bytes copied. */
size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off,
			 const void *buf, size_t len);
/* [off, off+len) of the writable (or readable) part when it lies within
 * one buffer, else NULL: lets a device transfer without a copy. */
uint8_t *virtq_chain_write_ptr(const struct virtq_chain *c, uint64_t off,
			       size_t len);
const uint8_t *virtq_chain_read_ptr(const struct virtq_chain *c, uint64_t off,
				    size_t len);

#endif
