/*
 * drivers/block/ata_disk.c - a host ATA disk as a sector device: its
 * sector_queue hands the head to the ATA driver as one struct
 * ata_request, whose completion (from the ATA driver's poll, which the
 * device's poll calls) finishes the sector request. The ATA driver has
 * logged the error line of a failed request.
 * Any CPU; the queue's lock guards it and cmd. Pure logic over ata.h,
 * also built into the host unit tests.
 * Follows the ATA/ATAPI Command Set (READ/WRITE DMA EXT, FLUSH CACHE
 * EXT) through drivers/hw/ata.c.
 */
#include "drivers/block/ata_disk.h"

static const enum ata_op ops[] = {
	[SECTOR_READ] = ATA_OP_READ,
	[SECTOR_WRITE] = ATA_OP_WRITE,
	[SECTOR_FLUSH] = ATA_OP_FLUSH,
};

static void cmd_done(struct ata_request *cmd)
{
	struct ata_disk *disk = cmd->ctx;

	sector_queue_done(&disk->queue, cmd->result == ATA_OK ? 0 : -1);
}

/* The queue's head to the drive (the queue's lock is held). */
static void send_head(void *owner, struct sector_req *req)
{
	struct ata_disk *disk = owner;

	disk->cmd = (struct ata_request){
		.op = ops[req->op],
		.lba = req->sector,
		.count = req->count,
		.buf = req->buf,
		.buf_pa = req->buf ? disk->virt_to_phys(req->buf) : 0,
		.done = cmd_done,
		.ctx = disk,
	};
	if (req->segs) { /* sector_queue checked nsegs <= ATA_DISK_SEGS */
		for (unsigned i = 0; i < req->nsegs; i++)
			disk->segs[i] = (struct ata_seg){
				.va = req->segs[i].buf,
				.pa = disk->virt_to_phys(req->segs[i].buf),
				.bytes = req->segs[i].bytes,
			};
		disk->cmd.segs = disk->segs;
		disk->cmd.nsegs = req->nsegs;
	}
	ata_submit(disk->drive, &disk->cmd);
}

static int disk_submit(struct sector_dev *dev, struct sector_req *req)
{
	return sector_queue_submit(&((struct ata_disk *)dev)->queue, dev, req);
}

static void disk_poll(struct sector_dev *dev)
{
	((struct ata_disk *)dev)->ata_poll();
}

void ata_disk_init(struct ata_disk *disk, struct ata_drive *drive,
		   hpa_t (*va_to_pa)(const void *va), void (*poll)(void))
{
	*disk = (struct ata_disk){
		.dev =
			{
				.name = drive->name,
				.sectors = drive->id.sectors,
				.max_sectors = 0, /* ata.c splits requests */
				.max_segs = ATA_DISK_SEGS,
				.submit = disk_submit,
				.poll = disk_poll,
			},
		.drive = drive,
		.virt_to_phys = va_to_pa,
		.ata_poll = poll,
	};
	sector_queue_init(&disk->queue, send_head, disk);
}
