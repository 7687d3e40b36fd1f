/*
 * drivers/hw/ahci.c - the AHCI driver's core: the HBA handoff, port
 * bring-up and IDENTIFY DEVICE by polling at boot, then each port's
 * request queue and the state machine that issues a command in slot
 * AHCI_SLOT, completes it from PxCI and PxIS, and recovers the port
 * after an error or a timeout.
 * Any CPU; a port's state is guarded by its lock, and callbacks run
 * after it is released. Pure logic over struct ahci_mmio_ops (ahci.h).
 * Serial ATA AHCI 1.3.1, "BIOS/OS Handoff Control", "Software
 * Initialization of HBA", "Software Manipulation of Port DMA Engines",
 * "Processing Completed Commands", "Software Error Recovery", "Port
 * Reset"; ATA/ATAPI-6, "IDENTIFY DEVICE".
 */
#define LOG_PREFIX "ahci: "
#include "drivers/hw/ahci.h"
#include "drivers/hw/ata_taskfile.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

#define ALL_ONES 0xffffffffu
#define TFD_BUSY (ATA_SR_BSY | ATA_SR_DRQ)
#define SLOT_BIT ((uint32_t)BIT(AHCI_SLOT))
#define CMD_TABLE_BYTES                  \
	(sizeof(struct ahci_cmd_table) + \
	 AHCI_PRDT_MAX * sizeof(struct ahci_prd))
#define CHUNK_MAX(lba48) ((lba48) ? ATA_LBA48_MAX_COUNT : ATA_LBA28_MAX_COUNT)

_Static_assert(AHCI_DMA_TABLE + CMD_TABLE_BYTES <= AHCI_DMA_IDENTIFY,
	       "the command table fits its place");
_Static_assert(AHCI_DMA_IDENTIFY + ATA_ID_WORDS * 2 <= AHCI_PORT_DMA_BYTES,
	       "the IDENTIFY data fits");

/* ---- registers ------------------------------------------------------ */

static uint32_t hba_read(const struct ahci_hba *hba, uint32_t reg)
{
	return hba->io->read32(hba->io->ctx, reg);
}

static void hba_write(const struct ahci_hba *hba, uint32_t reg, uint32_t v)
{
	hba->io->write32(hba->io->ctx, reg, v);
}

static uint32_t port_read(const struct ahci_port *p, uint32_t reg)
{
	return hba_read(p->hba, AHCI_PORT(p->index, reg));
}

static void port_write(const struct ahci_port *p, uint32_t reg, uint32_t v)
{
	hba_write(p->hba, AHCI_PORT(p->index, reg), v);
}

static void port_set(const struct ahci_port *p, uint32_t reg, uint32_t bits)
{
	port_write(p, reg, port_read(p, reg) | bits);
}

static void port_clear(const struct ahci_port *p, uint32_t reg, uint32_t bits)
{
	port_write(p, reg, port_read(p, reg) & ~bits);
}

static uint64_t clock_now(const struct ahci_hba *hba)
{
	return hba->io->clock(hba->io->ctx);
}

static uint64_t ms_ticks(const struct ahci_hba *hba, unsigned ms)
{
	return ms * hba->ticks_per_ms;
}

/* Poll reg until (value & mask) == want, for at most ms; true if so. */
static bool hba_wait(const struct ahci_hba *hba, uint32_t reg, uint32_t mask,
		     uint32_t want, unsigned ms)
{
	uint64_t end = clock_now(hba) + ms_ticks(hba, ms);

	do {
		if ((hba_read(hba, reg) & mask) == want)
			return true;
	} while (clock_now(hba) < end);
	return (hba_read(hba, reg) & mask) == want;
}

static bool port_wait(const struct ahci_port *p, uint32_t reg, uint32_t mask,
		      uint32_t want, unsigned ms)
{
	return hba_wait(p->hba, AHCI_PORT(p->index, reg), mask, want, ms);
}

static void delay_ms(const struct ahci_hba *hba, unsigned ms)
{
	uint64_t end = clock_now(hba) + ms_ticks(hba, ms);

	while (clock_now(hba) < end)
		;
}

static bool link_up(const struct ahci_port *p)
{
	return (port_read(p, AHCI_PX_SSTS) & AHCI_SSTS_DET_MASK) ==
	       AHCI_SSTS_DET_PRESENT;
}

/* ---- the HBA -------------------------------------------------------- */

/* "BIOS/OS Handoff Control": ask for the HBA, wait for the BIOS to let
 * go (and to finish what it is busy with). */
static void take_ownership(struct ahci_hba *hba)
{
	uint32_t bohc = hba_read(hba, AHCI_BOHC);

	if (!(bohc & AHCI_BOHC_BOS))
		return;
	hba->bios_owned = true;
	hba_write(hba, AHCI_BOHC, bohc | AHCI_BOHC_OOS);
	if (hba_wait(hba, AHCI_BOHC, AHCI_BOHC_BOS, 0, AHCI_HANDOFF_MS) &&
	    !(hba_read(hba, AHCI_BOHC) & AHCI_BOHC_BB))
		return;
	if (!hba_wait(hba, AHCI_BOHC, AHCI_BOHC_BOS | AHCI_BOHC_BB, 0,
		      AHCI_BIOS_BUSY_MS))
		pr_warn("%s: the firmware did not give up the HBA (BOHC "
			"0x%x); going on",
			hba->name, hba_read(hba, AHCI_BOHC));
}

int ahci_hba_init(struct ahci_hba *hba, unsigned index,
		  const struct ahci_mmio_ops *io, uint64_t ticks_per_ms,
		  char *why, size_t why_len)
{
	*hba = (struct ahci_hba){.io = io, .ticks_per_ms = ticks_per_ms};
	fmt_snprintf(hba->name, sizeof(hba->name), "ahci%u", index);
	hba->cap = hba_read(hba, AHCI_CAP);
	if (hba->cap == ALL_ONES)
		return fmt_fail(why, why_len, "its registers read all ones");
	hba->cap2 = hba_read(hba, AHCI_CAP2);
	if (hba->cap2 & AHCI_CAP2_BOH)
		take_ownership(hba);
	/* AHCI mode (the other registers mean AHCI only with AE set), and
	 * IE clear: completions are polled. */
	hba_write(hba, AHCI_GHC, AHCI_GHC_AE);
	hba->pi = hba_read(hba, AHCI_PI);
	hba->version = hba_read(hba, AHCI_VS);
	hba->slots = ((hba->cap >> AHCI_CAP_NCS_SHIFT) & AHCI_CAP_NCS_MASK) + 1;
	hba->addr64 = hba->cap & AHCI_CAP_S64A;
	hba_write(hba, AHCI_IS, ALL_ONES);
	for (unsigned p = 0; p < AHCI_PORTS_MAX; p++) {
		struct ahci_port *port = &hba->port[p];

		port->hba = hba;
		port->index = p;
		port->lock = (struct spinlock)SPINLOCK_INIT;
		port->state = AHCI_P_DEAD; /* until probed */
		fmt_snprintf(port->name, sizeof(port->name), "%s-port%u",
			     hba->name, p);
	}
	return 0;
}

bool ahci_port_implemented(const struct ahci_hba *hba, unsigned p)
{
	return p < AHCI_PORTS_MAX && (hba->pi & (uint32_t)BIT(p));
}

/* ---- port bring-up ---------------------------------------------------- */

/* "Software Manipulation of Port DMA Engines": ST off and CR clear,
 * then FRE off and FR clear. */
static bool stop_engines(struct ahci_port *p)
{
	port_clear(p, AHCI_PX_CMD, AHCI_PX_CMD_ST);
	if (!port_wait(p, AHCI_PX_CMD, AHCI_PX_CMD_CR, 0, AHCI_STOP_MS))
		return false;
	port_clear(p, AHCI_PX_CMD, AHCI_PX_CMD_FRE);
	return port_wait(p, AHCI_PX_CMD, AHCI_PX_CMD_FR, 0, AHCI_STOP_MS);
}

static void clear_errors(struct ahci_port *p)
{
	port_write(p, AHCI_PX_SERR, ALL_ONES);
	port_write(p, AHCI_PX_IS, ALL_ONES);
}

static void set_dma(struct ahci_port *p, const struct ahci_port_dma *dma)
{
	uint8_t *va = dma->va;

	memset(va, 0, AHCI_PORT_DMA_BYTES);
	p->dma_pa = dma->pa;
	p->cmd_list = (struct ahci_cmd_header *)va;
	p->table = (struct ahci_cmd_table *)(va + AHCI_DMA_TABLE);
	p->identify = (uint16_t *)(va + AHCI_DMA_IDENTIFY);
	port_write(p, AHCI_PX_CLB, (uint32_t)dma->pa);
	port_write(p, AHCI_PX_CLBU, (uint32_t)(dma->pa >> 32));
	port_write(p, AHCI_PX_FB, (uint32_t)(dma->pa + AHCI_DMA_RFIS));
	port_write(p, AHCI_PX_FBU, (uint32_t)((dma->pa + AHCI_DMA_RFIS) >> 32));
}

/* "Port Reset": COMRESET, then wait for the link and a ready device. */
static bool comreset_sync(struct ahci_port *p)
{
	uint32_t sctl = port_read(p, AHCI_PX_SCTL) & ~AHCI_SCTL_DET_MASK;

	port_write(p, AHCI_PX_SCTL, sctl | AHCI_SCTL_DET_COMRESET);
	delay_ms(p->hba, AHCI_COMRESET_MS);
	port_write(p, AHCI_PX_SCTL, sctl);
	if (!port_wait(p, AHCI_PX_SSTS, AHCI_SSTS_DET_MASK,
		       AHCI_SSTS_DET_PRESENT, AHCI_READY_MS))
		return false;
	port_write(p, AHCI_PX_SERR, ALL_ONES);
	return port_wait(p, AHCI_PX_TFD, TFD_BUSY, 0, AHCI_READY_MS);
}

static enum ahci_found give_up(struct ahci_port *p, enum ahci_found found,
			       const char *why)
{
	if (why)
		fmt_snprintf(p->why, sizeof(p->why), "%s", why);
	if (!stop_engines(p) && found != AHCI_FOUND_FAILED) {
		found = AHCI_FOUND_FAILED;
		fmt_snprintf(p->why, sizeof(p->why),
			     "its DMA engines do not stop");
	}
	p->found = found;
	return found;
}

/* The device type by PxSIG, once the device is ready. */
static enum ahci_found by_signature(uint32_t sig)
{
	if (sig == AHCI_SIG_ATA)
		return AHCI_FOUND_DISK;
	if (sig == AHCI_SIG_ATAPI)
		return AHCI_FOUND_ATAPI;
	return AHCI_FOUND_OTHER;
}

/* Fill slot AHCI_SLOT for the prepared FIS, prdtl entries (lock held). */
static void slot_fill(struct ahci_port *p, bool write, unsigned prdtl)
{
	ahci_cmd_header_set(&p->cmd_list[AHCI_SLOT], write, prdtl,
			    p->dma_pa + AHCI_DMA_TABLE);
}

static void slot_issue(struct ahci_port *p)
{
	port_write(p, AHCI_PX_IS, ALL_ONES);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* tables before PxCI */
	port_write(p, AHCI_PX_CI, SLOT_BIT);
}

/* IDENTIFY DEVICE through slot AHCI_SLOT, polled. */
static const char *identify(struct ahci_port *p)
{
	uint64_t end = clock_now(p->hba) + ms_ticks(p->hba, AHCI_READY_MS);
	uint32_t is;

	ahci_fis_command((struct sata_fis_h2d *)p->table->cfis,
			 ATA_CMD_IDENTIFY);
	ahci_prdt_build(p->table->prdt, AHCI_PRDT_MAX,
			p->dma_pa + AHCI_DMA_IDENTIFY, ATA_ID_WORDS * 2, false);
	slot_fill(p, false, 1);
	slot_issue(p);
	for (;;) {
		is = port_read(p, AHCI_PX_IS);
		if (is & AHCI_PX_IS_ERRORS)
			return "IDENTIFY DEVICE failed";
		if (!(port_read(p, AHCI_PX_CI) & SLOT_BIT))
			break;
		if (clock_now(p->hba) >= end)
			return "no answer to IDENTIFY DEVICE";
	}
	port_write(p, AHCI_PX_IS, ALL_ONES);
	if (port_read(p, AHCI_PX_TFD) & ATA_SR_ERR)
		return "IDENTIFY DEVICE failed";
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* PxCI before the data */
	if (ata_identify_parse(p->identify, &p->id))
		return "IDENTIFY DEVICE data describe no LBA disk";
	return NULL;
}

/* FIS receive on, the device spun up, and its link: false if none. */
static bool bring_up_link(struct ahci_port *p)
{
	uint32_t up = AHCI_PX_CMD_FRE;

	if (p->hba->cap & AHCI_CAP_SSS)
		up |= AHCI_PX_CMD_SUD;
	if (port_read(p, AHCI_PX_CMD) & AHCI_PX_CMD_CPD)
		up |= AHCI_PX_CMD_POD;
	port_set(p, AHCI_PX_CMD, up);
	return port_wait(p, AHCI_PX_SSTS, AHCI_SSTS_DET_MASK,
			 AHCI_SSTS_DET_PRESENT, AHCI_LINK_MS);
}

enum ahci_found ahci_port_probe(struct ahci_hba *hba, unsigned pn,
				const struct ahci_port_dma *dma)
{
	struct ahci_port *p = &hba->port[pn];
	const char *err;

	p->found = AHCI_FOUND_NOTHING;
	p->why[0] = '\0';
	if (!ahci_port_implemented(hba, pn))
		return AHCI_FOUND_NOTHING;
	if (!stop_engines(p))
		return give_up(p, AHCI_FOUND_FAILED,
			       "its DMA engines do not stop");
	set_dma(p, dma);
	port_write(p, AHCI_PX_IE, 0);
	clear_errors(p);
	if (!bring_up_link(p))
		return give_up(p, AHCI_FOUND_NOTHING, NULL);
	port_write(p, AHCI_PX_SERR, ALL_ONES);
	if (!port_wait(p, AHCI_PX_TFD, TFD_BUSY, 0, AHCI_READY_MS) &&
	    !comreset_sync(p))
		return give_up(p, AHCI_FOUND_FAILED,
			       "the device stays busy after a COMRESET");
	if (by_signature(port_read(p, AHCI_PX_SIG)) != AHCI_FOUND_DISK)
		return give_up(p, by_signature(port_read(p, AHCI_PX_SIG)),
			       NULL);
	clear_errors(p);
	port_set(p, AHCI_PX_CMD, AHCI_PX_CMD_ST);
	err = identify(p);
	if (err)
		return give_up(p, AHCI_FOUND_FAILED, err);
	p->link_gen = (port_read(p, AHCI_PX_SSTS) >> AHCI_SSTS_SPD_SHIFT) &
		      AHCI_SSTS_SPD_MASK;
	p->state = AHCI_P_IDLE;
	p->found = AHCI_FOUND_DISK;
	return AHCI_FOUND_DISK;
}

/* ---- the queue ------------------------------------------------------ */

static void push(struct ahci_request **head, struct ahci_request **tail,
		 struct ahci_request *req)
{
	req->next = NULL;
	if (*tail)
		(*tail)->next = req;
	else
		*head = req;
	*tail = req;
}

static const char *op_name(const struct ahci_request *req)
{
	static const char *const names[] = {
		[AHCI_OP_READ] = "read",
		[AHCI_OP_WRITE] = "write",
		[AHCI_OP_FLUSH] = "flush",
	};

	return names[req->op];
}

/* Hand req to the done list; its callback runs at the end of a poll. */
static void complete(struct ahci_port *p, struct ahci_request *req,
		     enum ahci_result result)
{
	req->result = result;
	if (result == AHCI_OK) {
		req->error[0] = '\0';
		p->completed++;
	} else {
		pr_err("%s", req->error);
		p->failed++;
	}
	push(&p->done_head, &p->done_tail, req);
}

static int refuse_reason(const struct ahci_port *p, struct ahci_request *r,
			 enum ahci_result *res)
{
	if (p->found != AHCI_FOUND_DISK || p->state == AHCI_P_DEAD) {
		*res = AHCI_ENODEV;
		return fmt_snprintf(r->error, AHCI_ERROR_MAX, "%s: %s", p->name,
				    p->found == AHCI_FOUND_DISK
					    ? "the port stopped working"
					    : "no disk there");
	}
	if (r->op == AHCI_OP_FLUSH)
		return 0;
	if (!r->count || !r->buf) {
		*res = AHCI_EINVAL;
		return fmt_snprintf(r->error, AHCI_ERROR_MAX,
				    "%s: %s of %u sectors at LBA %lu: %s",
				    p->name, op_name(r), r->count,
				    (unsigned long)r->lba,
				    r->buf ? "no sectors" : "no buffer");
	}
	if (r->lba >= p->id.sectors || r->count > p->id.sectors - r->lba) {
		*res = AHCI_ERANGE;
		return fmt_snprintf(r->error, AHCI_ERROR_MAX,
				    "%s: %s of %u sectors at LBA %lu goes "
				    "beyond the disk's %lu sectors",
				    p->name, op_name(r), r->count,
				    (unsigned long)r->lba,
				    (unsigned long)p->id.sectors);
	}
	return 0;
}

static void start(struct ahci_port *p);

void ahci_submit(struct ahci_port *port, struct ahci_request *req)
{
	enum ahci_result res = AHCI_OK;

	req->port = port;
	req->sectors_done = 0;
	req->chunk = 0;
	req->command = 0;
	req->error[0] = '\0';
	spin_lock(&port->lock);
	if (refuse_reason(port, req, &res)) {
		complete(port, req, res);
	} else {
		push(&port->head, &port->tail, req);
		if (port->state == AHCI_P_IDLE)
			start(port);
	}
	spin_unlock(&port->lock);
}

bool ahci_port_busy(struct ahci_port *port)
{
	bool busy;

	spin_lock(&port->lock);
	busy = port->head || port->done_head;
	spin_unlock(&port->lock);
	return busy;
}

/* ---- commands ------------------------------------------------------- */

/* The head request leaves the queue with its result. */
static void finish(struct ahci_port *p, enum ahci_result result)
{
	struct ahci_request *req = p->head;

	p->head = req->next;
	if (!p->head)
		p->tail = NULL;
	complete(p, req, result);
}

/* "... of 8 sectors at LBA 2048 failed: " or "FLUSH CACHE EXT failed: " */
static int describe_command(struct ahci_request *req)
{
	if (req->op == AHCI_OP_FLUSH)
		return fmt_snprintf(req->error, AHCI_ERROR_MAX,
				    "%s: %s failed: ", req->port->name,
				    ata_command_name(req->command));
	return fmt_snprintf(
		req->error, AHCI_ERROR_MAX,
		"%s: %s of %u sectors at LBA %lu failed: ", req->port->name,
		ata_command_name(req->command), req->chunk,
		(unsigned long)(req->lba + req->sectors_done));
}

static void begin_recovery(struct ahci_port *p, uint64_t now);

/* Fail the head request, naming the command, why and the port's status
 * registers, and recover the port. */
static void fail(struct ahci_port *p, enum ahci_result result, const char *why,
		 uint32_t is, uint64_t now)
{
	struct ahci_request *req = p->head;
	uint32_t tfd = port_read(p, AHCI_PX_TFD);
	int n = describe_command(req);

	if (n < AHCI_ERROR_MAX)
		fmt_snprintf(req->error + n, AHCI_ERROR_MAX - n,
			     "%s (PxIS 0x%08x, PxSERR 0x%08x, status 0x%02x, "
			     "error 0x%02x)",
			     why, is, port_read(p, AHCI_PX_SERR),
			     tfd & AHCI_PX_TFD_STS_MASK,
			     (tfd >> AHCI_PX_TFD_ERR_SHIFT) & 0xff);
	finish(p, result);
	begin_recovery(p, now);
}

/* Build the head request's next command in slot AHCI_SLOT. */
static enum ahci_result prepare(struct ahci_port *p, struct ahci_request *req)
{
	struct sata_fis_h2d *fis = (struct sata_fis_h2d *)p->table->cfis;
	bool write = req->op == AHCI_OP_WRITE;
	uint64_t offset = (uint64_t)req->sectors_done << ATA_SECTOR_SHIFT;
	int prds;

	if (req->op == AHCI_OP_FLUSH) {
		req->chunk = 0;
		ahci_fis_command(fis, p->id.flush_ext ? ATA_CMD_FLUSH_CACHE_EXT
						      : ATA_CMD_FLUSH_CACHE);
		req->command = fis->command;
		slot_fill(p, false, 0);
		return AHCI_OK;
	}
	req->chunk = MIN(req->count - req->sectors_done,
			 (uint32_t)CHUNK_MAX(p->id.lba48));
	if (ahci_fis_rw(fis, write, req->lba + req->sectors_done, req->chunk,
			p->id.lba48))
		return AHCI_ERANGE;
	req->command = fis->command;
	prds = ahci_prdt_build(
		p->table->prdt, AHCI_PRDT_MAX, req->buf_pa + offset,
		(uint64_t)req->chunk << ATA_SECTOR_SHIFT, p->hba->addr64);
	if (prds < 0)
		return AHCI_EINVAL;
	slot_fill(p, write, (unsigned)prds);
	return AHCI_OK;
}

static const char *const prepare_errors[] = {
	[AHCI_ERANGE] = "no command can address it",
	[AHCI_EINVAL] = "the HBA cannot reach its buffer (odd, or above "
			"4 GiB without 64-bit addressing)",
};

/* Start the head request's next command (the port is idle). */
static void start(struct ahci_port *p)
{
	struct ahci_request *req = p->head;
	enum ahci_result r = prepare(p, req);

	if (r != AHCI_OK) {
		fmt_snprintf(req->error, AHCI_ERROR_MAX,
			     "%s: %s of %u sectors at LBA %lu (buffer at "
			     "0x%lx): %s",
			     p->name, op_name(req), req->count,
			     (unsigned long)req->lba,
			     (unsigned long)req->buf_pa, prepare_errors[r]);
		finish(p, r);
		return;
	}
	p->state = AHCI_P_BUSY;
	p->deadline = 0;
	slot_issue(p);
}

/* The command in flight ended well: next command, or the request is done. */
static void command_done(struct ahci_port *p)
{
	struct ahci_request *req = p->head;

	req->sectors_done += req->chunk;
	p->state = AHCI_P_IDLE;
	if (req->op == AHCI_OP_FLUSH || req->sectors_done == req->count)
		finish(p, AHCI_OK);
	else
		start(p);
}

/* ---- the state machine, one step per poll ----------------------------- */

static const char *error_cause(uint32_t is)
{
	if (is & AHCI_PX_IS_TFES)
		return "the device reported an error";
	if (is & (AHCI_PX_IS_HBFS | AHCI_PX_IS_HBDS))
		return "host bus error (DMA to memory)";
	if (is & AHCI_PX_IS_OFS)
		return "the device sent more data than the PRD table gave";
	return "SATA interface error";
}

/* "Processing Completed Commands": PxCI's bit clear, no error bit. */
static void step_busy(struct ahci_port *p, uint64_t now)
{
	struct ahci_request *req = p->head;
	uint32_t is = port_read(p, AHCI_PX_IS), moved, want;

	if (is & AHCI_PX_IS_ERRORS) {
		fail(p, AHCI_EIO, error_cause(is), is, now);
		return;
	}
	if (port_read(p, AHCI_PX_CI) & SLOT_BIT)
		return;
	port_write(p, AHCI_PX_IS, is);
	if (port_read(p, AHCI_PX_TFD) & (ATA_SR_ERR | ATA_SR_DF)) {
		fail(p, AHCI_EIO, "the device reported an error", is, now);
		return;
	}
	moved = __atomic_load_n(&p->cmd_list[AHCI_SLOT].prdbc,
				__ATOMIC_ACQUIRE);
	want = req->chunk << ATA_SECTOR_SHIFT;
	if (req->op == AHCI_OP_READ && moved != want) {
		char why[64];

		fmt_snprintf(why, sizeof(why), "the HBA moved %u of %u bytes",
			     moved, want);
		fail(p, AHCI_EIO, why, is, now);
		return;
	}
	command_done(p);
}

/* "Software Error Recovery": stop the port (PxCMD.ST off, the HBA
 * clears PxCI), then restart it, with a COMRESET if the device stays
 * busy or the engine does not stop. */
static void begin_recovery(struct ahci_port *p, uint64_t now)
{
	port_clear(p, AHCI_PX_CMD, AHCI_PX_CMD_ST);
	p->state = AHCI_P_STOPPING;
	p->deadline = now + ms_ticks(p->hba, AHCI_STOP_MS);
}

static void begin_comreset(struct ahci_port *p, uint64_t now)
{
	uint32_t sctl = port_read(p, AHCI_PX_SCTL) & ~AHCI_SCTL_DET_MASK;

	port_write(p, AHCI_PX_SCTL, sctl | AHCI_SCTL_DET_COMRESET);
	p->state = AHCI_P_COMRESET;
	p->deadline = now + ms_ticks(p->hba, AHCI_COMRESET_MS);
}

static void restart(struct ahci_port *p)
{
	clear_errors(p);
	port_set(p, AHCI_PX_CMD, AHCI_PX_CMD_ST);
	p->state = AHCI_P_IDLE;
}

static void step_stopping(struct ahci_port *p, uint64_t now)
{
	if (port_read(p, AHCI_PX_CMD) & AHCI_PX_CMD_CR) {
		if (now >= p->deadline)
			begin_comreset(p, now);
		return;
	}
	clear_errors(p);
	if (port_read(p, AHCI_PX_TFD) & TFD_BUSY)
		begin_comreset(p, now);
	else
		restart(p);
}

static void step_comreset(struct ahci_port *p, uint64_t now)
{
	if (now < p->deadline)
		return;
	port_clear(p, AHCI_PX_SCTL, AHCI_SCTL_DET_MASK);
	p->state = AHCI_P_LINK;
	p->deadline = now + ms_ticks(p->hba, AHCI_READY_MS);
}

/* Fail every queued request: the port is gone. */
static void fail_all(struct ahci_port *p)
{
	while (p->head) {
		fmt_snprintf(p->head->error, AHCI_ERROR_MAX,
			     "%s: the port stopped working", p->name);
		finish(p, AHCI_ENODEV);
	}
}

static void step_link(struct ahci_port *p, uint64_t now)
{
	if (link_up(p) && !(port_read(p, AHCI_PX_TFD) & TFD_BUSY) &&
	    !(port_read(p, AHCI_PX_CMD) & AHCI_PX_CMD_CR)) {
		restart(p);
		pr_warn("%s: port reset, the device answers again", p->name);
		return;
	}
	if (now < p->deadline)
		return;
	pr_err("%s: the device did not come back after a COMRESET (PxSSTS "
	       "0x%x, PxTFD 0x%x); the disk is out of use",
	       p->name, port_read(p, AHCI_PX_SSTS), port_read(p, AHCI_PX_TFD));
	p->state = AHCI_P_DEAD;
	fail_all(p);
}

/* No end in AHCI_TIMEOUT_MS: fail the command, recover the port. */
static void time_out(struct ahci_port *p, uint64_t now)
{
	char why[48];

	fmt_snprintf(why, sizeof(why), "no answer in %u ms, port reset",
		     AHCI_TIMEOUT_MS);
	fail(p, AHCI_ETIMEDOUT, why, port_read(p, AHCI_PX_IS), now);
}

typedef void (*ahci_step_fn)(struct ahci_port *p, uint64_t now);

static const ahci_step_fn steps[AHCI_P_STATES] = {
	[AHCI_P_BUSY] = step_busy,
	[AHCI_P_STOPPING] = step_stopping,
	[AHCI_P_COMRESET] = step_comreset,
	[AHCI_P_LINK] = step_link,
};

static void advance(struct ahci_port *p, uint64_t now)
{
	if (steps[p->state])
		steps[p->state](p, now);
	if (p->state == AHCI_P_IDLE && p->head)
		start(p);
	if (p->state != AHCI_P_BUSY)
		return;
	/* The deadline counts from the first poll that saw the command. */
	if (!p->deadline)
		p->deadline = now + ms_ticks(p->hba, AHCI_TIMEOUT_MS);
	else if (now >= p->deadline)
		time_out(p, now);
}

void ahci_port_poll(struct ahci_port *port, uint64_t now)
{
	struct ahci_request *done;

	/* Nothing to do (read without the lock: a request submitted now
	 * is issued by its submit, and seen by the next poll). */
	if (!__atomic_load_n(&port->head, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&port->done_head, __ATOMIC_RELAXED) &&
	    (__atomic_load_n(&port->state, __ATOMIC_RELAXED) == AHCI_P_IDLE ||
	     __atomic_load_n(&port->state, __ATOMIC_RELAXED) == AHCI_P_DEAD))
		return;
	spin_lock(&port->lock);
	advance(port, now);
	done = port->done_head;
	port->done_head = port->done_tail = NULL;
	spin_unlock(&port->lock);
	while (done) {
		struct ahci_request *next = done->next;

		done->next = NULL;
		done->done(done);
		done = next;
	}
}
