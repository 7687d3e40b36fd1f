/*
 * tests/guests/lib/virtio/blk.c - the test guests' virtio-blk driver on
 * the transport of mmio.c: the disk at the first virtio-mmio window,
 * queue 0, one request at a time. Linked only into the virtio guests
 * (tests/guests/guests.mk).
 * Runs in the guest (see virtio.h).
 * virtio 1.1 spec: "Block Device".
 */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

struct vio_dev vio_blk = {VIO_BASE, VIO_ID_BLK, "virtio-blk"};
struct vio_queue vio_q __attribute__((aligned(4096)));

/* One request's header and status, in guest memory. */
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} req_hdr __attribute__((aligned(16)));
static volatile uint8_t req_status;

uint32_t vio_read(uint32_t off)
{
	return vio_dev_read(&vio_blk, off);
}

void vio_write(uint32_t off, uint32_t v)
{
	vio_dev_write(&vio_blk, off, v);
}

void vio_reset(void)
{
	vio_write(VIO_STATUS, 0);
	memset(&vio_q, 0, sizeof(vio_q));
}

int vio_blk_init(uint32_t extra)
{
	if (vio_dev_probe(&vio_blk))
		return -1;
	vio_reset();
	if (vio_dev_negotiate(&vio_blk, 0, VIO_F_BLK_FLUSH | extra) ||
	    vio_queue_setup(&vio_blk, 0, &vio_q))
		return -1;
	vio_dev_driver_ok(&vio_blk);
	return 0;
}

int vio_submit(uint16_t head)
{
	return vio_queue_submit(&vio_blk, 0, &vio_q, head, NULL);
}

int vio_blk_request(uint32_t type, uint64_t sector, void *data, uint32_t len,
		    uint32_t *used_len)
{
	uint16_t n = 0;

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
	if (vio_queue_submit(&vio_blk, 0, &vio_q, 0, used_len))
		return -1;
	return req_status;
}
