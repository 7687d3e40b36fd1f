/*
 * tests/guests/lib/virtio/virtio.c - the test guests' virtio-blk driver,
 * linked only into the virtio guests (tests/guests/guests.mk).
 * Runs in the guest (see virtio.h). Requests are done by the device
 * inside the exit of the queue notify, so the used ring has moved by
 * the time the notify returns; we still poll a little, as a driver
 * without interrupts would.
 */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

struct vio_queue vio_q __attribute__((aligned(4096)));

/* One request's header and status, in guest memory. */
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} req_hdr __attribute__((aligned(16)));
static volatile uint8_t req_status;

uint32_t vio_read(uint32_t off)
{
	return peek32(VIO_BASE + off);
}

void vio_write(uint32_t off, uint32_t v)
{
	poke32(VIO_BASE + off, v);
}

void vio_reset(void)
{
	vio_write(VIO_STATUS, 0);
	memset(&vio_q, 0, sizeof(vio_q));
}

static int check_device(void)
{
	uint32_t magic = vio_read(VIO_MAGIC), version = vio_read(VIO_VERSION);
	uint32_t id = vio_read(VIO_DEVICE_ID);

	if (magic != 0x74726976 || version != 2 || id != 2) {
		gprintf("%s: no virtio-blk at 0x%08x: magic 0x%08x, version "
			"%u, device id %u\n",
			guest_name, VIO_BASE, magic, version, id);
		return -1;
	}
	return 0;
}

static int negotiate(uint32_t extra)
{
	uint32_t lo, hi;

	vio_write(VIO_DEVICE_FEAT_SEL, 0);
	lo = vio_read(VIO_DEVICE_FEATURES);
	vio_write(VIO_DEVICE_FEAT_SEL, 1);
	hi = vio_read(VIO_DEVICE_FEATURES);
	if (!(hi & VIO_F_VERSION_1_HI)) {
		gprintf("%s: device does not offer VIRTIO_F_VERSION_1\n",
			guest_name);
		return -1;
	}
	vio_write(VIO_DRIVER_FEAT_SEL, 0);
	vio_write(VIO_DRIVER_FEATURES, lo & (VIO_F_BLK_FLUSH | extra));
	vio_write(VIO_DRIVER_FEAT_SEL, 1);
	vio_write(VIO_DRIVER_FEATURES, VIO_F_VERSION_1_HI);
	vio_write(VIO_STATUS,
		  VIO_S_ACKNOWLEDGE | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	if (!(vio_read(VIO_STATUS) & VIO_S_FEATURES_OK)) {
		gprintf("%s: FEATURES_OK not accepted\n", guest_name);
		return -1;
	}
	return 0;
}

static int setup_queue(void)
{
	uint32_t max;

	vio_write(VIO_QUEUE_SEL, 0);
	max = vio_read(VIO_QUEUE_NUM_MAX);
	if (max < VIO_QSIZE || vio_read(VIO_QUEUE_READY)) {
		gprintf("%s: queue 0: max size %u, ready %u\n", guest_name, max,
			vio_read(VIO_QUEUE_READY));
		return -1;
	}
	vio_write(VIO_QUEUE_NUM, VIO_QSIZE);
	vio_write(VIO_QUEUE_DESC_LOW, (uint32_t)&vio_q.desc);
	vio_write(VIO_QUEUE_DESC_HIGH, 0);
	vio_write(VIO_QUEUE_DRIVER_LOW, (uint32_t)&vio_q.avail);
	vio_write(VIO_QUEUE_DRIVER_HIGH, 0);
	vio_write(VIO_QUEUE_DEVICE_LOW, (uint32_t)&vio_q.used);
	vio_write(VIO_QUEUE_DEVICE_HIGH, 0);
	vio_write(VIO_QUEUE_READY, 1);
	return vio_read(VIO_QUEUE_READY) == 1 ? 0 : -1;
}

int vio_blk_init(uint32_t extra)
{
	if (check_device())
		return -1;
	vio_reset();
	vio_write(VIO_STATUS, VIO_S_ACKNOWLEDGE);
	vio_write(VIO_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER);
	if (negotiate(extra) || setup_queue())
		return -1;
	vio_write(VIO_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER |
				      VIO_S_FEATURES_OK | VIO_S_DRIVER_OK);
	return 0;
}

int vio_submit(uint16_t head)
{
	volatile uint16_t *used_idx = &vio_q.used.idx;
	uint16_t idx = vio_q.avail.idx;

	vio_q.avail.ring[idx % VIO_QSIZE] = head;
	__asm__ volatile("" ::: "memory");
	*(volatile uint16_t *)&vio_q.avail.idx = (uint16_t)(idx + 1);
	vio_write(VIO_QUEUE_NOTIFY, 0);
	for (unsigned spin = 0; spin < 1000; spin++) {
		if (*used_idx != vio_q.last_used) {
			vio_q.last_used++;
			return 0;
		}
	}
	return -1;
}

int vio_blk_request(uint32_t type, uint64_t sector, void *data, uint32_t len,
		    uint32_t *used_len)
{
	uint16_t n = 0;
	uint32_t slot;

	req_hdr.type = type;
	req_hdr.reserved = 0;
	req_hdr.sector = sector;
	req_status = 0xff;
	vio_q.desc[0] =
		(struct vio_desc){(uint32_t)&req_hdr, 16, VIO_DESC_NEXT, 1};
	if (len) {
		n = 1;
		vio_q.desc[1] = (struct vio_desc){
			(uint32_t)data, len,
			VIO_DESC_NEXT |
				(type == VIO_BLK_T_OUT ? 0 : VIO_DESC_WRITE),
			2};
	}
	vio_q.desc[n].next = (uint16_t)(n + 1);
	vio_q.desc[n + 1] =
		(struct vio_desc){(uint32_t)&req_status, 1, VIO_DESC_WRITE, 0};
	slot = vio_q.last_used % VIO_QSIZE;
	if (vio_submit(0))
		return -1;
	if (used_len)
		*used_len = vio_q.used.ring[slot].len;
	return req_status;
}
