/*
 * drivers/virt/virtio_blk.h - virtio-blk: a disk for a guest, behind a
 * virtio-mmio window, storing its sectors in a struct blk_backend.
 * Pure logic; requests are done in the VM exit of the queue notify (at
 * most one queue's worth per notify), and on the host in
 * tests/unit/test_virtio_blk.c.
 * virtio 1.1 spec: "Block Device" ("Feature bits", "Device configuration
 * layout", "Device Operation").
 */
#ifndef DRIVERS_VIRT_VIRTIO_BLK_H
#define DRIVERS_VIRT_VIRTIO_BLK_H

#include "drivers/block/blk_backend.h"
#include "drivers/virt/virtio_mmio.h"

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

struct virtio_blk {
	struct virtio_mmio mmio; /* its register window */
	struct blk_backend *backend;
	struct virtq_chain chain;	 /* the request being done */
	uint8_t bounce[BLK_SECTOR_SIZE]; /* a sector split across buffers */
	uint64_t requests, errors;	 /* done; of them, not S_OK */
};

/* A disk on backend, its window at base; name is for messages. */
void virtio_blk_init(struct virtio_blk *b, struct blk_backend *backend,
		     const char *name, gpa_t base, const struct guest_ram *ram);

#endif
