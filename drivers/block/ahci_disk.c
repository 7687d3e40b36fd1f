/*
 * drivers/block/ahci_disk.c - a host AHCI disk as a sector device: its
 * sector_queue hands the head to the AHCI driver as one struct
 * ahci_request, whose completion (from the driver's poll, which the
 * device's poll calls) finishes the sector request. The AHCI driver has
 * logged the error line of a failed request.
 * Any CPU; the queue's lock guards it and cmd. Pure logic over ahci.h,
 * also built into the host unit tests.
 * Follows the ATA Command Set (READ/WRITE DMA EXT, FLUSH CACHE EXT)
 * through drivers/hw/ahci.c.
 */
#include "drivers/block/ahci_disk.h"

static const enum ahci_op ops[] = {
	[SECTOR_READ] = AHCI_OP_READ,
	[SECTOR_WRITE] = AHCI_OP_WRITE,
	[SECTOR_FLUSH] = AHCI_OP_FLUSH,
};

static void cmd_done(struct ahci_request *cmd)
{
	struct ahci_disk *disk = cmd->ctx;

	sector_queue_done(&disk->queue, cmd->result == AHCI_OK ? 0 : -1);
}

/* The queue's head to the port (the queue's lock is held). */
static void send_head(void *owner, struct sector_req *req)
{
	struct ahci_disk *disk = owner;

	disk->cmd = (struct ahci_request){
		.op = ops[req->op],
		.lba = req->sector,
		.count = req->count,
		.buf = req->buf,
		.buf_pa = req->buf ? disk->virt_to_phys(req->buf) : 0,
		.done = cmd_done,
		.ctx = disk,
	};
	ahci_submit(disk->port, &disk->cmd);
}

static int disk_submit(struct sector_dev *dev, struct sector_req *req)
{
	return sector_queue_submit(&((struct ahci_disk *)dev)->queue, dev, req);
}

static void disk_poll(struct sector_dev *dev)
{
	((struct ahci_disk *)dev)->ahci_poll();
}

void ahci_disk_init(struct ahci_disk *disk, struct ahci_port *port,
		    hpa_t (*va_to_pa)(const void *va), void (*poll)(void))
{
	*disk = (struct ahci_disk){
		.dev =
			{
				.name = port->name,
				.sectors = port->id.sectors,
				.max_sectors = 0, /* ahci.c splits requests */
				.submit = disk_submit,
				.poll = disk_poll,
			},
		.port = port,
		.virt_to_phys = va_to_pa,
		.ahci_poll = poll,
	};
	sector_queue_init(&disk->queue, send_head, disk);
}
