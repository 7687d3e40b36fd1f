/*
 * drivers/virt/virtio_blk.h - virtio-blk: a disk for a guest, behind a
 * virtio-mmio window, storing its sectors in a struct blk_backend.
 * Pure logic. Requests are taken off the queue in the VM exit of the
 * queue notify (at most one queue's worth per notify) and handed to the
 * backend; a RAM image answers at once, a host disk later:
 * virtio_blk_poll, from the run loop of any CPU, finishes them and
 * interrupts the guest. While requests are on the backend the device
 * takes new ones off the ring at each poll, so it tells the driver not
 * to notify (virtq_set_quiet), and it coalesces interrupts. The device's lock serializes its window, its
 * poll and its backend (a VM's vCPUs run on several CPUs). On the host
 * in tests/unit/test_virtio_blk.c and tests/fuzz/fuzz_virtqueue.c.
 * virtio 1.1 spec: "Block Device" ("Feature bits", "Device configuration
 * layout", "Device Operation").
 */
#ifndef DRIVERS_VIRT_VIRTIO_BLK_H
#define DRIVERS_VIRT_VIRTIO_BLK_H

#include "drivers/block/blk_backend.h"
#include "drivers/virt/virtio_mmio.h"
#include "lib/spinlock.h"

#define VIRTIO_ID_BLOCK 2

/* "Block Device: Feature bits" */
#define VIRTIO_BLK_F_SEG_MAX  BIT(2)
#define VIRTIO_BLK_F_RO	      BIT(5)
#define VIRTIO_BLK_F_BLK_SIZE BIT(6)
#define VIRTIO_BLK_F_FLUSH    BIT(9)

/* "Block Device: Device configuration layout" (byte offsets) */
#define VIRTIO_BLK_CFG_CAPACITY 0  /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8  /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX	12 /* le32 */
#define VIRTIO_BLK_CFG_GEOMETRY 16 /* cylinders le16, heads, sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 20 /* le32 */
#define VIRTIO_BLK_CFG_SIZE	24 /* what we describe; the rest reads 0 */

/* "Block Device: Device Operation" */
#define VIRTIO_BLK_T_IN	    0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_HDR_SIZE 16 /* type le32, reserved le32, sector le64 */
#define VIRTIO_BLK_ID_BYTES 20

/* Buffers per request we accept: header and status around the data. */
#define VIRTIO_BLK_SEG_MAX (VIRTQ_SEGS_MAX - 2)

/* Requests the device works on at once (each waits for the backend);
 * more stay on the available ring until one is answered. */
#define VIRTIO_BLK_SLOTS 8

/*
 * Interrupt coalescing: while other requests are still on the backend,
 * answers are put on the used ring at once but the interrupt waits
 * until VIRTIO_BLK_COALESCE of them are there, or the oldest has waited
 * the device's hold time (virtio_blk_init), or no request is left on
 * the backend. A driver that keeps many requests in flight is then
 * interrupted once per several answers (docs/virtio.md).
 */
#define VIRTIO_BLK_COALESCE (VIRTIO_BLK_SLOTS / 2)

/* One request taken off the queue, until it is answered. */
struct virtio_blk_slot {
	bool busy;   /* holds a request */
	bool orphan; /* the device was reset meanwhile: no answer */
	uint32_t type;
	uint64_t sector;
	uint32_t count;	  /* IN, OUT: sectors */
	uint32_t done;	  /* of them, transferred */
	uint32_t n;	  /* the sectors of io */
	bool bounced;	  /* io goes through bounce (a split sector) */
	bool gathered;	  /* io is all the data, in segs (one request) */
	bool io_busy;	  /* io submitted, its answer not yet taken */
	uint8_t status;	  /* VIRTIO_BLK_S_* once answered */
	uint32_t written; /* bytes written into the writable part */
	struct blk_io io;
	struct virtq_chain chain;
	uint8_t bounce[BLK_SECTOR_SIZE];
	struct sector_seg segs[VIRTQ_SEGS_MAX]; /* the data's buffers */
	unsigned nsegs;
};

struct virtio_blk {
	struct virtio_mmio mmio; /* its register window */
	struct blk_backend *backend;
	struct spinlock lock; /* window accesses, poll, the backend */
	unsigned busy;	      /* slots in use (read without the lock) */
	struct virtio_blk_slot slots[VIRTIO_BLK_SLOTS];
	uint64_t requests, errors; /* answered; of them, not S_OK */
	/* coalescing: the used index at the last interrupt decision, when
	 * the oldest answer since then was pushed, the longest it waits */
	uint16_t signalled;
	uint64_t held_since, now, hold_ticks;
};

/* A disk on backend, its window at base; name is for messages.
 * hold_ticks: the longest an answer's interrupt waits for others (in
 * the clock of virtio_blk_poll); 0: none waits. */
void virtio_blk_init(struct virtio_blk *b, struct blk_backend *backend,
		     const char *name, gpa_t base, const struct guest_ram *ram,
		     uint64_t hold_ticks);

/* The register window for the VM's MMIO bus: each access holds the
 * device's lock. */
struct mmio_device virtio_blk_device(struct virtio_blk *b);

/* Requests on the backend? (a hint, without the lock) */
static inline bool virtio_blk_busy(const struct virtio_blk *b)
{
	return __atomic_load_n(&b->busy, __ATOMIC_RELAXED) != 0;
}

/* Device reset (the VM's machine reset), under the lock: requests on
 * the backend finish there but are not answered. */
void virtio_blk_reset(struct virtio_blk *b);

/* Finish what the backend has done: answer those requests, take more
 * off the queue, interrupt the guest (coalesced: above). now is the
 * time (any clock that counts up; the TSC on the hypervisor). Any CPU;
 * false (nothing done) when another CPU holds the device. */
bool virtio_blk_poll(struct virtio_blk *b, uint64_t now);

#endif
