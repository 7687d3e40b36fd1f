/*
 * tests/guests/lib/virtio/mmio.c - the test guests' virtio-mmio
 * transport: a device's registers, its start-up up to FEATURES_OK, and
 * split virtqueues polled by the driver (no interrupts). Linked only
 * into the virtio guests (tests/guests/guests.mk); the block driver
 * (blk.c) and the network guest (virtio-net.c) both use it.
 * Runs in the guest (see virtio.h).
 * virtio 1.1 spec: "MMIO-specific Initialization And Device Operation",
 * "Device Initialization", "Split Virtqueues".
 */
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

/* How long vio_queue_submit polls the used ring. A disk in RAM answers
 * inside the exit of the queue notify; one on a host disk answers a few
 * milliseconds later (the hypervisor's poll of its DMA), so the bound
 * is generous: about a second of guest time under Bochs. */
#define SUBMIT_SPINS 20000000

uint32_t vio_dev_read(const struct vio_dev *d, uint32_t off)
{
	return peek32(d->base + off);
}

void vio_dev_write(const struct vio_dev *d, uint32_t off, uint32_t v)
{
	poke32(d->base + off, v);
}

int vio_dev_probe(const struct vio_dev *d)
{
	uint32_t magic = vio_dev_read(d, VIO_MAGIC);
	uint32_t version = vio_dev_read(d, VIO_VERSION);
	uint32_t id = vio_dev_read(d, VIO_DEVICE_ID);

	if (magic != VIO_MAGIC_VALUE || version != VIO_VERSION_MODERN ||
	    id != d->id) {
		gprintf("%s: no %s at 0x%08x: magic 0x%08x, version %u, "
			"device id %u\n",
			guest_name, d->kind, d->base, magic, version, id);
		return -1;
	}
	return 0;
}

static uint32_t device_features(const struct vio_dev *d, uint32_t word)
{
	vio_dev_write(d, VIO_DEVICE_FEAT_SEL, word);
	return vio_dev_read(d, VIO_DEVICE_FEATURES);
}

static void driver_features(const struct vio_dev *d, uint32_t word, uint32_t v)
{
	vio_dev_write(d, VIO_DRIVER_FEAT_SEL, word);
	vio_dev_write(d, VIO_DRIVER_FEATURES, v);
}

int vio_dev_negotiate(const struct vio_dev *d, uint32_t need, uint32_t want)
{
	uint32_t lo, hi;

	vio_dev_write(d, VIO_STATUS, 0);
	vio_dev_write(d, VIO_STATUS, VIO_S_ACKNOWLEDGE);
	vio_dev_write(d, VIO_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER);
	lo = device_features(d, 0);
	hi = device_features(d, 1);
	if (!(hi & VIO_F_VERSION_1_HI)) {
		gprintf("%s: %s does not offer VIRTIO_F_VERSION_1\n",
			guest_name, d->kind);
		return -1;
	}
	if ((lo & need) != need) {
		gprintf("%s: %s does not offer features 0x%x (offers 0x%x)\n",
			guest_name, d->kind, need & ~lo, lo);
		return -1;
	}
	driver_features(d, 0, need | (lo & want));
	driver_features(d, 1, VIO_F_VERSION_1_HI);
	vio_dev_write(d, VIO_STATUS,
		      VIO_S_ACKNOWLEDGE | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	if (!(vio_dev_read(d, VIO_STATUS) & VIO_S_FEATURES_OK)) {
		gprintf("%s: %s: FEATURES_OK not accepted\n", guest_name,
			d->kind);
		return -1;
	}
	return 0;
}

int vio_queue_setup(const struct vio_dev *d, unsigned index,
		    struct vio_queue *q)
{
	uint32_t max, ready;

	vio_dev_write(d, VIO_QUEUE_SEL, index);
	max = vio_dev_read(d, VIO_QUEUE_NUM_MAX);
	ready = vio_dev_read(d, VIO_QUEUE_READY);
	if (max < VIO_QSIZE || ready) {
		gprintf("%s: %s queue %u: max size %u, ready %u\n", guest_name,
			d->kind, index, max, ready);
		return -1;
	}
	vio_dev_write(d, VIO_QUEUE_NUM, VIO_QSIZE);
	vio_dev_write(d, VIO_QUEUE_DESC_LOW, (uint32_t)&q->desc);
	vio_dev_write(d, VIO_QUEUE_DESC_HIGH, 0);
	vio_dev_write(d, VIO_QUEUE_DRIVER_LOW, (uint32_t)&q->avail);
	vio_dev_write(d, VIO_QUEUE_DRIVER_HIGH, 0);
	vio_dev_write(d, VIO_QUEUE_DEVICE_LOW, (uint32_t)&q->used);
	vio_dev_write(d, VIO_QUEUE_DEVICE_HIGH, 0);
	vio_dev_write(d, VIO_QUEUE_READY, 1);
	return vio_dev_read(d, VIO_QUEUE_READY) == 1 ? 0 : -1;
}

void vio_dev_driver_ok(const struct vio_dev *d)
{
	vio_dev_write(d, VIO_STATUS,
		      VIO_S_ACKNOWLEDGE | VIO_S_DRIVER | VIO_S_FEATURES_OK |
			      VIO_S_DRIVER_OK);
}

void vio_queue_put(struct vio_queue *q, uint16_t head)
{
	uint16_t idx = q->avail.idx;

	q->avail.ring[idx % VIO_QSIZE] = head;
	/* the entry before the index that publishes it */
	__asm__ volatile("" ::: "memory");
	*(volatile uint16_t *)&q->avail.idx = (uint16_t)(idx + 1);
}

bool vio_queue_take(struct vio_queue *q, uint32_t *id, uint32_t *len)
{
	uint16_t slot = q->last_used % VIO_QSIZE;

	if (*(volatile uint16_t *)&q->used.idx == q->last_used)
		return false;
	/* the index before the entry it publishes */
	__asm__ volatile("" ::: "memory");
	*id = q->used.ring[slot].id;
	*len = q->used.ring[slot].len;
	q->last_used++;
	return true;
}

int vio_queue_submit(const struct vio_dev *d, unsigned index,
		     struct vio_queue *q, uint16_t head, uint32_t *used_len)
{
	uint32_t id, len;

	vio_queue_put(q, head);
	vio_dev_write(d, VIO_QUEUE_NOTIFY, index);
	for (unsigned spin = 0; spin < SUBMIT_SPINS; spin++) {
		if (vio_queue_take(q, &id, &len)) {
			if (used_len)
				*used_len = len;
			return 0;
		}
		/* a device that gave up on the queue answers nothing */
		if (spin % 1024 == 1023 &&
		    (vio_dev_read(d, VIO_STATUS) & VIO_S_NEEDS_RESET))
			return -1;
	}
	return -1;
}
