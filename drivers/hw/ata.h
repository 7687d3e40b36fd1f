/*
 * drivers/hw/ata.h - the ATA (IDE) disk driver's core: channels, drives,
 * the request queue of each channel and its state machine. Requests are
 * asynchronous: ata_submit returns at once; the command's completion is
 * noticed by ata_channel_poll (the bus-master interrupt bit, or the
 * status register for PIO and non-data commands), which then runs the
 * request's callback - never inside ata_submit.
 * Any CPU: each channel's queue and state are guarded by its lock;
 * callbacks run without it (they may submit again). Pure logic: every
 * register access goes through struct ata_port_ops, so the host unit
 * tests (tests/unit/test_ata.c) drive it against a fake register file;
 * drivers/hw/ata_host.c gives it real ports.
 * ATA/ATAPI-6, "Protocol" (PIO data-in, PIO data-out, DMA, non-data);
 * SFF-8038i "Programming Interface for Bus Master IDE Controller".
 */
#ifndef DRIVERS_HW_ATA_H
#define DRIVERS_HW_ATA_H

#include "drivers/hw/ata_identify.h"
#include "drivers/hw/ata_prd.h"
#include "drivers/hw/ata_taskfile.h"
#include "lib/spinlock.h"

#define ATA_ERROR_MAX	  128
#define ATA_NAME_MAX	  16
#define ATA_PRD_MAX	  256	  /* a channel's PRD table: 2 KiB */
#define ATA_CHUNK_MAX	  2048	  /* sectors per LBA48 command: 1 MiB */
#define ATA_TIMEOUT_MS	  5000	  /* a command with no progress fails */
#define ATA_RESET_HOLD_MS 1	  /* SRST held after a timeout (>= 5 us) */
#define ATA_PROBE_SPINS	  1000000 /* status reads while IDENTIFY runs */

enum ata_op {
	ATA_OP_READ,
	ATA_OP_WRITE,
	ATA_OP_FLUSH,
};

enum ata_result {
	ATA_OK,
	ATA_EIO,       /* the drive or the DMA engine reported an error */
	ATA_ETIMEDOUT, /* no answer in ATA_TIMEOUT_MS; the channel was reset */
	ATA_ERANGE,    /* sectors beyond the disk's end */
	ATA_EINVAL,    /* no buffer, or no sectors */
	ATA_ENODEV,    /* no disk there */
};

/* How the core reaches a channel's registers (port I/O on the host). */
struct ata_port_ops {
	uint8_t (*in8)(void *ctx, uint16_t port);
	void (*out8)(void *ctx, uint16_t port, uint8_t value);
	void (*out32)(void *ctx, uint16_t port, uint32_t value);
	/* words 16-bit reads or writes of the same port (rep insw/outsw) */
	void (*in16_rep)(void *ctx, uint16_t port, uint16_t *buf,
			 unsigned words);
	void (*out16_rep)(void *ctx, uint16_t port, const uint16_t *buf,
			  unsigned words);
	void *ctx;
};

struct ata_request;
typedef void (*ata_done_fn)(struct ata_request *req);

struct ata_drive;

/*
 * One request: READ or WRITE of count sectors at lba, or FLUSH. The
 * submitter fills the first group and keeps the request (and buffer)
 * alive until done runs; the driver splits it into commands of at most
 * ATA_CHUNK_MAX sectors, and of what one PRD table describes.
 * The sectors are either in one buffer (buf, buf_pa), or in a list of
 * buffers taken one after the other (segs: each a whole number of
 * sectors, count * 512 bytes in all), which one command's PRD table
 * gathers from or scatters into.
 */
struct ata_request {
	enum ata_op op;
	uint64_t lba;
	uint32_t count; /* sectors; ignored for FLUSH */
	void *buf;	/* count * 512 bytes, physically contiguous */
	hpa_t buf_pa;	/* its physical address, for DMA */
	const struct ata_seg *segs; /* else NULL; then buf is unused */
	unsigned nsegs;
	ata_done_fn done;
	void *ctx; /* the submitter's */

	/* set by the driver before done runs */
	enum ata_result result;
	char error[ATA_ERROR_MAX]; /* names the disk; "" when ATA_OK */

	/* the driver's while queued (under the channel's lock) */
	struct ata_drive *drive;
	struct ata_request *next;
	uint32_t sectors_done;	/* of count, by finished commands */
	uint32_t chunk;		/* sectors of the command in flight */
	uint32_t pio_done;	/* sectors of the chunk moved by PIO */
	struct ata_taskfile tf; /* the command in flight */
	enum ata_xfer xfer;
	struct ata_seg one; /* buf, as a list of one buffer */
};

struct ata_channel;

struct ata_drive {
	struct ata_channel *chan;
	unsigned unit; /* 0 master, 1 slave */
	bool present;  /* an ATA disk that answered IDENTIFY DEVICE */
	bool atapi;    /* a packet device (CD-ROM): not driven here */
	bool use_dma;  /* the drive and the channel can do bus-master DMA */
	char name[ATA_NAME_MAX]; /* "ata1-master" */
	struct ata_identity id;
};

enum ata_chan_state {
	ATA_CH_IDLE,	   /* nothing in flight */
	ATA_CH_WAIT_READY, /* head's command waits for BSY and DRQ clear */
	ATA_CH_DMA,	   /* waiting for the bus-master interrupt bit */
	ATA_CH_PIO_IN,	   /* taking sectors as the drive offers them */
	ATA_CH_PIO_OUT,	   /* giving sectors, then waiting for the end */
	ATA_CH_NODATA,	   /* FLUSH: waiting for BSY to clear */
	ATA_CH_RESET,	   /* software reset held after a timeout */
	ATA_CH_STATES,
};

struct ata_channel {
	char name[ATA_NAME_MAX]; /* "ata1" */
	uint16_t cmd_base;	 /* command block: 0x1f0, 0x170 or a BAR */
	uint16_t ctl_base;	 /* control block: 0x3f6, 0x376 or BAR + 2 */
	uint16_t bm_base;	 /* bus-master registers; 0: PIO only */
	const struct ata_port_ops *io;
	struct ata_prd *prd; /* ATA_PRD_MAX entries DMA can read */
	uint32_t prd_pa;
	uint64_t timeout_ticks; /* of the clock ata_channel_poll is given */
	uint64_t reset_ticks;
	struct ata_drive drive[2];

	struct spinlock lock; /* guards everything below */
	enum ata_chan_state state;
	struct ata_request *head, *tail; /* queue; head is in flight */
	struct ata_request *done_head, *done_tail; /* callbacks to run */
	uint64_t deadline;			   /* 0: set at the next poll */
	int selected; /* unit last written to the device register */
	unsigned long completed, failed; /* requests, for statistics */
};

/*
 * Set up a channel (no register access): its ports, its PRD table
 * (prd, at physical prd_pa below 4 GiB, dword aligned, not crossing
 * 64 KiB), and how many ticks of the poll clock make a millisecond.
 * index names it "ataINDEX".
 */
void ata_channel_init(struct ata_channel *ch, unsigned index, uint16_t cmd_base,
		      uint16_t ctl_base, uint16_t bm_base,
		      const struct ata_port_ops *io, struct ata_prd *prd,
		      uint32_t prd_pa, uint64_t ticks_per_ms);

/*
 * Find the channel's drives with IDENTIFY DEVICE, by polling (boot
 * only, before any request): fills ch->drive[]. Returns how many ATA
 * disks answered.
 */
unsigned ata_channel_probe(struct ata_channel *ch);

/*
 * Queue req on its drive's channel and start it if the channel is idle.
 * Returns at once; req->done runs later, from ata_channel_poll, with
 * req->result set (also for a request refused at once).
 */
void ata_submit(struct ata_drive *drive, struct ata_request *req);

/*
 * Move the channel's state machine on: notice a finished command, take
 * or give PIO sectors, start the next command, fail a command that made
 * no progress for ATA_TIMEOUT_MS. now is a clock in the ticks given to
 * ata_channel_init (the TSC on the host). Runs the callbacks of the
 * requests that finished, without the channel's lock held.
 */
void ata_channel_poll(struct ata_channel *ch, uint64_t now);

/* True while the channel has queued or finished-but-unreported work. */
bool ata_channel_busy(struct ata_channel *ch);

/* "16 MiB" or "931 GiB": capacity in the largest whole unit. */
void ata_format_size(uint64_t sectors, char *buf, size_t size);

#endif
