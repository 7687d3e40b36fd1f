/*
 * drivers/virt/virtio_blk.c - virtio-blk requests: IN, OUT, FLUSH,
 * GET_ID, each answered with a status byte.
 * Pure logic; runs in the VM exit of a queue notify, and on the host in
 * tests/unit/test_virtio_blk.c.
 * virtio 1.1 spec: "Block Device", "Message Framing".
 *
 * A request is one descriptor chain. Its device-readable bytes are the
 * 16-byte header, then (OUT) the data; its device-writable bytes are
 * (IN, GET_ID) the data, then the status byte, last. The bytes may be
 * split over the buffers in any way ("Message Framing"), so they are
 * read as one stream per direction (virtq_chain_read/write). A request
 * we cannot do gets S_IOERR or S_UNSUPP; a chain without a writable
 * status byte cannot be answered at all: that is a broken driver, and
 * the device needs a reset.
 */
#include "drivers/virt/virtio_blk.h"
#include "lib/string.h"

static struct virtio_blk *to_blk(void *dev)
{
	return dev;
}

static uint64_t blk_features(void *dev)
{
	struct virtio_blk *b = to_blk(dev);

	return VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE |
	       VIRTIO_BLK_F_FLUSH | VIRTIO_F_INDIRECT_DESC |
	       VIRTIO_F_EVENT_IDX |
	       (b->backend->read_only ? VIRTIO_BLK_F_RO : 0);
}

static void put_le(uint8_t *cfg, unsigned off, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static void blk_config_read(void *dev, uint32_t off, void *buf, unsigned size)
{
	struct virtio_blk *b = to_blk(dev);
	uint8_t cfg[VIRTIO_BLK_CFG_SIZE] = {0};

	put_le(cfg, VIRTIO_BLK_CFG_CAPACITY, b->backend->sectors, 8);
	put_le(cfg, VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX, 4);
	put_le(cfg, VIRTIO_BLK_CFG_BLK_SIZE, BLK_SECTOR_SIZE, 4);
	memset(buf, 0, size);
	for (unsigned i = 0; i < size; i++)
		if ((uint64_t)off + i < sizeof(cfg))
			((uint8_t *)buf)[i] = cfg[off + i];
}

static void blk_reset(void *dev)
{
	UNUSED(dev); /* requests are done inside the notify: none pending */
}

/* ---- data transfers ----------------------------------------------------- */

/* The guest's buffer for sectors [i, i + n) of the data at byte base of
 * the chain's writable (or readable) part, when they lie in one buffer;
 * else NULL. */
static uint8_t *blk_ptr(const struct virtq_chain *c, bool to_guest,
			uint64_t base, uint32_t i, uint32_t n)
{
	uint64_t off = base + (uint64_t)i * BLK_SECTOR_SIZE;
	uint64_t len = (uint64_t)n * BLK_SECTOR_SIZE;

	if (to_guest)
		return virtq_chain_write_ptr(c, off, len);
	return (uint8_t *)virtq_chain_read_ptr(c, off, len);
}

/*
 * The most sectors from sector i (at most max) that lie in one buffer
 * of the guest's, found by bisection, and where they are: a request
 * then reaches the backend as one call per buffer, not per sector. 0
 * when sector i itself is split across buffers.
 */
static uint32_t blk_run(const struct virtq_chain *c, bool to_guest,
			uint64_t base, uint32_t i, uint32_t max, uint8_t **p)
{
	uint32_t lo = 1, hi = max;

	*p = blk_ptr(c, to_guest, base, i, 1);
	if (!*p)
		return 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;

		if (blk_ptr(c, to_guest, base, i, mid))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* IN: sectors from the backend into the writable part, a buffer's run
 * at a time (a sector split across buffers through the bounce). */
static int blk_read(struct virtio_blk *b, uint64_t sector, uint32_t count)
{
	for (uint32_t i = 0; i < count;) {
		uint8_t *p;
		uint32_t n = blk_run(&b->chain, true, 0, i, count - i, &p);

		if (n) {
			if (b->backend->read(b->backend, sector + i, p, n))
				return -1;
			i += n;
			continue;
		}
		if (b->backend->read(b->backend, sector + i, b->bounce, 1))
			return -1;
		virtq_chain_write(&b->chain, (uint64_t)i * BLK_SECTOR_SIZE,
				  b->bounce, BLK_SECTOR_SIZE);
		i++;
	}
	return 0;
}

/* OUT: sectors from the readable part (after the header) to the
 * backend, a buffer's run at a time. */
static int blk_write(struct virtio_blk *b, uint64_t sector, uint32_t count)
{
	for (uint32_t i = 0; i < count;) {
		uint8_t *p;
		uint32_t n = blk_run(&b->chain, false, VIRTIO_BLK_HDR_SIZE, i,
				     count - i, &p);

		if (!n) {
			virtq_chain_read(&b->chain,
					 VIRTIO_BLK_HDR_SIZE +
						 (uint64_t)i * BLK_SECTOR_SIZE,
					 b->bounce, BLK_SECTOR_SIZE);
			p = b->bounce;
			n = 1;
		}
		if (b->backend->write(b->backend, sector + i, p, n))
			return -1;
		i += n;
	}
	return 0;
}

/* ---- one request ---------------------------------------------------- */

struct blk_req {
	uint32_t type;
	uint64_t sector;
	uint64_t data;	  /* bytes of data (IN: room for it) */
	uint32_t written; /* bytes written into the writable part */
};

/* IN and OUT: whole sectors, within the disk. */
static uint8_t blk_rw(struct virtio_blk *b, struct blk_req *r)
{
	uint64_t count = r->data / BLK_SECTOR_SIZE;
	struct blk_backend *be = b->backend;

	if (r->data % BLK_SECTOR_SIZE || count > be->sectors ||
	    r->sector > be->sectors - count)
		return VIRTIO_BLK_S_IOERR;
	if (r->type == VIRTIO_BLK_T_IN) {
		if (blk_read(b, r->sector, (uint32_t)count))
			return VIRTIO_BLK_S_IOERR;
		r->written = (uint32_t)r->data;
		return VIRTIO_BLK_S_OK;
	}
	if (be->read_only || blk_write(b, r->sector, (uint32_t)count))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_get_id(struct virtio_blk *b, struct blk_req *r)
{
	char id[VIRTIO_BLK_ID_BYTES] = {0};
	size_t n = (size_t)MIN(r->data, (uint64_t)sizeof(id));

	for (size_t i = 0; i < sizeof(id) && b->backend->name[i]; i++)
		id[i] = b->backend->name[i];
	r->written = (uint32_t)virtq_chain_write(&b->chain, 0, id, n);
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_do(struct virtio_blk *b, struct blk_req *r)
{
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: return blk_rw(b, r);
	case VIRTIO_BLK_T_FLUSH:
		return b->backend->flush(b->backend) ? VIRTIO_BLK_S_IOERR
						     : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID: return blk_get_id(b, r);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* One chain: false when it cannot be answered (no status byte). */
static bool blk_request(struct virtio_blk *b, struct virtq *q)
{
	struct virtq_chain *c = &b->chain;
	uint8_t hdr[VIRTIO_BLK_HDR_SIZE], status;
	struct blk_req r = {0};

	if (c->write_bytes == 0) {
		virtio_mmio_fail(&b->mmio,
				 "queue %u: request %u has no writable status "
				 "byte",
				 q->index, c->head);
		return false;
	}
	if (virtq_chain_read(c, 0, hdr, sizeof(hdr)) < sizeof(hdr)) {
		status = VIRTIO_BLK_S_IOERR;
	} else {
		memcpy(&r.type, hdr, 4);
		memcpy(&r.sector, hdr + 8, 8);
		r.data = r.type == VIRTIO_BLK_T_OUT
				 ? c->read_bytes - VIRTIO_BLK_HDR_SIZE
				 : c->write_bytes - 1;
		status = blk_do(b, &r);
	}
	virtq_chain_write(c, c->write_bytes - 1, &status, 1);
	b->requests++;
	if (status != VIRTIO_BLK_S_OK)
		b->errors++;
	virtq_push(q, c->head, r.written + 1);
	return true;
}

/* At most a queue's worth of requests per notify: the driver cannot
 * keep the CPU in the hypervisor by adding requests as we go. */
static void blk_notify(void *dev, struct virtio_mmio *m, struct virtq *q)
{
	struct virtio_blk *b = to_blk(dev);
	uint16_t old_used = q->used_idx;

	for (unsigned n = 0; n < q->size; n++) {
		if (virtq_pop(q, &b->chain) != VIRTQ_CHAIN ||
		    !blk_request(b, q))
			break;
	}
	virtio_mmio_used(m, q, old_used);
}

static const struct virtio_device_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.queue_count = 1,
	.features = blk_features,
	.config_read = blk_config_read,
	.queue_notify = blk_notify,
	.reset = blk_reset,
};

void virtio_blk_init(struct virtio_blk *b, struct blk_backend *backend,
		     const char *name, gpa_t base, const struct guest_ram *ram)
{
	memset(b, 0, sizeof(*b));
	b->backend = backend;
	virtio_mmio_init(&b->mmio, &virtio_blk_ops, b, name, base, ram);
}
