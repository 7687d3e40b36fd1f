/*
 * drivers/hw/ahci.h - the AHCI (SATA) disk driver's core: taking the HBA
 * from the firmware, bringing up each port that has a disk, and each
 * port's request queue with one command in flight (command slot 0).
 * Requests are asynchronous like the ATA driver's (drivers/hw/ata.h):
 * ahci_submit returns at once; ahci_port_poll notices the command's end
 * in PxCI and PxIS and runs the request's callback - never inside
 * ahci_submit. An error or a command that never ends fails the request
 * with a message naming the port and the status, and the port recovers
 * (stop, COMRESET when the device stays busy) without blocking.
 * Any CPU: each port's queue and state are guarded by its lock;
 * callbacks run without it. Pure logic: registers go through struct
 * ahci_mmio_ops, so tests/unit/test_ahci.c drives it against a fake
 * HBA; drivers/hw/ahci_host.c gives it the real ABAR.
 * Serial ATA AHCI 1.3.1, "System Software Initialization" ("Firmware
 * Specific Initialization", "Software Initialization of HBA"), "BIOS/OS
 * Handoff Control", "Software Manipulation of Port DMA Engines"
 * ("Start", "Stop", "Port Reset"), "Processing Completed Commands",
 * "Error Recovery" ("Software Error Recovery").
 */
#ifndef DRIVERS_HW_AHCI_H
#define DRIVERS_HW_AHCI_H

#include "drivers/hw/ahci_cmd.h"
#include "drivers/hw/ata_identify.h"
#include "lib/spinlock.h"

#define AHCI_ERROR_MAX	  160
#define AHCI_NAME_MAX	  16
#define AHCI_PRDT_MAX	  8    /* per command: 32 MiB, one LBA48 command */
#define AHCI_SLOT	  0    /* the command slot the driver uses */
#define AHCI_TIMEOUT_MS	  5000 /* a command that has not ended fails */
#define AHCI_STOP_MS	  500  /* PxCMD.CR / FR clear after ST / FRE */
#define AHCI_LINK_MS	  20   /* PxSSTS.DET shows a device */
#define AHCI_READY_MS	  1000 /* BSY and DRQ clear, IDENTIFY answered */
#define AHCI_COMRESET_MS  2    /* PxSCTL.DET = 1 held (at least 1 ms) */
#define AHCI_HANDOFF_MS	  25   /* the firmware lets go of the HBA */
#define AHCI_BIOS_BUSY_MS 2000

/* A port's share of DMA memory: command list (1 KiB), received FIS
 * (256 bytes), command table (256 bytes), IDENTIFY data (512 bytes). */
#define AHCI_PORT_DMA_BYTES 2048
#define AHCI_DMA_RFIS	    1024
#define AHCI_DMA_TABLE	    1280
#define AHCI_DMA_IDENTIFY   1536

enum ahci_op {
	AHCI_OP_READ,
	AHCI_OP_WRITE,
	AHCI_OP_FLUSH,
};

enum ahci_result {
	AHCI_OK,
	AHCI_EIO,	/* the device or the HBA reported an error */
	AHCI_ETIMEDOUT, /* no end in AHCI_TIMEOUT_MS; the port recovers */
	AHCI_ERANGE,	/* sectors beyond the disk's end */
	AHCI_EINVAL,	/* no buffer, no sectors, an unusable buffer */
	AHCI_ENODEV,	/* no disk there, or the port stopped working */
};

/* How the core reaches the HBA: its ABAR registers, and a clock. */
struct ahci_mmio_ops {
	uint32_t (*read32)(void *ctx, uint32_t offset);
	void (*write32)(void *ctx, uint32_t offset, uint32_t value);
	uint64_t (*clock)(void *ctx); /* ticks; ahci_hba_init says the rate */
	void *ctx;
};

struct ahci_request;
typedef void (*ahci_done_fn)(struct ahci_request *req);
struct ahci_port;

/* One request, as struct ata_request: READ or WRITE of count sectors at
 * lba, or FLUSH; split into commands of at most 65536 sectors. */
struct ahci_request {
	enum ahci_op op;
	uint64_t lba;
	uint32_t count; /* sectors; ignored for FLUSH */
	void *buf;	/* count * 512 bytes, physically contiguous */
	hpa_t buf_pa;	/* its physical address, for DMA */
	ahci_done_fn done;
	void *ctx; /* the submitter's */

	/* set by the driver before done runs */
	enum ahci_result result;
	char error[AHCI_ERROR_MAX]; /* names the disk; "" when AHCI_OK */

	/* the driver's while queued (under the port's lock) */
	struct ahci_port *port;
	struct ahci_request *next;
	uint32_t sectors_done; /* of count, by finished commands */
	uint32_t chunk;	       /* sectors of the command in flight */
	uint8_t command;       /* its ATA command */
};

/* What a port's probe found. */
enum ahci_found {
	AHCI_FOUND_NOTHING, /* not implemented, or no device on the link */
	AHCI_FOUND_DISK,    /* an ATA disk that answered IDENTIFY DEVICE */
	AHCI_FOUND_ATAPI,   /* a packet device: not driven */
	AHCI_FOUND_OTHER,   /* port multiplier, enclosure bridge: not driven */
	AHCI_FOUND_FAILED,  /* a device that did not come up; see why */
};

enum ahci_port_state {
	AHCI_P_IDLE,	 /* nothing in flight */
	AHCI_P_BUSY,	 /* a command issued in slot AHCI_SLOT */
	AHCI_P_STOPPING, /* after an error: waiting for PxCMD.CR to clear */
	AHCI_P_COMRESET, /* PxSCTL.DET = 1 held */
	AHCI_P_LINK,	 /* after COMRESET: waiting for the device */
	AHCI_P_DEAD,	 /* did not recover: requests fail */
	AHCI_P_STATES,
};

/* Where a port's DMA memory is: AHCI_PORT_DMA_BYTES, 1 KiB aligned,
 * below 4 GiB (the driver uses 32-bit addresses for its structures). */
struct ahci_port_dma {
	void *va;
	hpa_t pa;
};

struct ahci_hba;

struct ahci_port {
	struct ahci_hba *hba;
	unsigned index;		  /* the HBA's port number */
	char name[AHCI_NAME_MAX]; /* "ahci0-port1" */
	enum ahci_found found;
	char why[64]; /* AHCI_FOUND_FAILED: what went wrong */
	struct ata_identity id;
	unsigned link_gen; /* PxSSTS.SPD: 1 = 1.5, 2 = 3, 3 = 6 Gbit/s */
	struct ahci_cmd_header *cmd_list;
	struct ahci_cmd_table *table;
	uint16_t *identify;
	hpa_t dma_pa;

	struct spinlock lock; /* guards everything below */
	enum ahci_port_state state;
	struct ahci_request *head, *tail; /* queue; head is in flight */
	struct ahci_request *done_head, *done_tail; /* callbacks to run */
	uint64_t deadline; /* 0: set at the next poll */
	unsigned long completed, failed;
};

struct ahci_hba {
	char name[AHCI_NAME_MAX]; /* "ahci0" */
	const struct ahci_mmio_ops *io;
	uint32_t cap, cap2, pi, version;
	unsigned slots;	 /* command slots */
	bool addr64;	 /* CAP.S64A: buffers may be above 4 GiB */
	bool bios_owned; /* the firmware had the HBA and gave it up */
	uint64_t ticks_per_ms;
	struct ahci_port port[AHCI_PORTS_MAX];
};

/*
 * Take the HBA (index names it "ahciINDEX"): the BIOS/OS handoff when
 * CAP2.BOH says the firmware may own it, AHCI mode on, its interrupt
 * off (completions are polled). ticks_per_ms is the clock's rate. 0, or
 * -1 with why set when the registers do not answer.
 */
int ahci_hba_init(struct ahci_hba *hba, unsigned index,
		  const struct ahci_mmio_ops *io, uint64_t ticks_per_ms,
		  char *why, size_t why_len);

/* Is port p implemented (PxI)? */
bool ahci_port_implemented(const struct ahci_hba *hba, unsigned p);

/*
 * Bring port p up with its DMA memory and find its device, by polling
 * (boot only, before any request): stop the port's engines, point it at
 * dma, wait for the link and a ready device, start it and send IDENTIFY
 * DEVICE. Returns what it found (also in port->found). Unless a disk,
 * the port's engines are left stopped: dma may be given to another port.
 */
enum ahci_found ahci_port_probe(struct ahci_hba *hba, unsigned p,
				const struct ahci_port_dma *dma);

/*
 * Queue req on port and start it if the port is idle. Returns at once;
 * req->done runs later, from ahci_port_poll, with req->result set (also
 * for a request refused at once).
 */
void ahci_submit(struct ahci_port *port, struct ahci_request *req);

/*
 * Move the port on: notice the end of the command in flight, start the
 * next, fail a command not done in AHCI_TIMEOUT_MS, step the recovery
 * after an error. now is the clock of struct ahci_mmio_ops. Runs the
 * callbacks of the requests that finished, without the port's lock.
 */
void ahci_port_poll(struct ahci_port *port, uint64_t now);

/* True while the port has queued or finished-but-unreported work. */
bool ahci_port_busy(struct ahci_port *port);

#endif
