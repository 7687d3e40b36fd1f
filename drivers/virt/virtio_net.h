/*
 * drivers/virt/virtio_net.h - virtio-net: a network card for a guest,
 * behind a virtio-mmio window, plugged into a port of a virtual switch
 * (drivers/net/vswitch.h). Queue 0 receives, queue 1 transmits; no
 * offloads, no mergeable receive buffers, no control queue.
 * Pure logic. A transmit is done in the VM exit of its queue notify,
 * and the switch hands the frame at once to the receiving devices, on
 * the sender's CPU: so every device on a switch is guarded by the
 * switch's lock, which the device's window takes around each register
 * access (virtio_net_device). On the host in
 * tests/unit/test_virtio_net.c and tests/fuzz/fuzz_virtio_net.c.
 * virtio 1.1 spec: "Network Device" ("Feature bits", "Device
 * configuration layout", "Device Operation", "Packet Transmission",
 * "Processing of Incoming Packets").
 */
#ifndef DRIVERS_VIRT_VIRTIO_NET_H
#define DRIVERS_VIRT_VIRTIO_NET_H

#include "drivers/net/vswitch.h"
#include "drivers/virt/virtio_mmio.h"

#define VIRTIO_ID_NET 1

/* "Network Device: Virtqueues" */
#define VIRTIO_NET_RXQ	  0
#define VIRTIO_NET_TXQ	  1
#define VIRTIO_NET_QUEUES 2

/* "Network Device: Feature bits" */
#define VIRTIO_NET_F_CSUM   BIT(0)
#define VIRTIO_NET_F_MAC    BIT(5)
#define VIRTIO_NET_F_STATUS BIT(16)

/* "Network Device: Device configuration layout" (byte offsets) */
#define VIRTIO_NET_CFG_MAC    0 /* u8 mac[6] */
#define VIRTIO_NET_CFG_STATUS 6 /* le16, with VIRTIO_NET_F_STATUS */
#define VIRTIO_NET_CFG_SIZE   8 /* what we describe; the rest reads 0 */
#define VIRTIO_NET_S_LINK_UP  BIT(0)

/* "Network Device: Device Operation": struct virtio_net_hdr, 12 bytes
 * with VIRTIO_F_VERSION_1 (num_buffers is always there). */
#define VIRTIO_NET_HDR_SIZE	    12
#define VIRTIO_NET_HDR_FLAGS	    0  /* u8 */
#define VIRTIO_NET_HDR_GSO_TYPE	    1  /* u8 */
#define VIRTIO_NET_HDR_NUM_BUFFERS  10 /* le16 */
#define VIRTIO_NET_HDR_GSO_NONE	    0
#define VIRTIO_NET_HDR_F_NEEDS_CSUM BIT(0)
#define VIRTIO_NET_HDR_F_DATA_VALID BIT(1)
#define VIRTIO_NET_HDR_F_RSC_INFO   BIT(2)
/* the longest transmit chain: header + a full Ethernet frame */
#define VIRTIO_NET_TX_MAX (VIRTIO_NET_HDR_SIZE + ETH_FRAME_MAX)

/*
 * The device's interrupt line, a level: high while InterruptStatus is
 * not 0 (used buffers on either queue, or a configuration change when
 * it needs a reset), low once the driver acknowledged all of it or the
 * device was reset. Called each time the level changes, with the
 * switch's lock held, on any CPU: a frame for this VM arrives in the
 * exit of the sending VM's vCPU. It must not take the switch's lock.
 * NULL: no line, the driver polls.
 */
typedef void (*virtio_net_irq_fn)(void *ctx, bool level);

struct virtio_net_stats {
	uint64_t tx_frames, tx_bytes; /* handed to the switch */
	uint64_t rx_frames, rx_bytes; /* put in a receive buffer */
	uint64_t rx_not_ready;	      /* frames before DRIVER_OK, or broken */
	uint64_t rx_no_buffer;	      /* frames with no buffer posted */
	uint64_t rx_too_small;	      /* frames longer than the buffer */
};

struct virtio_net {
	struct virtio_mmio mmio; /* its register window */
	struct vswitch *sw;	 /* sw->lock guards all below */
	int port;		 /* its port on sw */
	struct mac_addr mac;
	virtio_net_irq_fn irq;
	void *irq_ctx;
	bool irq_level; /* as last told to irq */
	struct virtq_chain tx_chain, rx_chain;
	uint8_t tx_frame[ETH_FRAME_MAX];
	struct virtio_net_stats stats;
};

/*
 * A NIC with address mac on a new port of sw, its window at base; name
 * is for messages ("vm web: virtio-net at 0xd0001000"). Takes sw->lock.
 * 0, or -1 when the switch has no free port.
 */
int virtio_net_init(struct virtio_net *n, struct vswitch *sw,
		    const struct mac_addr *mac, const char *name, gpa_t base,
		    const struct guest_ram *ram);

/* The interrupt line: see virtio_net_irq_fn. Set before the VM runs. */
void virtio_net_set_irq(struct virtio_net *n, virtio_net_irq_fn raise,
			void *ctx);

/* Device reset from outside the guest (the VM restarts): no frame is
 * written into its RAM until the driver sets it up again. Takes
 * sw->lock. */
void virtio_net_reset(struct virtio_net *n);

/* The NIC leaves its switch (a VM that is refused after its NIC was
 * made). Takes sw->lock. */
void virtio_net_remove(struct virtio_net *n);

/* The window as a device of the VM's MMIO bus: each access takes
 * sw->lock around virtio_mmio_read/write. */
struct mmio_device virtio_net_device(struct virtio_net *n);

#endif
