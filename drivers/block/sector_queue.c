/*
 * drivers/block/sector_queue.c - the queue of sector requests in front
 * of a one-command-at-a-time host disk driver.
 * Pure logic; see drivers/block/sector_queue.h.
 */
#include "drivers/block/sector_queue.h"

void sector_queue_init(struct sector_queue *q,
		       void (*start)(void *owner, struct sector_req *head),
		       void *owner)
{
	*q = (struct sector_queue){
		.lock = SPINLOCK_INIT,
		.start = start,
		.owner = owner,
	};
}

/* What the disk could never do: refused at submit, done not called. */
static bool req_valid(const struct sector_dev *dev,
		      const struct sector_req *req)
{
	if (req->op == SECTOR_FLUSH)
		return true;
	if (req->op != SECTOR_READ && req->op != SECTOR_WRITE)
		return false;
	return sector_req_buffers_ok(dev, req) && req->count &&
	       req->count <= dev->sectors &&
	       req->sector <= dev->sectors - req->count;
}

int sector_queue_submit(struct sector_queue *q, const struct sector_dev *dev,
			struct sector_req *req)
{
	if (!req->done || !req_valid(dev, req))
		return -1;
	req->next = NULL;
	spin_lock(&q->lock);
	if (q->tail)
		q->tail->next = req;
	else
		q->head = req;
	q->tail = req;
	if (q->head == req)
		q->start(q->owner, req);
	spin_unlock(&q->lock);
	return 0;
}

void sector_queue_done(struct sector_queue *q, int status)
{
	struct sector_req *req;

	spin_lock(&q->lock);
	req = q->head;
	q->head = req->next;
	if (!q->head)
		q->tail = NULL;
	if (q->head)
		q->start(q->owner, q->head);
	spin_unlock(&q->lock);
	req->next = NULL;
	req->done(req, status);
}
