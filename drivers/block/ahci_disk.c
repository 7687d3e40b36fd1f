/*
 * drivers/block/ahci_disk.c - a host AHCI disk as a sector device:
 * sector requests queue per disk; the head is handed to the AHCI driver
 * as one struct ahci_request, and its completion (from the driver's
 * poll, which the device's poll calls) completes the sector request
 * with done(r, 0 or -1) and hands on the next. The AHCI driver has
 * logged the error line of a failed request.
 * Any CPU; the disk's lock guards its queue. Pure logic over ahci.h,
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

static void cmd_done(struct ahci_request *cmd);

/* Hand the head sector request to the port (the lock is held). */
static void send_head(struct ahci_disk *disk)
{
	struct sector_req *req = disk->head;

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

static void cmd_done(struct ahci_request *cmd)
{
	struct ahci_disk *disk = cmd->ctx;
	struct sector_req *req;
	int status = cmd->result == AHCI_OK ? 0 : -1;

	spin_lock(&disk->lock);
	req = disk->head;
	disk->head = req->next;
	if (!disk->head)
		disk->tail = NULL;
	if (disk->head)
		send_head(disk);
	spin_unlock(&disk->lock);
	req->next = NULL;
	req->done(req, status);
}

/* What the port could never do: refused at submit, done not called. */
static bool req_valid(const struct sector_dev *dev,
		      const struct sector_req *req)
{
	if (req->op == SECTOR_FLUSH)
		return true;
	if (req->op != SECTOR_READ && req->op != SECTOR_WRITE)
		return false;
	return req->buf && req->count && req->count <= dev->sectors &&
	       req->sector <= dev->sectors - req->count;
}

static int disk_submit(struct sector_dev *dev, struct sector_req *req)
{
	struct ahci_disk *disk = (struct ahci_disk *)dev;

	if (!req->done || !req_valid(dev, req))
		return -1;
	req->next = NULL;
	spin_lock(&disk->lock);
	if (disk->tail)
		disk->tail->next = req;
	else
		disk->head = req;
	disk->tail = req;
	if (disk->head == req)
		send_head(disk);
	spin_unlock(&disk->lock);
	return 0;
}

static void disk_poll(struct sector_dev *dev)
{
	struct ahci_disk *disk = (struct ahci_disk *)dev;

	disk->ahci_poll();
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
		.lock = SPINLOCK_INIT,
		.virt_to_phys = va_to_pa,
		.ahci_poll = poll,
	};
}
