/*
 * drivers/virt/virtio_net.c - virtio-net frames: transmit from queue 1
 * to the switch, receive from the switch into queue 0.
 * Pure logic; a transmit runs in the VM exit of its queue notify, a
 * receive in the exit of whichever vCPU sent the frame (any CPU), both
 * with the switch's lock held. On the host in
 * tests/unit/test_virtio_net.c.
 * virtio 1.1 spec: "Network Device", "Packet Transmission",
 * "Processing of Incoming Packets", "Message Framing".
 *
 * Every packet is a 12-byte struct virtio_net_hdr and then the Ethernet
 * frame, split over the buffers of a chain in any way. We offer no
 * offloads, so a transmitted header must say "nothing to do" (flags 0,
 * gso_type NONE), and a received one says so too, with num_buffers 1.
 * What the spec forbids a driver (a transmit chain with writable
 * buffers, shorter than the header, longer than header + 1514 bytes,
 * or asking for an offload; a receive chain with readable buffers)
 * makes the device need a reset, as in virtio-blk. What the spec only
 * discourages (a receive buffer too small for the frame) costs that
 * frame: the buffer comes back empty.
 */
#include "drivers/virt/virtio_net.h"
#include "lib/string.h"

static struct virtio_net *to_net(void *dev)
{
	return dev;
}

static uint64_t net_features(void *dev)
{
	return VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_F_INDIRECT_DESC |
	       VIRTIO_F_EVENT_IDX;
}

static void net_config_read(void *dev, uint32_t off, void *buf, unsigned size)
{
	struct virtio_net *n = to_net(dev);
	uint8_t cfg[VIRTIO_NET_CFG_SIZE] = {0};

	memcpy(cfg + VIRTIO_NET_CFG_MAC, n->mac.b, MAC_ADDR_LEN);
	cfg[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP; /* le16 */
	memset(buf, 0, size);
	for (unsigned i = 0; i < size; i++)
		if ((uint64_t)off + i < sizeof(cfg))
			((uint8_t *)buf)[i] = cfg[off + i];
}

static void net_reset(void *dev)
{
	UNUSED(dev); /* frames are done at once: nothing pending */
}

/* The line follows InterruptStatus: tell it when that became non-zero
 * or zero. */
static void net_irq_update(struct virtio_net *n)
{
	bool level = n->mmio.interrupt_status != 0;

	if (level == n->irq_level)
		return;
	n->irq_level = level;
	if (n->irq)
		n->irq(n->irq_ctx, level);
}

/* ---- transmit ------------------------------------------------------- */

/* The header asks for nothing we did not offer. */
static bool tx_hdr_ok(struct virtio_net *n, struct virtq *q)
{
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	struct virtq_chain *c = &n->tx_chain;

	virtq_chain_read(c, 0, hdr, sizeof(hdr));
	if (hdr[VIRTIO_NET_HDR_FLAGS] == 0 &&
	    hdr[VIRTIO_NET_HDR_GSO_TYPE] == VIRTIO_NET_HDR_GSO_NONE)
		return true;
	virtio_mmio_fail(&n->mmio,
			 "queue %u: packet %u asks for an offload (flags 0x%x, "
			 "gso_type %u) that was not negotiated",
			 q->index, c->head, hdr[VIRTIO_NET_HDR_FLAGS],
			 hdr[VIRTIO_NET_HDR_GSO_TYPE]);
	return false;
}

/* The chain just popped is a packet the spec allows a driver to send. */
static bool tx_chain_ok(struct virtio_net *n, struct virtq *q)
{
	struct virtq_chain *c = &n->tx_chain;
	const char *why = NULL;

	if (c->writable)
		why = "has device-writable buffers";
	else if (c->read_bytes < VIRTIO_NET_HDR_SIZE)
		why = "is shorter than the 12-byte header";
	else if (c->read_bytes > VIRTIO_NET_TX_MAX)
		why = "is longer than the header and a 1514-byte frame";
	if (why) {
		virtio_mmio_fail(&n->mmio, "queue %u: packet %u (%lu bytes) %s",
				 q->index, c->head,
				 (unsigned long)c->read_bytes, why);
		return false;
	}
	return tx_hdr_ok(n, q);
}

/* One packet to the switch: false when the chain was bad. */
static bool net_tx_one(struct virtio_net *n, struct virtq *q)
{
	struct virtq_chain *c = &n->tx_chain;
	size_t len;

	if (!tx_chain_ok(n, q))
		return false;
	len = (size_t)(c->read_bytes - VIRTIO_NET_HDR_SIZE);
	virtq_chain_read(c, VIRTIO_NET_HDR_SIZE, n->tx_frame, len);
	virtq_push(q, c->head, 0);
	n->stats.tx_frames++;
	n->stats.tx_bytes += len;
	vswitch_send(n->sw, n->port, n->tx_frame, len);
	return true;
}

/* At most a queue's worth of packets per notify, as virtio-blk. The
 * receive queue's notify (buffers added) needs nothing: frames that
 * found no buffer are gone already. */
static void net_notify(void *dev, struct virtio_mmio *m, struct virtq *q)
{
	struct virtio_net *n = to_net(dev);
	uint16_t old_used = q->used_idx;

	if (q->index != VIRTIO_NET_TXQ)
		return;
	for (unsigned i = 0; i < q->size; i++)
		if (virtq_pop(q, &n->tx_chain) != VIRTQ_CHAIN ||
		    !net_tx_one(n, q))
			break;
	virtio_mmio_used(m, q, old_used);
}

/* ---- receive -------------------------------------------------------- */

static bool rx_ready(struct virtio_net *n, struct virtq *q)
{
	return (n->mmio.status & VIRTIO_STATUS_DRIVER_OK) &&
	       !n->mmio.broken[0] && q->enabled && !q->broken;
}

/* Header and frame into the chain just popped: false (buffer given
 * back empty, or the device broken) when it cannot hold them. */
static bool rx_fill(struct virtio_net *n, struct virtq *q, const uint8_t *frame,
		    size_t len)
{
	struct virtq_chain *c = &n->rx_chain;
	uint8_t hdr[VIRTIO_NET_HDR_SIZE] = {0};

	if (c->readable) {
		virtio_mmio_fail(&n->mmio,
				 "queue %u: receive buffer %u has "
				 "device-readable parts",
				 q->index, c->head);
		return false;
	}
	if (c->write_bytes < VIRTIO_NET_HDR_SIZE + len) {
		n->stats.rx_too_small++;
		virtq_push(q, c->head, 0);
		return false;
	}
	hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1; /* le16 1 */
	virtq_chain_write(c, 0, hdr, sizeof(hdr));
	virtq_chain_write(c, VIRTIO_NET_HDR_SIZE, frame, len);
	virtq_push(q, c->head, (uint32_t)(VIRTIO_NET_HDR_SIZE + len));
	n->stats.rx_frames++;
	n->stats.rx_bytes += len;
	return true;
}

/* The switch delivers a frame (vswitch_deliver_fn). */
static bool net_rx(void *ctx, const uint8_t *frame, size_t len)
{
	struct virtio_net *n = ctx;
	struct virtq *q = &n->mmio.queues[VIRTIO_NET_RXQ];
	uint16_t old_used = q->used_idx;
	bool took = false;

	if (!rx_ready(n, q)) {
		n->stats.rx_not_ready++;
		return false;
	}
	switch (virtq_pop(q, &n->rx_chain)) {
	case VIRTQ_EMPTY: n->stats.rx_no_buffer++; break;
	case VIRTQ_BROKEN:
		virtio_mmio_fail(&n->mmio, "queue %u: %s", q->index, q->error);
		break;
	case VIRTQ_CHAIN: took = rx_fill(n, q, frame, len); break;
	}
	virtio_mmio_used(&n->mmio, q, old_used);
	net_irq_update(n);
	return took;
}

/* ---- the device ----------------------------------------------------- */

static const struct virtio_device_ops virtio_net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.queue_count = VIRTIO_NET_QUEUES,
	.features = net_features,
	.config_read = net_config_read,
	.queue_notify = net_notify,
	.reset = net_reset,
};

int virtio_net_init(struct virtio_net *n, struct vswitch *sw,
		    const struct mac_addr *mac, const char *name, gpa_t base,
		    const struct guest_ram *ram)
{
	memset(n, 0, sizeof(*n));
	n->sw = sw;
	n->mac = *mac;
	virtio_mmio_init(&n->mmio, &virtio_net_ops, n, name, base, ram);
	spin_lock(&sw->lock);
	n->port = vswitch_port_add(sw, name, net_rx, n);
	spin_unlock(&sw->lock);
	return n->port == VSWITCH_NO_PORT ? -1 : 0;
}

void virtio_net_set_irq(struct virtio_net *n, virtio_net_irq_fn raise,
			void *ctx)
{
	spin_lock(&n->sw->lock);
	n->irq = raise;
	n->irq_ctx = ctx;
	n->irq_level = false; /* the new line starts low */
	net_irq_update(n);
	spin_unlock(&n->sw->lock);
}

void virtio_net_reset(struct virtio_net *n)
{
	spin_lock(&n->sw->lock);
	virtio_mmio_reset(&n->mmio);
	net_irq_update(n);
	spin_unlock(&n->sw->lock);
}

void virtio_net_remove(struct virtio_net *n)
{
	spin_lock(&n->sw->lock);
	vswitch_port_remove(n->sw, n->port);
	n->port = VSWITCH_NO_PORT;
	spin_unlock(&n->sw->lock);
}

static uint64_t bus_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_net *n = opaque;
	uint64_t v;

	spin_lock(&n->sw->lock);
	v = virtio_mmio_read(&n->mmio, offset, size);
	spin_unlock(&n->sw->lock);
	return v;
}

/* A write may transmit (notify), complete buffers, break the device,
 * acknowledge interrupts or reset: the line follows. */
static void bus_write(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value)
{
	struct virtio_net *n = opaque;

	spin_lock(&n->sw->lock);
	virtio_mmio_write(&n->mmio, offset, size, value);
	net_irq_update(n);
	spin_unlock(&n->sw->lock);
}

struct mmio_device virtio_net_device(struct virtio_net *n)
{
	return (struct mmio_device){
		.name = n->mmio.ops->name,
		.base = n->mmio.base,
		.size = VIRTIO_MMIO_SIZE,
		.read = bus_read,
		.write = bus_write,
		.opaque = n,
	};
}
