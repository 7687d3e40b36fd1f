/*
 * drivers/hw/ata.c - the ATA driver's core: probing a channel's drives,
 * each channel's request queue (one command in flight per channel), and
 * the state machine that moves a command from issue to completion by
 * polling.
 * Any CPU; a channel's state is guarded by its lock, and callbacks run
 * after it is released. Pure logic over struct ata_port_ops (see ata.h).
 * ATA/ATAPI-6, "Protocol" (PIO data-in, PIO data-out, DMA, non-data),
 * "Software reset protocol"; SFF-8038i "Programming Interface for Bus
 * Master IDE Controller", "Standard Programming Sequence".
 */
#define LOG_PREFIX "ata: "
#include "drivers/hw/ata.h"
#include "drivers/hw/ata_prd.h"
#include "lib/fmt.h"
#include "lib/log.h"

#define SECTOR_WORDS (ATA_SECTOR_SIZE / 2)
#define UNIT_NONE    (-1)

static const char *const unit_names[2] = {"master", "slave"};

/* ---- registers ------------------------------------------------------ */

static uint8_t reg_in(struct ata_channel *ch, unsigned reg)
{
	return ch->io->in8(ch->io->ctx, (uint16_t)(ch->cmd_base + reg));
}

static void reg_out(struct ata_channel *ch, unsigned reg, uint8_t v)
{
	ch->io->out8(ch->io->ctx, (uint16_t)(ch->cmd_base + reg), v);
}

/* Alternate status: the status without acknowledging an interrupt. */
static uint8_t alt_status(struct ata_channel *ch)
{
	return ch->io->in8(ch->io->ctx, ch->ctl_base + ATA_REG_ALTSTATUS);
}

static void control_out(struct ata_channel *ch, uint8_t v)
{
	ch->io->out8(ch->io->ctx, ch->ctl_base + ATA_REG_CONTROL, v);
}

static uint8_t bm_in(struct ata_channel *ch, unsigned reg)
{
	return ch->io->in8(ch->io->ctx, (uint16_t)(ch->bm_base + reg));
}

static void bm_out(struct ata_channel *ch, unsigned reg, uint8_t v)
{
	ch->io->out8(ch->io->ctx, (uint16_t)(ch->bm_base + reg), v);
}

/* A device needs 400 ns after a selection or a command before its
 * status means anything: four reads of alternate status. */
static void delay_400ns(struct ata_channel *ch)
{
	for (int i = 0; i < 4; i++)
		alt_status(ch);
}

static void select_unit(struct ata_channel *ch, unsigned unit, uint8_t dev)
{
	if (ch->selected == (int)unit)
		return;
	reg_out(ch, ATA_REG_DEVICE, dev);
	delay_400ns(ch);
	ch->selected = (int)unit;
}

/* Clear the bus-master error and interrupt bits (write 1 to clear),
 * keeping the drives' DMA-capable bits. */
static void bm_clear(struct ata_channel *ch)
{
	uint8_t st = bm_in(ch, ATA_BM_STATUS);

	bm_out(ch, ATA_BM_STATUS, st | ATA_BM_ST_ERROR | ATA_BM_ST_INTERRUPT);
}

/* ---- set-up and probing --------------------------------------------- */

void ata_channel_init(struct ata_channel *ch, unsigned index, uint16_t cmd_base,
		      uint16_t ctl_base, uint16_t bm_base,
		      const struct ata_port_ops *io, struct ata_prd *prd,
		      uint32_t prd_pa, uint64_t ticks_per_ms)
{
	*ch = (struct ata_channel){
		.cmd_base = cmd_base,
		.ctl_base = ctl_base,
		.bm_base = bm_base,
		.io = io,
		.prd = prd,
		.prd_pa = prd_pa,
		.timeout_ticks = ATA_TIMEOUT_MS * ticks_per_ms,
		.reset_ticks = ATA_RESET_HOLD_MS * ticks_per_ms,
		.lock = SPINLOCK_INIT,
		.selected = UNIT_NONE,
	};
	fmt_snprintf(ch->name, sizeof(ch->name), "ata%u", index);
	for (unsigned u = 0; u < 2; u++) {
		struct ata_drive *d = &ch->drive[u];

		d->chan = ch;
		d->unit = u;
		fmt_snprintf(d->name, sizeof(d->name), "ata%u-%s", index,
			     unit_names[u]);
	}
}

/* Wait (bounded) until BSY clears; the last status, or -1. */
static int spin_not_busy(struct ata_channel *ch)
{
	for (unsigned i = 0; i < ATA_PROBE_SPINS; i++) {
		uint8_t st = alt_status(ch);

		if (st == ATA_SR_FLOATING)
			return -1;
		if (!(st & ATA_SR_BSY))
			return st;
	}
	return -1;
}

static bool is_atapi_signature(struct ata_channel *ch)
{
	return reg_in(ch, ATA_REG_LBA1) == ATA_SIG_ATAPI_LBA1 &&
	       reg_in(ch, ATA_REG_LBA2) == ATA_SIG_ATAPI_LBA2;
}

static void probe_unit(struct ata_channel *ch, struct ata_drive *d)
{
	uint16_t words[ATA_ID_WORDS];
	struct ata_taskfile tf;
	int st;

	ata_taskfile_identify(&tf, d->unit);
	ch->selected = UNIT_NONE;
	select_unit(ch, d->unit, tf.device);
	st = alt_status(ch);
	if (st == 0 || st == ATA_SR_FLOATING || spin_not_busy(ch) < 0)
		return; /* nothing there */
	reg_out(ch, ATA_REG_COMMAND, tf.command);
	delay_400ns(ch);
	if (alt_status(ch) == 0)
		return;
	st = spin_not_busy(ch);
	if (st < 0)
		return;
	if ((st & ATA_SR_ERR) || !(st & ATA_SR_DRQ)) {
		d->atapi = is_atapi_signature(ch);
		reg_in(ch, ATA_REG_STATUS);
		return;
	}
	ch->io->in16_rep(ch->io->ctx, ch->cmd_base + ATA_REG_DATA, words,
			 ATA_ID_WORDS);
	reg_in(ch, ATA_REG_STATUS); /* acknowledge the interrupt */
	if (ata_identify_parse(words, &d->id))
		return;
	d->present = true;
	d->use_dma = d->id.dma && ch->bm_base;
}

unsigned ata_channel_probe(struct ata_channel *ch)
{
	unsigned found = 0;

	if (alt_status(ch) == ATA_SR_FLOATING)
		return 0;   /* no drive pulls the bus down */
	control_out(ch, 0); /* interrupts on: the bus master sees them */
	for (unsigned u = 0; u < 2; u++) {
		probe_unit(ch, &ch->drive[u]);
		found += ch->drive[u].present;
	}
	if (ch->bm_base)
		bm_clear(ch);
	return found;
}

/* ---- the queue ------------------------------------------------------ */

static void push(struct ata_request **head, struct ata_request **tail,
		 struct ata_request *req)
{
	req->next = NULL;
	if (*tail)
		(*tail)->next = req;
	else
		*head = req;
	*tail = req;
}

static const char *op_name(const struct ata_request *req)
{
	static const char *const names[] = {
		[ATA_OP_READ] = "read",
		[ATA_OP_WRITE] = "write",
		[ATA_OP_FLUSH] = "flush",
	};

	return names[req->op];
}

/* Hand req to the done list; its callback runs at the end of a poll. */
static void complete(struct ata_channel *ch, struct ata_request *req,
		     enum ata_result result)
{
	req->result = result;
	if (result == ATA_OK)
		req->error[0] = '\0';
	else
		pr_err("%s", req->error);
	push(&ch->done_head, &ch->done_tail, req);
	if (result == ATA_OK)
		ch->completed++;
	else
		ch->failed++;
}

/* The request's buffers: its list, or its one buffer as a list. */
static const struct ata_seg *req_segs(const struct ata_request *r, unsigned *n)
{
	*n = r->segs ? r->nsegs : 1;
	return r->segs ? r->segs : &r->one;
}

/* Every buffer holds whole sectors, count of them in all. */
static bool segs_fit(const struct ata_request *r)
{
	uint64_t bytes = 0;
	unsigned n;
	const struct ata_seg *s = req_segs(r, &n);

	if (!n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (!s[i].va || !s[i].bytes || s[i].bytes % ATA_SECTOR_SIZE)
			return false;
		bytes += s[i].bytes;
	}
	return bytes == (uint64_t)r->count << ATA_SECTOR_SHIFT;
}

static int refuse_reason(const struct ata_drive *d, struct ata_request *r,
			 enum ata_result *res)
{
	if (!d->present) {
		*res = ATA_ENODEV;
		return fmt_snprintf(r->error, ATA_ERROR_MAX,
				    "%s: no disk there", d->name);
	}
	if (r->op == ATA_OP_FLUSH)
		return 0;
	if (!r->count || !segs_fit(r)) {
		*res = ATA_EINVAL;
		return fmt_snprintf(r->error, ATA_ERROR_MAX,
				    "%s: %s of %u sectors at LBA %lu: %s",
				    d->name, op_name(r), r->count,
				    (unsigned long)r->lba,
				    !r->count ? "no sectors"
				    : r->segs ? "its buffers do not hold "
						"exactly its sectors"
					      : "no buffer");
	}
	if (r->lba >= d->id.sectors || r->count > d->id.sectors - r->lba) {
		*res = ATA_ERANGE;
		return fmt_snprintf(r->error, ATA_ERROR_MAX,
				    "%s: %s of %u sectors at LBA %lu goes "
				    "beyond the disk's %lu sectors",
				    d->name, op_name(r), r->count,
				    (unsigned long)r->lba,
				    (unsigned long)d->id.sectors);
	}
	return 0;
}

static void start(struct ata_channel *ch);

void ata_submit(struct ata_drive *drive, struct ata_request *req)
{
	struct ata_channel *ch = drive->chan;
	enum ata_result res = ATA_OK;

	req->drive = drive;
	req->one = (struct ata_seg){
		.va = req->buf,
		.pa = req->buf_pa,
		.bytes = req->count << ATA_SECTOR_SHIFT,
	};
	req->sectors_done = 0;
	req->chunk = 0;
	req->pio_done = 0;
	req->error[0] = '\0';
	spin_lock(&ch->lock);
	if (refuse_reason(drive, req, &res)) {
		complete(ch, req, res);
	} else {
		push(&ch->head, &ch->tail, req);
		if (ch->state == ATA_CH_IDLE)
			start(ch);
	}
	spin_unlock(&ch->lock);
}

bool ata_channel_busy(struct ata_channel *ch)
{
	bool busy;

	spin_lock(&ch->lock);
	busy = ch->head || ch->done_head;
	spin_unlock(&ch->lock);
	return busy;
}

/* ---- commands ------------------------------------------------------- */

/* The head request leaves the queue with its result. */
static void finish(struct ata_channel *ch, enum ata_result result)
{
	struct ata_request *req = ch->head;

	ch->head = req->next;
	if (!ch->head)
		ch->tail = NULL;
	ch->state = ATA_CH_IDLE;
	complete(ch, req, result);
}

/* Fail the head request with a message about its command in flight. */
static void fail(struct ata_channel *ch, enum ata_result result,
		 const char *why, uint8_t status)
{
	struct ata_request *req = ch->head;
	uint8_t err = (status & ATA_SR_ERR) ? reg_in(ch, ATA_REG_ERROR) : 0;
	int n;

	if (req->op == ATA_OP_FLUSH)
		n = fmt_snprintf(req->error, ATA_ERROR_MAX,
				 "%s: %s failed: ", req->drive->name,
				 ata_command_name(req->tf.command));
	else
		n = fmt_snprintf(req->error, ATA_ERROR_MAX,
				 "%s: %s of %u sectors at LBA %lu failed: ",
				 req->drive->name,
				 ata_command_name(req->tf.command), req->chunk,
				 (unsigned long)(req->lba + req->sectors_done));
	if (n < ATA_ERROR_MAX)
		fmt_snprintf(req->error + n, ATA_ERROR_MAX - n,
			     "%s (status 0x%02x, error 0x%02x)", why, status,
			     err);
	finish(ch, result);
}

/* Choose the next command of the head request and fill req->tf. */
static int prepare(struct ata_channel *ch, struct ata_request *req)
{
	struct ata_drive *d = req->drive;
	uint32_t max = d->id.lba48 ? ATA_CHUNK_MAX : ATA_LBA28_MAX_COUNT;
	uint64_t offset = (uint64_t)req->sectors_done << ATA_SECTOR_SHIFT;

	req->pio_done = 0;
	if (req->op == ATA_OP_FLUSH) {
		req->chunk = 0;
		ata_taskfile_flush(&req->tf, d->unit, d->id.flush_ext);
		return 0;
	}
	req->chunk = MIN(req->count - req->sectors_done, max);
	req->xfer = ATA_XFER_PIO;
	if (d->use_dma) {
		unsigned n;
		const struct ata_seg *segs = req_segs(req, &n);
		int64_t bytes = ata_prd_build_sg(
			ch->prd, ATA_PRD_MAX, segs, n, offset,
			(uint64_t)req->chunk << ATA_SECTOR_SHIFT,
			ATA_SECTOR_SIZE);

		if (bytes > 0) { /* as much as one PRD table holds */
			req->chunk = (uint32_t)(bytes >> ATA_SECTOR_SHIFT);
			req->xfer = ATA_XFER_DMA;
		}
	}
	return ata_taskfile_rw(&req->tf, req->op == ATA_OP_WRITE, req->xfer,
			       req->lba + req->sectors_done, req->chunk,
			       d->unit, d->id.lba48);
}

static void write_taskfile(struct ata_channel *ch,
			   const struct ata_taskfile *tf)
{
	if (tf->lba48) { /* high-order bytes first ("previous content") */
		reg_out(ch, ATA_REG_COUNT, tf->count[1]);
		reg_out(ch, ATA_REG_LBA0, tf->lba[3]);
		reg_out(ch, ATA_REG_LBA1, tf->lba[4]);
		reg_out(ch, ATA_REG_LBA2, tf->lba[5]);
	}
	reg_out(ch, ATA_REG_COUNT, tf->count[0]);
	reg_out(ch, ATA_REG_LBA0, tf->lba[0]);
	reg_out(ch, ATA_REG_LBA1, tf->lba[1]);
	reg_out(ch, ATA_REG_LBA2, tf->lba[2]);
	reg_out(ch, ATA_REG_DEVICE, tf->device);
}

static const enum ata_chan_state xfer_states[2][2] = {
	[false] = {[ATA_XFER_DMA] = ATA_CH_DMA, [ATA_XFER_PIO] = ATA_CH_PIO_IN},
	[true] = {[ATA_XFER_DMA] = ATA_CH_DMA, [ATA_XFER_PIO] = ATA_CH_PIO_OUT},
};

/* Issue the head request's prepared command; the drive is selected and
 * neither busy nor asking for data. */
static void issue(struct ata_channel *ch)
{
	struct ata_request *req = ch->head;
	bool dma = req->tf.data && req->xfer == ATA_XFER_DMA;
	uint8_t dir = req->op == ATA_OP_READ ? ATA_BM_CMD_READ : 0;

	if (dma) {
		ch->io->out32(ch->io->ctx, ch->bm_base + ATA_BM_PRDT,
			      ch->prd_pa);
		bm_out(ch, ATA_BM_COMMAND, dir);
		bm_clear(ch);
	}
	write_taskfile(ch, &req->tf);
	reg_out(ch, ATA_REG_COMMAND, req->tf.command);
	if (dma)
		bm_out(ch, ATA_BM_COMMAND, dir | ATA_BM_CMD_START);
	delay_400ns(ch);
	ch->deadline = 0;
	if (!req->tf.data)
		ch->state = ATA_CH_NODATA;
	else
		ch->state = xfer_states[req->op == ATA_OP_WRITE][req->xfer];
}

/* Issue the head's prepared command if its drive is ready, else wait. */
static void try_issue(struct ata_channel *ch)
{
	struct ata_request *req = ch->head;

	select_unit(ch, req->drive->unit, req->tf.device);
	if (alt_status(ch) & (ATA_SR_BSY | ATA_SR_DRQ)) {
		ch->state = ATA_CH_WAIT_READY;
		return;
	}
	issue(ch);
}

/* Start the head request's next command (the channel is idle). */
static void start(struct ata_channel *ch)
{
	struct ata_request *req = ch->head;

	if (prepare(ch, req)) {
		fmt_snprintf(req->error, ATA_ERROR_MAX,
			     "%s: %s of %u sectors at LBA %lu: no command "
			     "can address it",
			     req->drive->name, op_name(req), req->count,
			     (unsigned long)req->lba);
		finish(ch, ATA_ERANGE);
		return;
	}
	ch->deadline = 0;
	try_issue(ch);
}

/* The command in flight ended well: next command, or the request is done. */
static void command_done(struct ata_channel *ch)
{
	struct ata_request *req = ch->head;

	req->sectors_done += req->chunk;
	if (req->op == ATA_OP_FLUSH || req->sectors_done == req->count) {
		finish(ch, ATA_OK);
		return;
	}
	ch->state = ATA_CH_IDLE;
	start(ch);
}

/* Read the status register (acknowledging the drive's interrupt) and
 * end the command by it. */
static void end_by_status(struct ata_channel *ch)
{
	uint8_t st = reg_in(ch, ATA_REG_STATUS);

	if (st & (ATA_SR_ERR | ATA_SR_DF))
		fail(ch, ATA_EIO,
		     st & ATA_SR_DF ? "device fault"
				    : "the drive reported an "
				      "error",
		     st);
	else
		command_done(ch);
}

/* ---- the state machine, one step per poll ----------------------------- */

static void step_wait_ready(struct ata_channel *ch, uint64_t now)
{
	if (!(alt_status(ch) & (ATA_SR_BSY | ATA_SR_DRQ)))
		issue(ch);
}

static void step_dma(struct ata_channel *ch, uint64_t now)
{
	uint8_t bm = bm_in(ch, ATA_BM_STATUS);
	uint8_t st;

	if (!(bm & (ATA_BM_ST_INTERRUPT | ATA_BM_ST_ERROR)))
		return;
	if ((alt_status(ch) & ATA_SR_BSY) && !(bm & ATA_BM_ST_ERROR))
		return;
	bm_out(ch, ATA_BM_COMMAND, 0); /* stop the engine */
	st = reg_in(ch, ATA_REG_STATUS);
	bm_clear(ch);
	if (bm & ATA_BM_ST_ERROR)
		fail(ch, ATA_EIO, "bus-master DMA error", st);
	else if (st & (ATA_SR_ERR | ATA_SR_DF | ATA_SR_DRQ))
		fail(ch, ATA_EIO,
		     st & ATA_SR_DRQ ? "the drive wants more data than the "
				       "PRD table gave"
				     : "the drive reported an error",
		     st);
	else
		command_done(ch);
}

/* Where the next sector moved by PIO is: every buffer holds whole
 * sectors (segs_fit), so a sector lies in one. */
static void *pio_sector(struct ata_request *req)
{
	uint64_t off = (uint64_t)(req->sectors_done + req->pio_done)
		       << ATA_SECTOR_SHIFT;
	unsigned n, i = 0;
	const struct ata_seg *segs = req_segs(req, &n);

	while (off >= segs[i].bytes)
		off -= segs[i++].bytes;
	return (uint8_t *)segs[i].va + off;
}

static void step_pio_in(struct ata_channel *ch, uint64_t now)
{
	struct ata_request *req = ch->head;

	for (;;) {
		uint8_t st = alt_status(ch);

		if (st & ATA_SR_BSY)
			return;
		if (st & (ATA_SR_ERR | ATA_SR_DF)) {
			end_by_status(ch);
			return;
		}
		if (!(st & ATA_SR_DRQ))
			return;
		ch->io->in16_rep(ch->io->ctx, ch->cmd_base + ATA_REG_DATA,
				 pio_sector(req), SECTOR_WORDS);
		ch->deadline = 0;
		if (++req->pio_done == req->chunk) {
			delay_400ns(ch);
			end_by_status(ch);
			return;
		}
	}
}

static void step_pio_out(struct ata_channel *ch, uint64_t now)
{
	struct ata_request *req = ch->head;

	for (;;) {
		uint8_t st = alt_status(ch);

		if (st & ATA_SR_BSY)
			return;
		if ((st & (ATA_SR_ERR | ATA_SR_DF)) ||
		    req->pio_done == req->chunk) {
			end_by_status(ch);
			return;
		}
		if (!(st & ATA_SR_DRQ))
			return;
		ch->io->out16_rep(ch->io->ctx, ch->cmd_base + ATA_REG_DATA,
				  pio_sector(req), SECTOR_WORDS);
		req->pio_done++;
		ch->deadline = 0;
		delay_400ns(ch);
	}
}

static void step_nodata(struct ata_channel *ch, uint64_t now)
{
	if (alt_status(ch) & ATA_SR_BSY)
		return;
	if (ch->bm_base)
		bm_clear(ch);
	end_by_status(ch);
}

static void step_reset(struct ata_channel *ch, uint64_t now)
{
	if (now < ch->deadline)
		return;
	control_out(ch, 0); /* release SRST; interrupts on */
	ch->selected = UNIT_NONE;
	ch->state = ATA_CH_IDLE;
}

/* No progress for ATA_TIMEOUT_MS: fail the command, reset the channel. */
static void time_out(struct ata_channel *ch, uint64_t now)
{
	uint8_t st = alt_status(ch);
	char why[48];

	if (ch->bm_base)
		bm_out(ch, ATA_BM_COMMAND, 0);
	fmt_snprintf(why, sizeof(why), "no answer in %u ms, channel reset",
		     ATA_TIMEOUT_MS);
	fail(ch, ATA_ETIMEDOUT, why, (uint8_t)(st & ~ATA_SR_ERR));
	control_out(ch, ATA_CTL_SRST | ATA_CTL_NIEN);
	ch->state = ATA_CH_RESET;
	ch->deadline = now + ch->reset_ticks;
}

typedef void (*ata_step_fn)(struct ata_channel *ch, uint64_t now);

static const ata_step_fn steps[ATA_CH_STATES] = {
	[ATA_CH_WAIT_READY] = step_wait_ready, [ATA_CH_DMA] = step_dma,
	[ATA_CH_PIO_IN] = step_pio_in,	       [ATA_CH_PIO_OUT] = step_pio_out,
	[ATA_CH_NODATA] = step_nodata,	       [ATA_CH_RESET] = step_reset,
};

static void advance(struct ata_channel *ch, uint64_t now)
{
	if (ch->state != ATA_CH_IDLE)
		steps[ch->state](ch, now);
	if (ch->state == ATA_CH_IDLE && ch->head)
		start(ch);
	if (ch->state == ATA_CH_IDLE || ch->state == ATA_CH_RESET)
		return;
	/* Progress sets the deadline to 0: it counts from the first poll
	 * that saw the command waiting. */
	if (!ch->deadline)
		ch->deadline = now + ch->timeout_ticks;
	else if (now >= ch->deadline)
		time_out(ch, now);
}

void ata_channel_poll(struct ata_channel *ch, uint64_t now)
{
	struct ata_request *done;

	/* Nothing to do (read without the lock: a request submitted now
	 * is issued by its submit, and seen by the next poll). */
	if (!__atomic_load_n(&ch->head, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&ch->done_head, __ATOMIC_RELAXED) &&
	    __atomic_load_n(&ch->state, __ATOMIC_RELAXED) == ATA_CH_IDLE)
		return;
	spin_lock(&ch->lock);
	advance(ch, now);
	done = ch->done_head;
	ch->done_head = ch->done_tail = NULL;
	spin_unlock(&ch->lock);
	while (done) {
		struct ata_request *next = done->next;

		done->next = NULL;
		done->done(done);
		done = next;
	}
}

void ata_format_size(uint64_t sectors, char *buf, size_t size)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	uint64_t kib = sectors / 2, scale = 1;
	unsigned u = 0;

	while (u + 1 < ARRAY_SIZE(units) && kib >= scale * 1024) {
		scale *= 1024;
		u++;
	}
	if (kib % scale == 0)
		fmt_snprintf(buf, size, "%lu %s", (unsigned long)(kib / scale),
			     units[u]);
	else
		fmt_snprintf(
			buf, size, "%lu.%lu %s", (unsigned long)(kib / scale),
			(unsigned long)(kib % scale * 10 / scale), units[u]);
}
