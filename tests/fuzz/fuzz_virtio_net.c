/*
 * tests/fuzz/fuzz_virtio_net.c - libFuzzer target for virtio-net on
 * the virtual switch (drivers/virt/virtio_net.c, drivers/net/vswitch.c,
 * with the virtqueue and transport), built for the host with clang
 * -fsanitize=fuzzer,address,undefined.
 * The input is a guest: byte 0 chooses the queue size, byte 1 the
 * features the driver accepts and whether descriptors are tamed
 * (below), byte 2 the order of events; the rest is its RAM, where both
 * queues' rings lie (descriptor tables, rings, buffers: anything). The
 * test brings the device up through its window, as a driver would,
 * then alternates transmit notifies with frames a peer port sends to
 * the guest. ASan catches any access outside the fake RAM; the target
 * checks what must hold whatever the guest wrote:
 *   - what reaches the peer is a frame of 14 to 1514 bytes, and one
 *     notify hands the switch at most a queue's worth of them;
 *   - a used entry names a descriptor below the queue size; transmit
 *     entries have length 0, receive entries at most header + frame;
 *   - a device that says DEVICE_NEEDS_RESET has a reason, and from then
 *     on changes nothing in the guest's RAM (notifies and frames alike)
 *     until reset;
 *   - the interrupt status holds only the two defined bits, and the
 *     switch's lock is free after every access.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virt/virtio_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "fuzz_virtio_net: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);             \
			abort();                                        \
		}                                                       \
	} while (0)

#define RAM_SIZE (16 * 1024)
#define ROUNDS	 3
#define HDR	 VIRTIO_NET_HDR_SIZE

static uint8_t *ram;
/* Each queue's rings, packed from address 0 (receive queue first). */
static gpa_t desc_at[2], avail_at[2], used_at[2];
static unsigned peer_got, peer_bad;

static void *ram_map(void *ctx, gpa_t gpa, uint64_t len)
{
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return NULL;
	return ram + gpa;
}

static uint64_t no_clock(void *ctx)
{
	return 0;
}

static bool peer_rx(void *ctx, const uint8_t *frame, size_t len)
{
	peer_got++;
	if (len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
		peer_bad++;
	return true;
}

static uint32_t rd(struct mmio_device *w, uint64_t off)
{
	return (uint32_t)w->read(w->opaque, off, 4);
}

static void wr(struct mmio_device *w, uint64_t off, uint32_t v)
{
	w->write(w->opaque, off, 4, v);
}

static void layout(uint16_t qsize)
{
	gpa_t at = 0;

	for (unsigned q = 0; q < 2; q++) {
		desc_at[q] = ALIGN_UP(at, VIRTQ_DESC_ALIGN);
		avail_at[q] = desc_at[q] + (gpa_t)VIRTQ_DESC_SIZE * qsize;
		used_at[q] =
			ALIGN_UP(avail_at[q] + 6 + 2 * qsize, VIRTQ_USED_ALIGN);
		at = used_at[q] + 6 + (gpa_t)VIRTQ_USED_ELEM_SIZE * qsize;
	}
}

static void bring_up(struct mmio_device *w, uint16_t qsize, uint32_t features)
{
	wr(w, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(w, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(w, VIRTIO_MMIO_DRIVER_FEATURES, features);
	wr(w, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(w, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(w, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
	for (unsigned q = 0; q < 2; q++) {
		wr(w, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(w, VIRTIO_MMIO_QUEUE_NUM, qsize);
		wr(w, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc_at[q]);
		wr(w, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail_at[q]);
		wr(w, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used_at[q]);
		wr(w, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(w, VIRTIO_MMIO_STATUS,
	   rd(w, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/* Bit 4 of byte 1: descriptors point into the RAM with lengths below
 * 2 KiB, so random inputs also reach the frames, not only the checks
 * that refuse wild chains. */
static void tame(uint16_t qsize)
{
	for (unsigned q = 0; q < 2; q++) {
		for (unsigned i = 0; i < qsize; i++) {
			struct virtq_desc d;
			uint8_t *p = ram + desc_at[q] + i * sizeof(d);

			memcpy(&d, p, sizeof(d));
			d.addr &= RAM_SIZE - 1;
			d.len &= 0x7ff;
			memcpy(p, &d, sizeof(d));
		}
	}
}

/* Entries [from, to) of queue q's used ring (the device's own index:
 * the guest may aim buffers at the ring, so RAM's copy is anything). */
static void check_used(const struct virtio_net *n, unsigned q, uint16_t qsize,
		       uint16_t from, size_t frame_len)
{
	uint16_t to = n->mmio.queues[q].used_idx;

	CHECK((uint16_t)(to - from) <= qsize);
	if (to == from)
		return;
	/* the last entry is written after all data: it must be sane */
	{
		uint16_t i = (uint16_t)(to - 1);
		uint32_t id, len;

		memcpy(&id, ram + used_at[q] + 4 + 8 * (i % qsize), 4);
		memcpy(&len, ram + used_at[q] + 8 + 8 * (i % qsize), 4);
		CHECK(id < qsize);
		CHECK(q == VIRTIO_NET_TXQ ? len == 0 : len <= HDR + frame_len);
	}
}

static void check_stays_broken(struct virtio_net *n, struct mmio_device *w,
			       struct vswitch *sw, int peer)
{
	static uint8_t before[RAM_SIZE];
	uint8_t frame[60] = {0};

	CHECK(n->mmio.broken[0] != '\0');
	memcpy(before, ram, RAM_SIZE);
	wr(w, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	memset(frame, 0xff, 6);
	frame[6] = 0x02;
	spin_lock(&sw->lock);
	CHECK(vswitch_send(sw, peer, frame, sizeof(frame)) == 0);
	spin_unlock(&sw->lock);
	CHECK(memcmp(before, ram, RAM_SIZE) == 0);
}

/* The peer sends a broadcast frame of len bytes into the switch. */
static void peer_send(struct vswitch *sw, int peer, size_t len, uint8_t fill)
{
	uint8_t frame[ETH_FRAME_MAX];

	memset(frame, fill, len);
	memset(frame, 0xff, 6);
	frame[6] = 0x02; /* a unicast source */
	spin_lock(&sw->lock);
	vswitch_send(sw, peer, frame, len);
	spin_unlock(&sw->lock);
}

static void round_once(struct virtio_net *n, struct mmio_device *w,
		       struct vswitch *sw, int peer, uint16_t qsize,
		       uint8_t choice)
{
	uint16_t before = n->mmio.queues[VIRTIO_NET_TXQ].used_idx;
	unsigned got = peer_got;
	size_t len = ETH_FRAME_MIN + (size_t)choice * 6; /* 14 to 1544 */

	if (len > ETH_FRAME_MAX)
		len = ETH_FRAME_MAX;
	wr(w, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	CHECK(sw->lock.locked == 0);
	CHECK(peer_got - got <= qsize);
	CHECK(peer_bad == 0);
	check_used(n, VIRTIO_NET_TXQ, qsize, before, 0);
	if (n->mmio.broken[0])
		return;
	before = n->mmio.queues[VIRTIO_NET_RXQ].used_idx;
	peer_send(sw, peer, len, choice);
	check_used(n, VIRTIO_NET_RXQ, qsize, before, len);
	CHECK((rd(w, VIRTIO_MMIO_INTERRUPT_STATUS) & ~3u) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vswitch_clock clock = {no_clock, NULL};
	static struct vswitch sw;
	static struct virtio_net net;
	const struct mac_addr mac = {{0x52, 0x54, 0, 0, 0, 1}};
	const struct guest_ram access = {ram_map, NULL};
	struct mmio_device w;
	uint16_t qsize;
	uint32_t features;
	int peer;

	if (size < 3)
		return 0;
	qsize = (uint16_t)(1u << (data[0] % 9)); /* 1 to 256 */
	features = (data[1] & 1 ? VIRTIO_F_INDIRECT_DESC : 0) |
		   (data[1] & 2 ? VIRTIO_F_EVENT_IDX : 0) |
		   (data[1] & 4 ? VIRTIO_NET_F_MAC : 0);
	layout(qsize);
	ram = calloc(1, RAM_SIZE);
	memcpy(ram, data + 3, size - 3 < RAM_SIZE ? size - 3 : RAM_SIZE);
	if (data[1] & 16)
		tame(qsize);
	peer_got = peer_bad = 0;
	vswitch_init(&sw, &clock, 1);
	CHECK(virtio_net_init(&net, &sw, &mac, "fuzz", 0xd0001000, &access) ==
	      0);
	peer = vswitch_port_add(&sw, "peer", peer_rx, NULL);
	w = virtio_net_device(&net);
	bring_up(&w, qsize, features);
	for (unsigned r = 0; r < ROUNDS; r++) {
		if (rd(&w, VIRTIO_MMIO_STATUS) &
		    VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
			check_stays_broken(&net, &w, &sw, peer);
			break;
		}
		round_once(&net, &w, &sw, peer, qsize,
			   (uint8_t)(data[2] * (r + 1)));
	}
	free(ram);
	return 0;
}
