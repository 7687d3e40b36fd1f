/*
 * tests/guests/virtio-garbage.c - a hostile virtio driver: puts garbage
 * in its queue (a chain that loops, descriptors that point outside its
 * RAM or across its end, huge and zero lengths, a readable buffer after
 * a writable one, no status byte, a looping indirect table, indirect
 * descriptors it did not negotiate, an available index far ahead, a
 * descriptor index beyond the queue, rings outside RAM) and checks that
 * each time the device sets DEVICE_NEEDS_RESET and gives nothing back;
 * after each, a reset makes the device work again. Then bad requests
 * (beyond the end, a short header, an unknown type) must get IOERR or
 * UNSUPP without breaking the device. Last, an ADD to a device register
 * (not a MOV) must stop the VM with a message.
 * Runs as a Multiboot2 guest under the hypervisor with a disk
 * (docs/virtio.md).
 */
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

const char guest_name[] = "virtio-garbage";

static uint8_t data[512] __attribute__((aligned(16)));
static struct vio_desc table[4] __attribute__((aligned(16)));
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} hdr __attribute__((aligned(16)));
static uint8_t status;
static unsigned failures;
static uint32_t ram_end;

static void fresh(uint32_t extra)
{
	if (vio_blk_init(extra)) {
		gprintf("virtio-garbage: FAILED: the device does not start "
			"again after a reset\n");
		failures++;
	}
}

static struct vio_desc desc(uint64_t addr, uint32_t len, uint16_t flags,
			    uint16_t next)
{
	return (struct vio_desc){addr, len, flags, next};
}

/* A well-formed IN request of sector 0 in descriptors 0-2. */
static void good_chain(void)
{
	hdr.type = VIO_BLK_T_IN;
	hdr.sector = 0;
	vio_q.desc[0] = desc((uint32_t)&hdr, 16, VIO_DESC_NEXT, 1);
	vio_q.desc[1] =
		desc((uint32_t)data, 512, VIO_DESC_NEXT | VIO_DESC_WRITE, 2);
	vio_q.desc[2] = desc((uint32_t)&status, 1, VIO_DESC_WRITE, 0);
}

/* After garbage: NEEDS_RESET, nothing on the used ring. */
static void expect_reset(const char *what, int submitted)
{
	uint32_t st = vio_read(VIO_STATUS);

	if ((st & VIO_S_NEEDS_RESET) && submitted != 0 && vio_q.used.idx == 0) {
		gprintf("virtio-garbage: %s: DEVICE_NEEDS_RESET\n", what);
	} else {
		gprintf("virtio-garbage: FAILED: %s: status 0x%02x, used "
			"index %u\n",
			what, st, vio_q.used.idx);
		failures++;
	}
}

static void chain_garbage(void)
{
	fresh(0);
	good_chain();
	vio_q.desc[1] = desc((uint32_t)data, 512, VIO_DESC_NEXT, 0);
	expect_reset("chain that loops", vio_submit(0));
	fresh(0);
	expect_reset("head beyond the queue size", vio_submit(200));
	fresh(0);
	good_chain();
	vio_q.desc[1].addr = 0xf0000000u;
	expect_reset("buffer outside RAM", vio_submit(0));
	fresh(0);
	good_chain();
	vio_q.desc[1].addr = ram_end - 256;
	expect_reset("buffer across the end of RAM", vio_submit(0));
	fresh(0);
	good_chain();
	vio_q.desc[1].len = 0xffffffffu;
	expect_reset("buffer of 4 GiB", vio_submit(0));
	fresh(0);
	good_chain();
	vio_q.desc[1].len = 0;
	expect_reset("empty buffer", vio_submit(0));
}

static void direction_garbage(void)
{
	fresh(0);
	good_chain();
	vio_q.desc[0] =
		desc((uint32_t)data, 512, VIO_DESC_NEXT | VIO_DESC_WRITE, 1);
	vio_q.desc[1] = desc((uint32_t)&hdr, 16, VIO_DESC_NEXT, 2);
	expect_reset("readable buffer after a writable one", vio_submit(0));
	fresh(0);
	good_chain();
	vio_q.desc[1].flags = VIO_DESC_NEXT;
	vio_q.desc[2].flags = 0;
	expect_reset("no writable status byte", vio_submit(0));
}

static void indirect_garbage(void)
{
	fresh(VIO_F_INDIRECT);
	table[0] = desc((uint32_t)&hdr, 16, VIO_DESC_NEXT, 1);
	table[1] = desc((uint32_t)data, 512, VIO_DESC_NEXT | VIO_DESC_WRITE, 2);
	table[2] =
		desc((uint32_t)&status, 1, VIO_DESC_NEXT | VIO_DESC_WRITE, 3);
	table[3] =
		desc((uint32_t)&status, 1, VIO_DESC_NEXT | VIO_DESC_WRITE, 2);
	vio_q.desc[0] =
		desc((uint32_t)table, sizeof(table), VIO_DESC_INDIRECT, 0);
	expect_reset("indirect table that loops", vio_submit(0));
	fresh(0);
	table[2].flags = VIO_DESC_WRITE;
	vio_q.desc[0] = desc((uint32_t)table, 3 * sizeof(table[0]),
			     VIO_DESC_INDIRECT, 0);
	expect_reset("indirect descriptor not negotiated", vio_submit(0));
}

static void ring_garbage(void)
{
	fresh(0);
	good_chain();
	vio_q.avail.idx = 100;
	expect_reset("available index 100 ahead", vio_submit(0));
	vio_reset();
	vio_write(VIO_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER);
	vio_write(VIO_DRIVER_FEAT_SEL, 1);
	vio_write(VIO_DRIVER_FEATURES, VIO_F_VERSION_1_HI);
	vio_write(VIO_STATUS,
		  VIO_S_ACKNOWLEDGE | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	vio_write(VIO_QUEUE_SEL, 0);
	vio_write(VIO_QUEUE_NUM, VIO_QSIZE);
	vio_write(VIO_QUEUE_DESC_LOW, 0xe0000000u);
	vio_write(VIO_QUEUE_READY, 1);
	expect_reset("descriptor table outside RAM",
		     vio_read(VIO_QUEUE_READY) == 0 ? 1 : 0);
}

/* Bad requests: errors in the status byte; the device keeps working. */
static void request_garbage(void)
{
	fresh(0);
	if (vio_blk_request(VIO_BLK_T_IN, 1u << 30, data, 512, NULL) !=
		    VIO_BLK_S_IOERR ||
	    vio_blk_request(12345, 0, data, 512, NULL) != VIO_BLK_S_UNSUPP ||
	    vio_blk_request(VIO_BLK_T_IN, 0, data, 512, NULL) != VIO_BLK_S_OK ||
	    data[1] != disk_pattern(0, 1) ||
	    (vio_read(VIO_STATUS) & VIO_S_NEEDS_RESET)) {
		gprintf("virtio-garbage: FAILED: bad requests\n");
		failures++;
		return;
	}
	gprintf("virtio-garbage: bad requests: IOERR and UNSUPP, and the "
		"device still works\n");
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;

	gprintf("virtio-garbage: starting\n");
	if (mb2_view(magic, info, &v))
		return 1;
	ram_end = (uint32_t)v.ram_end;
	chain_garbage();
	direction_garbage();
	indirect_garbage();
	ring_garbage();
	request_garbage();
	if (failures) {
		gprintf("virtio-garbage: %u checks FAILED\n", failures);
		return 1;
	}
	gprintf("virtio-garbage: all garbage contained\n");
	gprintf("virtio-garbage: now an ADD to a device register: expect the "
		"VM to be stopped\n");
	__asm__ volatile("addl $1, (%0)"
			 :
			 : "r"(VIO_BASE + VIO_STATUS)
			 : "memory");
	gprintf("virtio-garbage: FAILED: still running after the ADD\n");
	return 1;
}
