/*
 * drivers/block/sector_queue.h - the queue of sector requests in front
 * of a host disk driver that takes one command at a time (the ATA
 * driver's drive, the AHCI driver's port): submit checks a request and
 * queues it, the head goes to the driver (the driver's `start`), and the
 * driver's completion (sector_queue_done, from its poll) finishes the
 * head and hands on the next. drivers/block/ata_disk.c and ahci_disk.c
 * are this queue plus the translation into their driver's request.
 * Any CPU; the queue's lock guards it (done is called without it).
 * Pure logic, also built into the host unit tests.
 */
#ifndef DRIVERS_BLOCK_SECTOR_QUEUE_H
#define DRIVERS_BLOCK_SECTOR_QUEUE_H

#include "drivers/block/sector_dev.h"
#include "lib/spinlock.h"

struct sector_queue {
	struct spinlock lock;		/* guards the queue */
	struct sector_req *head, *tail; /* head is at the driver */
	/* Hand head to the driver (the lock is held). */
	void (*start)(void *owner, struct sector_req *head);
	void *owner;
};

void sector_queue_init(struct sector_queue *q,
		       void (*start)(void *owner, struct sector_req *head),
		       void *owner);

/* A request for dev (its capacity bounds it): 0 when queued (done will
 * be called once, from the driver's completion), -1 when refused (a
 * request no disk could do; done is not called). */
int sector_queue_submit(struct sector_queue *q, const struct sector_dev *dev,
			struct sector_req *req);

/* The driver finished the head (status 0 or -1): the next goes to the
 * driver, then the head's done is called. */
void sector_queue_done(struct sector_queue *q, int status);

#endif
