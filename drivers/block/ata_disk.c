/*
 * drivers/block/ata_disk.c - a host ATA disk as a sector device: sector
 * requests queue per disk; the head is handed to the ATA driver as one
 * struct ata_request, and its completion (from ata_poll) completes the
 * sector request and hands on the next.
 * Any CPU; the disk's lock guards its queue. Pure logic over ata.h, also
 * built into the host unit tests.
 */
#include "drivers/block/ata_disk.h"
#include "lib/string.h"

static const enum ata_op ops[] = {
	[SECTOR_READ] = ATA_OP_READ,
	[SECTOR_WRITE] = ATA_OP_WRITE,
	[SECTOR_FLUSH] = ATA_OP_FLUSH,
};

static const enum sector_status statuses[] = {
	[ATA_OK] = SECTOR_OK,
	[ATA_EIO] = SECTOR_EIO,
	[ATA_ETIMEDOUT] = SECTOR_ETIMEDOUT,
	[ATA_ERANGE] = SECTOR_ERANGE,
	[ATA_EINVAL] = SECTOR_EINVAL,
	[ATA_ENODEV] = SECTOR_ENODEV,
};

static void cmd_done(struct ata_request *cmd);

/* Hand the head sector request to the drive (the lock is held). */
static void send_head(struct ata_disk *disk)
{
	struct sector_req *req = disk->head;

	disk->cmd = (struct ata_request){
		.op = ops[req->op],
		.lba = req->lba,
		.count = req->count,
		.buf = req->buf,
		.buf_pa = req->buf ? disk->virt_to_phys(req->buf) : 0,
		.done = cmd_done,
		.ctx = disk,
	};
	ata_submit(disk->drive, &disk->cmd);
}

static void cmd_done(struct ata_request *cmd)
{
	struct ata_disk *disk = cmd->ctx;
	struct sector_req *req;

	spin_lock(&disk->lock);
	req = disk->head;
	disk->head = req->next;
	if (!disk->head)
		disk->tail = NULL;
	req->status = statuses[cmd->result];
	memcpy(req->error, cmd->error, sizeof(req->error));
	if (disk->head)
		send_head(disk);
	spin_unlock(&disk->lock);
	req->next = NULL;
	req->done(req);
}

static void disk_submit(struct sector_dev *dev, struct sector_req *req)
{
	struct ata_disk *disk = (struct ata_disk *)dev;

	req->next = NULL;
	req->status = SECTOR_OK;
	req->error[0] = '\0';
	spin_lock(&disk->lock);
	if (disk->tail)
		disk->tail->next = req;
	else
		disk->head = req;
	disk->tail = req;
	if (disk->head == req)
		send_head(disk);
	spin_unlock(&disk->lock);
}

void ata_disk_init(struct ata_disk *disk, struct ata_drive *drive,
		   hpa_t (*va_to_pa)(const void *va))
{
	*disk = (struct ata_disk){
		.dev =
			{
				.name = drive->name,
				.sectors = drive->id.sectors,
				.model = drive->id.model,
				.submit = disk_submit,
				.priv = disk,
			},
		.drive = drive,
		.lock = SPINLOCK_INIT,
		.virt_to_phys = va_to_pa,
	};
}
