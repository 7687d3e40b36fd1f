/*
 * drivers/virt/virtqueue.c - the device side of a split virtqueue.
 * Pure logic over guest RAM reached through struct guest_ram; runs in a
 * VM exit, and on the host in tests/unit/test_virtqueue.c and
 * tests/fuzz/fuzz_virtqueue.c.
 * virtio 1.1 spec: "Split Virtqueues", "Indirect Descriptors",
 * "Virtqueue Notification Suppression".
 *
 * Ring layout (offsets in bytes; N = queue size):
 *   available: flags(2) idx(2) ring[N](2 each) used_event(2)
 *   used:      flags(2) idx(2) ring[N](id 4, len 4) avail_event(2)
 * The guest can change its rings at any moment: every field is read
 * once into a local copy and checked there, never read twice.
 */
#include <stdarg.h>
#include "drivers/virt/virtqueue.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define RING_HDR 4 /* flags, idx */

static uint64_t avail_bytes(uint16_t n)
{
	return RING_HDR + 2ULL * n + 2;
}

static uint64_t used_bytes(uint16_t n)
{
	return RING_HDR + (uint64_t)VIRTQ_USED_ELEM_SIZE * n + 2;
}

static uint16_t load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

static void store32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELAXED);
}

__attribute__((format(printf, 2, 3))) static enum virtq_pop_status
virtq_fail(struct virtq *q, const char *fmt, ...)
{
	va_list ap;

	q->broken = true;
	va_start(ap, fmt);
	fmt_vsnprintf(q->error, sizeof(q->error), fmt, ap);
	va_end(ap);
	return VIRTQ_BROKEN;
}

void virtq_reset(struct virtq *q)
{
	unsigned index = q->index;

	memset(q, 0, sizeof(*q));
	q->index = index;
}

/* One ring: aligned and wholly in RAM; its host address in *out. */
static bool map_ring(struct virtq *q, const char *what, gpa_t gpa,
		     uint64_t bytes, uint64_t align, uint8_t **out)
{
	if (gpa % align) {
		virtq_fail(q, "%s ring at 0x%lx is not %lu-byte aligned", what,
			   (unsigned long)gpa, (unsigned long)align);
		return false;
	}
	*out = guest_ram_map(q->ram, gpa, bytes);
	if (!*out) {
		virtq_fail(q, "%s ring at 0x%lx (%lu bytes) is not in RAM",
			   what, (unsigned long)gpa, (unsigned long)bytes);
		return false;
	}
	return true;
}

bool virtq_enable(struct virtq *q, const struct guest_ram *ram)
{
	uint16_t n = q->size;

	q->ram = ram;
	q->last_avail = q->used_idx = 0;
	q->quiet = false;
	if (n == 0 || n > VIRTQ_SIZE_MAX || (n & (n - 1))) {
		virtq_fail(q, "size %u is not a power of 2 from 1 to %u", n,
			   VIRTQ_SIZE_MAX);
		return false;
	}
	if (!map_ring(q, "descriptor", q->desc_gpa,
		      (uint64_t)VIRTQ_DESC_SIZE * n, VIRTQ_DESC_ALIGN,
		      &q->desc) ||
	    !map_ring(q, "available", q->avail_gpa, avail_bytes(n),
		      VIRTQ_AVAIL_ALIGN, &q->avail) ||
	    !map_ring(q, "used", q->used_gpa, used_bytes(n), VIRTQ_USED_ALIGN,
		      &q->used))
		return false;
	q->enabled = true;
	return true;
}

/* ---- taking a chain ------------------------------------------------- */

/* Where a walk is: the table it reads (the ring's or an indirect one). */
struct walk {
	const uint8_t *table;
	unsigned table_size;
	unsigned steps; /* descriptors read from this table */
	bool indirect;	/* in an indirect table */
};

static enum virtq_pop_status add_seg(struct virtq *q, struct virtq_chain *c,
				     const struct virtq_desc *d, unsigned i)
{
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	uint8_t *p;

	if (d->len == 0)
		return virtq_fail(q, "descriptor %u of chain %u is empty", i,
				  c->head);
	if (!write && c->writable)
		return virtq_fail(q,
				  "descriptor %u of chain %u is readable after "
				  "a writable one",
				  i, c->head);
	if (c->readable + c->writable == VIRTQ_SEGS_MAX)
		return virtq_fail(q, "chain %u has more than %u buffers",
				  c->head, VIRTQ_SEGS_MAX);
	p = guest_ram_map(q->ram, d->addr, d->len);
	if (!p)
		return virtq_fail(q,
				  "descriptor %u of chain %u: buffer 0x%lx "
				  "(%u bytes) is not in RAM",
				  i, c->head, (unsigned long)d->addr, d->len);
	c->seg[c->readable + c->writable] = (struct virtq_seg){p, d->len};
	if (write) {
		c->writable++;
		c->write_bytes += d->len;
	} else {
		c->readable++;
		c->read_bytes += d->len;
	}
	return VIRTQ_CHAIN;
}

/* A descriptor with VIRTQ_DESC_F_INDIRECT: continue in its table. */
static enum virtq_pop_status enter_indirect(struct virtq *q,
					    const struct virtq_chain *c,
					    const struct virtq_desc *d,
					    unsigned i, struct walk *w)
{
	if (!q->indirect)
		return virtq_fail(q,
				  "descriptor %u of chain %u is indirect, but "
				  "VIRTIO_F_INDIRECT_DESC was not negotiated",
				  i, c->head);
	if (w->indirect)
		return virtq_fail(q,
				  "chain %u: an indirect table points to "
				  "another one",
				  c->head);
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return virtq_fail(q,
				  "descriptor %u of chain %u is indirect and "
				  "has NEXT set",
				  i, c->head);
	if (d->len == 0 || d->len % VIRTQ_DESC_SIZE ||
	    d->len / VIRTQ_DESC_SIZE > VIRTQ_INDIRECT_MAX)
		return virtq_fail(q,
				  "chain %u: indirect table of %u bytes is not "
				  "1 to %u descriptors",
				  c->head, d->len, VIRTQ_INDIRECT_MAX);
	w->table = guest_ram_map(q->ram, d->addr, d->len);
	if (!w->table)
		return virtq_fail(q,
				  "chain %u: indirect table 0x%lx (%u bytes) "
				  "is not in RAM",
				  c->head, (unsigned long)d->addr, d->len);
	w->table_size = d->len / VIRTQ_DESC_SIZE;
	w->steps = 0;
	w->indirect = true;
	return VIRTQ_CHAIN;
}

/* Follow the chain from head; every step bounded by the table's size,
 * so a loop ends as "longer than the table". */
static enum virtq_pop_status walk_chain(struct virtq *q, struct virtq_chain *c)
{
	struct walk w = {q->desc, q->size, 0, false};
	unsigned i = c->head;
	enum virtq_pop_status st;

	for (;;) {
		struct virtq_desc d;

		if (++w.steps > w.table_size)
			return virtq_fail(
				q,
				"chain %u loops or is longer than its "
				"table (%u descriptors)",
				c->head, w.table_size);
		memcpy(&d, w.table + (size_t)i * VIRTQ_DESC_SIZE, sizeof(d));
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			st = enter_indirect(q, c, &d, i, &w);
			i = 0;
			if (st != VIRTQ_CHAIN)
				return st;
			continue;
		}
		st = add_seg(q, c, &d, i);
		if (st != VIRTQ_CHAIN || !(d.flags & VIRTQ_DESC_F_NEXT))
			return st;
		if (d.next >= w.table_size)
			return virtq_fail(q,
					  "descriptor %u of chain %u: next %u "
					  "is not below %u",
					  i, c->head, d.next, w.table_size);
		i = d.next;
	}
}

/* How many entries the driver has made available beyond ours; with
 * VIRTIO_F_EVENT_IDX and not quiet, asks to be notified of the next one
 * first, then looks again. */
static uint16_t pending(struct virtq *q)
{
	uint16_t n = (uint16_t)(load16(q->avail + 2) - q->last_avail);

	if (n || !q->event_idx || q->quiet)
		return n;
	store16(q->used + RING_HDR + VIRTQ_USED_ELEM_SIZE * q->size,
		q->last_avail);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint16_t)(load16(q->avail + 2) - q->last_avail);
}

void virtq_set_quiet(struct virtq *q, bool quiet)
{
	if (!q->enabled || q->broken || q->quiet == quiet)
		return;
	q->quiet = quiet;
	if (!q->event_idx) /* the flag; event_idx: pending() */
		store16(q->used, quiet ? VIRTQ_USED_F_NO_NOTIFY : 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* before the next look */
}

enum virtq_pop_status virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	uint16_t n, head;

	if (q->broken)
		return VIRTQ_BROKEN;
	if (!q->enabled)
		return VIRTQ_EMPTY;
	n = pending(q);
	if (n == 0)
		return VIRTQ_EMPTY;
	if (n > q->size)
		return virtq_fail(q,
				  "available index %u is %u entries ahead of "
				  "ours (%u): more than the queue size %u",
				  (uint16_t)(q->last_avail + n), n,
				  q->last_avail, q->size);
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* ring entry after idx */
	head = load16(q->avail + RING_HDR + 2 * (q->last_avail % q->size));
	q->last_avail++;
	if (head >= q->size)
		return virtq_fail(q,
				  "available entry %u names descriptor %u, "
				  "not below the queue size %u",
				  (uint16_t)(q->last_avail - 1), head, q->size);
	c->head = head;
	c->readable = c->writable = 0;
	c->read_bytes = c->write_bytes = 0;
	return walk_chain(q, c);
}

/* ---- giving it back ------------------------------------------------- */

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t *e;

	if (!q->enabled || q->broken)
		return;
	e = q->used + RING_HDR +
	    (size_t)VIRTQ_USED_ELEM_SIZE * (q->used_idx % q->size);
	store32(e, head);
	store32(e + 4, len);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* element before idx */
	q->used_idx++;
	store16(q->used + 2, q->used_idx);
}

bool virtq_wants_interrupt(const struct virtq *q, uint16_t old_used)
{
	uint16_t used_event, now = q->used_idx;

	if (!q->enabled || now == old_used)
		return false;
	if (!q->event_idx)
		return !(load16(q->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	/* vring_need_event: did used->idx pass used_event? */
	used_event = load16(q->avail + RING_HDR + 2 * q->size);
	return (uint16_t)(now - used_event - 1) < (uint16_t)(now - old_used);
}

/* ---- the bytes of a chain ------------------------------------------- */

/* The buffer holding byte off of segments [first, first+count), and the
 * offset into it; NULL past the end. */
static const struct virtq_seg *seg_at(const struct virtq_chain *c,
				      unsigned first, unsigned count,
				      uint64_t *off)
{
	for (unsigned i = first; i < first + count; i++) {
		if (*off < c->seg[i].len)
			return &c->seg[i];
		*off -= c->seg[i].len;
	}
	return NULL;
}

static size_t copy(const struct virtq_chain *c, bool to_chain, uint64_t off,
		   uint8_t *buf, size_t len)
{
	unsigned first = to_chain ? c->readable : 0;
	unsigned count = to_chain ? c->writable : c->readable;
	size_t done = 0;

	while (done < len) {
		uint64_t in = off + done;
		const struct virtq_seg *s = seg_at(c, first, count, &in);
		size_t n;

		if (!s)
			break;
		n = (size_t)MIN((uint64_t)(len - done), s->len - in);
		if (to_chain)
			memcpy(s->p + in, buf + done, n);
		else
			memcpy(buf + done, s->p + in, n);
		done += n;
	}
	return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *buf,
			size_t len)
{
	return copy(c, false, off, buf, len);
}

size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off,
			 const void *buf, size_t len)
{
	return copy(c, true, off, (uint8_t *)buf, len);
}

static uint8_t *span_ptr(const struct virtq_chain *c, unsigned first,
			 unsigned count, uint64_t off, size_t len)
{
	const struct virtq_seg *s = seg_at(c, first, count, &off);

	if (!s || len > s->len - off)
		return NULL;
	return s->p + off;
}

uint8_t *virtq_chain_write_ptr(const struct virtq_chain *c, uint64_t off,
			       size_t len)
{
	return span_ptr(c, c->readable, c->writable, off, len);
}

const uint8_t *virtq_chain_read_ptr(const struct virtq_chain *c, uint64_t off,
				    size_t len)
{
	return span_ptr(c, 0, c->readable, off, len);
}
