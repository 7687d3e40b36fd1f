/*
 * drivers/virt/virtio_blk.c - virtio-blk requests: IN, OUT, FLUSH,
 * GET_ID, each answered with a status byte.
 * Pure logic; see drivers/virt/virtio_blk.h for where it runs.
 * virtio 1.1 spec: "Block Device", "Message Framing", "Device Reset".
 *
 * A request is one descriptor chain. Its device-readable bytes are the
 * 16-byte header, then (OUT) the data; its device-writable bytes are
 * (IN, GET_ID) the data, then the status byte, last. The bytes may be
 * split over the buffers in any way ("Message Framing"), so they are
 * read as one stream per direction (virtq_chain_read/write). A request
 * we cannot do gets S_IOERR or S_UNSUPP; a chain without a writable
 * status byte cannot be answered at all: that is a broken driver, and
 * the device needs a reset.
 *
 * A request taken off the queue gets a slot until it is answered. When
 * every buffer of the data holds whole sectors and the backend takes a
 * list of buffers (a raw image), the data moves as one backend request
 * (scatter-gather: on an IDE disk, one PRD table gathers from or
 * scatters into the guest's pages). Else it moves as one backend request
 * per buffer (a run of whole sectors in one buffer), one after the
 * other, and a sector split across buffers goes through the slot's
 * bounce sector. Slots finish in any order: the used ring says which
 * request each answer is for.
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

/* Device reset: requests still on the backend finish there (their
 * buffers stay valid: the slots are ours), but are not answered. */
static void blk_reset(void *dev)
{
	struct virtio_blk *b = to_blk(dev);

	b->signalled = 0; /* the queue's used index starts again at 0 */

	for (unsigned i = 0; i < VIRTIO_BLK_SLOTS; i++)
		if (b->slots[i].busy)
			b->slots[i].orphan = true;
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
 * then reaches the backend as one request per buffer, not per sector.
 * 0 when sector i itself is split across buffers.
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

/* Byte offset of data sector i in the chain's part it moves in. */
static uint64_t data_off(const struct virtio_blk_slot *s, uint32_t i)
{
	return (s->type == VIRTIO_BLK_T_OUT ? VIRTIO_BLK_HDR_SIZE : 0) +
	       (uint64_t)i * BLK_SECTOR_SIZE;
}

/*
 * The data's buffers as a list in s->segs, when each holds whole
 * sectors: the writable buffers (IN) up to the status byte, or the
 * readable ones (OUT) after the header. False when one does not (a
 * sector split across buffers) or there are none.
 */
static bool slot_gather(struct virtio_blk_slot *s)
{
	const struct virtq_chain *c = &s->chain;
	bool in = s->type == VIRTIO_BLK_T_IN;
	unsigned first = in ? c->readable : 0;
	unsigned end = in ? c->readable + c->writable : c->readable;
	uint64_t skip = in ? 0 : VIRTIO_BLK_HDR_SIZE;
	uint64_t want = (uint64_t)s->count * BLK_SECTOR_SIZE;

	s->nsegs = 0;
	for (unsigned i = first; i < end && want; i++) {
		uint64_t len = c->seg[i].len, take;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		take = MIN(len - skip, want);
		if (take % BLK_SECTOR_SIZE)
			return false;
		s->segs[s->nsegs++] = (struct sector_seg){
			.buf = c->seg[i].p + skip,
			.bytes = (uint32_t)take,
		};
		want -= take;
		skip = 0;
	}
	return s->nsegs && !want;
}

/* Submit the next run of an IN or OUT (sectors from s->done). */
static void slot_transfer(struct virtio_blk *b, struct virtio_blk_slot *s)
{
	bool in = s->type == VIRTIO_BLK_T_IN;
	uint8_t *p;
	uint32_t n;

	s->io_busy = true;
	if (s->gathered) { /* all of it at once */
		s->n = s->count;
		blk_submit_sg(b->backend, &s->io, in ? BLK_READ : BLK_WRITE,
			      s->sector, s->segs, s->nsegs, s->count);
		return;
	}
	n = blk_run(&s->chain, in, in ? 0 : VIRTIO_BLK_HDR_SIZE, s->done,
		    s->count - s->done, &p);
	s->bounced = n == 0;
	if (s->bounced) {
		p = s->bounce;
		n = 1;
		if (!in)
			virtq_chain_read(&s->chain, data_off(s, s->done),
					 s->bounce, BLK_SECTOR_SIZE);
	}
	s->n = n;
	blk_submit(b->backend, &s->io, in ? BLK_READ : BLK_WRITE,
		   s->sector + s->done, p, n);
}

/* The backend answered s->io: true when the request is over (status
 * set), false when the next backend request went out. */
static bool slot_io_done(struct virtio_blk_slot *s)
{
	s->io_busy = false;
	if (s->io.status) {
		s->status = VIRTIO_BLK_S_IOERR;
		return true;
	}
	if (s->type == VIRTIO_BLK_T_FLUSH) {
		s->status = VIRTIO_BLK_S_OK;
		return true;
	}
	if (s->bounced && s->type == VIRTIO_BLK_T_IN)
		virtq_chain_write(&s->chain, data_off(s, s->done), s->bounce,
				  BLK_SECTOR_SIZE);
	s->done += s->n;
	return false;
}

/* Everything s can do now: true once it is answered (status set). */
static bool slot_advance(struct virtio_blk *b, struct virtio_blk_slot *s)
{
	for (;;) {
		if (s->io_busy) {
			if (!blk_io_finished(&s->io))
				return false; /* on the backend */
			if (slot_io_done(s))
				return true;
		}
		if (s->type == VIRTIO_BLK_T_FLUSH) {
			s->io_busy = true;
			blk_submit(b->backend, &s->io, BLK_FLUSH, 0, NULL, 0);
			continue;
		}
		if (s->done == s->count) {
			s->status = VIRTIO_BLK_S_OK;
			if (s->type == VIRTIO_BLK_T_IN)
				s->written = s->count * BLK_SECTOR_SIZE;
			return true;
		}
		slot_transfer(b, s);
	}
}

/* ---- starting and answering requests ------------------------------------ */

static uint8_t blk_get_id(struct virtio_blk *b, struct virtio_blk_slot *s,
			  uint64_t room)
{
	char id[VIRTIO_BLK_ID_BYTES] = {0};
	size_t n = (size_t)MIN(room, (uint64_t)sizeof(id));

	for (size_t i = 0; i < sizeof(id) && b->backend->name[i]; i++)
		id[i] = b->backend->name[i];
	s->written = (uint32_t)virtq_chain_write(&s->chain, 0, id, n);
	return VIRTIO_BLK_S_OK;
}

/* IN and OUT: whole sectors, within the disk; writes to a writable
 * one. 0 when the transfer may start, else the status to answer. */
static uint8_t blk_rw_check(struct virtio_blk *b, struct virtio_blk_slot *s,
			    uint64_t bytes)
{
	uint64_t count = bytes / BLK_SECTOR_SIZE;
	const struct blk_backend *be = b->backend;

	if (bytes % BLK_SECTOR_SIZE || count > be->sectors ||
	    s->sector > be->sectors - count ||
	    (s->type == VIRTIO_BLK_T_OUT && be->read_only))
		return VIRTIO_BLK_S_IOERR;
	s->count = (uint32_t)count;
	return VIRTIO_BLK_S_OK;
}

/* What the header asks; true when s is answered at once (status set),
 * false when it went to the backend. */
static bool slot_start(struct virtio_blk *b, struct virtio_blk_slot *s)
{
	struct virtq_chain *c = &s->chain;
	uint8_t hdr[VIRTIO_BLK_HDR_SIZE];

	if (virtq_chain_read(c, 0, hdr, sizeof(hdr)) < sizeof(hdr)) {
		s->status = VIRTIO_BLK_S_IOERR;
		return true;
	}
	memcpy(&s->type, hdr, 4);
	memcpy(&s->sector, hdr + 8, 8);
	switch (s->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		s->status = blk_rw_check(b, s,
					 s->type == VIRTIO_BLK_T_OUT
						 ? c->read_bytes -
							   VIRTIO_BLK_HDR_SIZE
						 : c->write_bytes - 1);
		if (s->status != VIRTIO_BLK_S_OK)
			return true;
		s->gathered = b->backend->sg && slot_gather(s);
		break;
	case VIRTIO_BLK_T_FLUSH: break;
	case VIRTIO_BLK_T_GET_ID:
		s->status = blk_get_id(b, s, c->write_bytes - 1);
		return true;
	default: s->status = VIRTIO_BLK_S_UNSUPP; return true;
	}
	return slot_advance(b, s);
}

/* The status byte, last in the writable part, and the used entry. */
static void slot_answer(struct virtio_blk *b, struct virtio_blk_slot *s,
			struct virtq *q)
{
	if (!s->orphan) {
		virtq_chain_write(&s->chain, s->chain.write_bytes - 1,
				  &s->status, 1);
		b->requests++;
		if (s->status != VIRTIO_BLK_S_OK)
			b->errors++;
		virtq_push(q, s->chain.head, s->written + 1);
	}
	s->busy = false;
	__atomic_store_n(&b->busy, b->busy - 1, __ATOMIC_RELAXED);
}

/* A new request in s (its chain just popped). */
static void slot_clear(struct virtio_blk_slot *s)
{
	s->busy = true;
	s->orphan = false;
	s->type = 0;
	s->sector = 0;
	s->count = s->done = s->n = 0;
	s->bounced = s->io_busy = s->gathered = false;
	s->nsegs = 0;
	s->status = VIRTIO_BLK_S_IOERR;
	s->written = 0;
}

static struct virtio_blk_slot *free_slot(struct virtio_blk *b)
{
	for (unsigned i = 0; i < VIRTIO_BLK_SLOTS; i++)
		if (!b->slots[i].busy)
			return &b->slots[i];
	return NULL;
}

/* The queue may be worked on: the driver is ready and nothing broke. */
static bool queue_live(const struct virtio_blk *b, const struct virtq *q)
{
	return (b->mmio.status & VIRTIO_STATUS_DRIVER_OK) &&
	       !b->mmio.broken[0] && q->enabled && !q->broken;
}

/* Take the next request into a free slot and start it; false when
 * there is no room, no request, or the chain cannot be answered. */
static bool take_request(struct virtio_blk *b, struct virtq *q)
{
	struct virtio_blk_slot *s = free_slot(b);

	if (!s || !queue_live(b, q))
		return false;
	/* with requests on the backend, the next poll looks at the ring */
	virtq_set_quiet(q, b->busy != 0);
	if (virtq_pop(q, &s->chain) != VIRTQ_CHAIN)
		return false;
	if (s->chain.write_bytes == 0) {
		virtio_mmio_fail(&b->mmio,
				 "queue %u: request %u has no writable status "
				 "byte",
				 q->index, s->chain.head);
		return false;
	}
	slot_clear(s);
	__atomic_store_n(&b->busy, b->busy + 1, __ATOMIC_RELAXED);
	if (slot_start(b, s))
		slot_answer(b, s, q);
	return true;
}

/* Answer the slots the backend has finished; true if any. */
static bool answer_finished(struct virtio_blk *b, struct virtq *q)
{
	bool moved = false;

	for (unsigned i = 0; i < VIRTIO_BLK_SLOTS; i++) {
		struct virtio_blk_slot *s = &b->slots[i];

		if (s->busy && slot_advance(b, s)) {
			slot_answer(b, s, q);
			moved = true;
		}
	}
	return moved;
}

/* The interrupt for the answers since the last one, if the driver
 * wants it and none should wait for others (VIRTIO_BLK_COALESCE). */
static void blk_signal(struct virtio_blk *b, struct virtq *q)
{
	uint16_t waiting = (uint16_t)(q->used_idx - b->signalled);

	if (!waiting)
		return;
	if (b->held_since == UINT64_MAX) /* the first answer since then */
		b->held_since = b->now;
	if (b->busy && b->hold_ticks && waiting < VIRTIO_BLK_COALESCE &&
	    b->now - b->held_since < b->hold_ticks)
		return; /* more answers are coming: one interrupt for all */
	virtio_mmio_used(&b->mmio, q, b->signalled);
	b->signalled = q->used_idx;
	b->held_since = UINT64_MAX;
}

/*
 * Answer the slots the backend has finished, then take requests into
 * free slots, until nothing moves; at most a queue's worth of new
 * requests per call, so that a driver adding requests as we go cannot
 * keep the CPU here. While requests are on the backend, the driver need
 * not notify: the next poll looks at the ring. Then the interrupt.
 */
static void blk_work(struct virtio_blk *b)
{
	struct virtq *q = &b->mmio.queues[0];
	unsigned budget = q->size;
	bool moved;

	do {
		moved = answer_finished(b, q);
		while (budget && take_request(b, q)) {
			budget--;
			moved = true;
		}
	} while (moved && budget);
	if (q->broken)
		virtio_mmio_fail(&b->mmio, "queue %u: %s", q->index, q->error);
	blk_signal(b, q);
}

static void blk_notify(void *dev, struct virtio_mmio *m, struct virtq *q)
{
	UNUSED(m);
	UNUSED(q); /* one queue: blk_work's */
	blk_work(to_blk(dev));
}

bool virtio_blk_poll(struct virtio_blk *b, uint64_t now)
{
	if (!spin_trylock(&b->lock))
		return false;
	b->now = now;
	if (b->busy) {
		if (b->backend->poll)
			b->backend->poll(b->backend);
		blk_work(b);
	}
	spin_unlock(&b->lock);
	return true;
}

void virtio_blk_reset(struct virtio_blk *b)
{
	spin_lock(&b->lock);
	virtio_mmio_reset(&b->mmio);
	spin_unlock(&b->lock);
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
		     const char *name, gpa_t base, const struct guest_ram *ram,
		     uint64_t hold_ticks)
{
	memset(b, 0, sizeof(*b));
	b->backend = backend;
	b->hold_ticks = hold_ticks;
	b->held_since = UINT64_MAX;
	b->lock = (struct spinlock)SPINLOCK_INIT;
	virtio_mmio_init(&b->mmio, &virtio_blk_ops, b, name, base, ram);
}

/* ---- the window, under the lock ---------------------------------------- */

static uint64_t window_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_blk *b = opaque;
	uint64_t v;

	spin_lock(&b->lock);
	v = virtio_mmio_read(&b->mmio, offset, size);
	spin_unlock(&b->lock);
	return v;
}

static void window_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct virtio_blk *b = opaque;

	spin_lock(&b->lock);
	virtio_mmio_write(&b->mmio, offset, size, value);
	spin_unlock(&b->lock);
}

struct mmio_device virtio_blk_device(struct virtio_blk *b)
{
	struct mmio_device d = virtio_mmio_device(&b->mmio);

	d.read = window_read;
	d.write = window_write;
	d.opaque = b;
	return d;
}
