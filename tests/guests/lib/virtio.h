/*
 * tests/guests/lib/virtio.h - a very small polling virtio-mmio driver
 * for the test guests, in two parts. The transport (lib/virtio/mmio.c):
 * any device's register window, probing, feature negotiation, split
 * virtqueues in the guest's own memory (set up, put a buffer on the
 * available ring, take one from the used ring), used by the block and
 * the network guests alike. The block driver on top (lib/virtio/blk.c):
 * the disk at the first window with queue 0 at vio_q, one request at a
 * time; also the raw queue, so that a hostile guest can put garbage in
 * it. The network driver (lib/virtio/net.c): the NIC at the second
 * window, its receive and transmit queues. Only the guests listed in
 * VIRTIO_GUESTS (guests.mk) link them.
 * No interrupts: the guests poll the used rings.
 * Runs in the guest: 32-bit protected mode, paging off (guest-physical
 * addresses are pointers).
 * virtio 1.1 spec: "MMIO-specific Initialization And Device Operation",
 * "Split Virtqueues", "Block Device", "Network Device".
 */
#ifndef TESTS_GUESTS_LIB_VIRTIO_H
#define TESTS_GUESTS_LIB_VIRTIO_H

#include "lib/types.h"

/* The first virtio-mmio window of a VM (docs/virtio.md). */
#define VIO_BASE 0xd0000000u

/* Registers ("MMIO Device Register Layout") */
#define VIO_MAGIC	      0x000
#define VIO_VERSION	      0x004
#define VIO_DEVICE_ID	      0x008
#define VIO_DEVICE_FEATURES   0x010
#define VIO_DEVICE_FEAT_SEL   0x014
#define VIO_DRIVER_FEATURES   0x020
#define VIO_DRIVER_FEAT_SEL   0x024
#define VIO_QUEUE_SEL	      0x030
#define VIO_QUEUE_NUM_MAX     0x034
#define VIO_QUEUE_NUM	      0x038
#define VIO_QUEUE_READY	      0x044
#define VIO_QUEUE_NOTIFY      0x050
#define VIO_INTERRUPT_STATUS  0x060
#define VIO_INTERRUPT_ACK     0x064
#define VIO_STATUS	      0x070
#define VIO_QUEUE_DESC_LOW    0x080
#define VIO_QUEUE_DESC_HIGH   0x084
#define VIO_QUEUE_DRIVER_LOW  0x090
#define VIO_QUEUE_DRIVER_HIGH 0x094
#define VIO_QUEUE_DEVICE_LOW  0x0a0
#define VIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIO_CONFIG	      0x100

/* "MMIO Device Register Layout": MagicValue ("virt") and Version */
#define VIO_MAGIC_VALUE	   0x74726976u
#define VIO_VERSION_MODERN 2u

/* "Device Types" */
#define VIO_ID_NET 1u
#define VIO_ID_BLK 2u

#define VIO_S_ACKNOWLEDGE  1
#define VIO_S_DRIVER	   2
#define VIO_S_DRIVER_OK	   4
#define VIO_S_FEATURES_OK  8
#define VIO_S_NEEDS_RESET  64
#define VIO_F_BLK_FLUSH	   (1u << 9)
#define VIO_F_INDIRECT	   (1u << 28)
#define VIO_F_VERSION_1_HI 1u /* bit 32: bit 0 of the high word */

#define VIO_DESC_NEXT	  1
#define VIO_DESC_WRITE	  2
#define VIO_DESC_INDIRECT 4

#define VIO_BLK_T_IN	 0
#define VIO_BLK_T_OUT	 1
#define VIO_BLK_T_FLUSH	 4
#define VIO_BLK_T_GET_ID 8
#define VIO_BLK_S_OK	 0
#define VIO_BLK_S_IOERR	 1
#define VIO_BLK_S_UNSUPP 2

#define VIO_QSIZE 8

struct vio_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* A split virtqueue of VIO_QSIZE entries in the guest's memory, laid
 * out as the spec asks; last_used is the driver's own. */
struct vio_queue {
	struct vio_desc desc[VIO_QSIZE] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[VIO_QSIZE], used_event;
	} avail __attribute__((aligned(2)));
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[VIO_QSIZE];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	uint16_t last_used;
};

/* One virtio-mmio device the guest drives. */
struct vio_dev {
	uint32_t base;	  /* guest-physical address of its registers */
	uint32_t id;	  /* the device type it must be (VIO_ID_...) */
	const char *kind; /* its name in messages: "virtio-blk" */
};

/* ---- the transport (lib/virtio/mmio.c) */
uint32_t vio_dev_read(const struct vio_dev *d, uint32_t off);
void vio_dev_write(const struct vio_dev *d, uint32_t off, uint32_t v);
/* MagicValue, Version 2 and d->id at d->base: 0, or -1 after printing
 * what is there ("no virtio-blk at 0xd0000000: magic ..."). */
int vio_dev_probe(const struct vio_dev *d);
/* Reset, ACKNOWLEDGE, DRIVER; accept VERSION_1 (which the device must
 * offer), every feature of the low word in `need` (which it must offer
 * too) and those of `want` it offers; FEATURES_OK. 0, or -1 after
 * printing why. */
int vio_dev_negotiate(const struct vio_dev *d, uint32_t need, uint32_t want);
/* Queue `index` of VIO_QSIZE entries at q, which must not be ready yet:
 * 0, or -1 after printing why. q is the caller's, zeroed by the caller. */
int vio_queue_setup(const struct vio_dev *d, unsigned index,
		    struct vio_queue *q);
/* DRIVER_OK, after the queues are set up. */
void vio_dev_driver_ok(const struct vio_dev *d);
/* Put the chain at `head` on q's available ring; the device is not
 * notified (a receive buffer waits there for a frame). */
void vio_queue_put(struct vio_queue *q, uint16_t head);
/* The next entry of q's used ring, if the device has put one there:
 * true with the chain's head in *id and the length written in *len. */
bool vio_queue_take(struct vio_queue *q, uint32_t *id, uint32_t *len);
/* Put head on queue `index` (at q), notify, and wait for the used ring
 * to move: 0 with the entry taken (*used_len, may be NULL, gets the
 * length the device reported), or -1 when it did not move. */
int vio_queue_submit(const struct vio_dev *d, unsigned index,
		     struct vio_queue *q, uint16_t head, uint32_t *used_len);

/* ---- the block driver (lib/virtio/blk.c) */

/* The disk: VIO_ID_BLK at VIO_BASE (or the window vio_blk_window
 * chose), and its queue 0. */
extern struct vio_dev vio_blk;
extern struct vio_queue vio_q;

/* The distance between two virtio-mmio windows (docs/virtio.md). */
#define VIO_STRIDE 0x1000u

/* Use the disk in virtio-mmio window k (before vio_blk_init); a VM's
 * disk d is in window 0, 2, 3, 4 for d = 0, 1, 2, 3. */
static inline void vio_blk_window(unsigned k)
{
	vio_blk.base = VIO_BASE + k * VIO_STRIDE;
}

/* The byte at offset `byte` of sector `sector` of the test disk image
 * the build makes (tests/guests/mkdisk writes the same). */
static inline uint8_t disk_pattern(uint32_t sector, uint32_t byte)
{
	return (uint8_t)(sector * 13 + byte * 7 + 0x21);
}

/* The disk's registers: vio_dev_read/vio_dev_write on vio_blk. */
uint32_t vio_read(uint32_t off);
void vio_write(uint32_t off, uint32_t v);

/* Reset, negotiate (VERSION_1 and, if offered, FLUSH and the features
 * in `extra`), set up queue 0 at vio_q, DRIVER_OK. 0, or -1 after
 * printing why. */
int vio_blk_init(uint32_t extra);
/* One request: header, data (len bytes, none when 0), status; returns
 * the status byte, or -1 if the device gave nothing back. *used_len
 * (may be NULL) gets the length the device reported. */
int vio_blk_request(uint32_t type, uint64_t sector, void *data, uint32_t len,
		    uint32_t *used_len);
/* vio_queue_submit on the disk's queue 0: 0, or -1 when the used ring
 * did not move. */
int vio_submit(uint16_t head);
/* Reset the device (status 0) and forget the queue. */
void vio_reset(void);

/* ---- the network driver (lib/virtio/net.c) */

#define VIO_NET_WINDOW	  (VIO_BASE + VIO_STRIDE) /* a VM's NIC */
#define VIO_NET_F_MAC	  (1u << 5)
#define VIO_NET_RXQ	  0
#define VIO_NET_TXQ	  1
#define VIO_NET_HDR	  12 /* struct virtio_net_hdr, VERSION_1 */
#define VIO_NET_FRAME_MAX 1514
#define VIO_NET_BUF	  (VIO_NET_HDR + VIO_NET_FRAME_MAX)

/* The NIC, its receive and transmit queues, its receive buffers (one
 * per descriptor of the receive queue) and the one transmit buffer: a
 * frame is built at vio_net_tx + VIO_NET_HDR. */
extern const struct vio_dev vio_nic;
extern struct vio_queue vio_net_q[2];
extern uint8_t vio_net_rx[VIO_QSIZE][VIO_NET_BUF];
extern uint8_t vio_net_tx[VIO_NET_BUF];
extern uint8_t vio_net_mac[6]; /* from the device's configuration */

/* Probe, negotiate VERSION_1 and MAC, set up both queues, post every
 * receive buffer, DRIVER_OK, read the MAC. 0, or -1; *link_up (may be
 * NULL) gets the status's LINK_UP bit. */
int vio_net_init(bool *link_up);
/* Give receive buffer i back to the device. */
void vio_net_post_rx(uint16_t i);
/* Send the frame of len bytes at vio_net_tx + VIO_NET_HDR behind an
 * all-zero header (no offloads); 0 once the device has taken it, -1
 * when the used ring did not move. */
int vio_net_send(size_t len);

/* "xx:xx:xx:xx:xx:xx" into s (18 bytes). */
void vio_mac_str(const uint8_t *m, char *s);

#endif
