/*
 * tests/unit/fake_ide.h - a fake IDE channel for the ATA driver's tests:
 * the task-file registers of two drives (disks backed by malloc'd
 * images), the control block, and a bus-master DMA engine that walks
 * the PRD table in a fake physical memory. Like a real channel it
 * answers only through ports; a DMA transfer happens when the test
 * calls fake_ide_run (or at once with auto_run), so a test sees the
 * request still in flight. It records every command and checks what a
 * device would refuse: a command while busy, a PRD entry across 64 KiB,
 * a PRD table that does not cover the transfer. fake_va_to_pa and
 * fake_ide_poll (on fake_chan) let drivers/block/ata_disk.c run on it.
 */
#ifndef TESTS_UNIT_FAKE_IDE_H
#define TESTS_UNIT_FAKE_IDE_H

#include <stdlib.h>
#include <string.h>
#include "drivers/hw/ata.h"

#define FAKE_CMD      0x170
#define FAKE_CTL      0x376
#define FAKE_BM	      0xc008
#define FAKE_RAM_SIZE (4 * 1024 * 1024)
#define FAKE_PRD_PA   0x1000 /* the channel's PRD table in fake RAM */
#define FAKE_LOG_MAX  64

enum fake_phase { FP_IDLE, FP_DMA, FP_PIO_IN, FP_PIO_OUT, FP_HUNG };

struct fake_cmd {
	uint8_t command;
	unsigned unit;
	uint64_t lba;
	uint32_t count;
	bool lba48;	      /* the drive saw an EXT command */
	unsigned prd_entries; /* DMA: entries the engine walked */
};

struct fake_unit {
	bool present, atapi, lba48;
	uint8_t *image;
	uint64_t sectors;
};

struct fake_ide {
	struct fake_unit unit[2];
	uint8_t *ram;
	/* registers: [0] current, [1] previous write ("HOB") */
	uint8_t count[2], lba0[2], lba1[2], lba2[2];
	uint8_t device, status, error, control;
	unsigned selected;
	/* the command in progress */
	struct fake_cmd cur;
	enum fake_phase phase;
	uint64_t pio_lba;
	uint32_t pio_left;
	uint16_t pio_buf[256];
	unsigned pio_word;
	bool pio_identify;
	/* bus master */
	uint8_t bm_cmd, bm_status;
	uint32_t prdt;
	/* knobs */
	bool auto_run;	     /* DMA moves data when started */
	bool fail_next;	     /* the next command ends in ERR/ABRT */
	bool hang_next;	     /* the next command never ends */
	unsigned busy_reads; /* status shows BSY this many more reads */
	/* what it saw */
	struct fake_cmd log[FAKE_LOG_MAX];
	unsigned nlog;
	unsigned violations; /* things a real device would refuse */
	unsigned resets;
	unsigned flushes;
};

static struct fake_ide fake;

static uint64_t fake_tf_lba(bool lba48)
{
	uint64_t lba = fake.lba0[0] | (uint64_t)fake.lba1[0] << 8 |
		       (uint64_t)fake.lba2[0] << 16;

	if (lba48)
		return lba | (uint64_t)fake.lba0[1] << 24 |
		       (uint64_t)fake.lba1[1] << 32 |
		       (uint64_t)fake.lba2[1] << 40;
	return lba | (uint64_t)(fake.device & 0x0f) << 24;
}

static uint32_t fake_tf_count(bool lba48)
{
	uint32_t c = fake.count[0] | (lba48 ? fake.count[1] << 8 : 0);

	return c ? c : (lba48 ? 65536 : 256);
}

static void fake_finish(bool error)
{
	fake.phase = FP_IDLE;
	fake.status = ATA_SR_DRDY | (error ? ATA_SR_ERR : 0);
	fake.error = error ? ATA_ER_ABRT : 0;
	if (!(fake.control & ATA_CTL_NIEN))
		fake.bm_status |= ATA_BM_ST_INTERRUPT;
}

static void fake_identify(struct fake_unit *u)
{
	static const char model[40] =
		"fake disk model                         ";

	memset(fake.pio_buf, 0, sizeof(fake.pio_buf));
	for (unsigned i = 0; i < 20; i++)
		fake.pio_buf[ATA_ID_MODEL + i] =
			(uint16_t)(model[2 * i] << 8 | model[2 * i + 1]);
	fake.pio_buf[ATA_ID_CAPABILITIES] = ATA_ID_CAP_LBA | ATA_ID_CAP_DMA;
	fake.pio_buf[ATA_ID_LBA28_SECTORS] =
		(uint16_t)MIN(u->sectors, 0x0fffffff);
	fake.pio_buf[ATA_ID_LBA28_SECTORS + 1] =
		(uint16_t)(MIN(u->sectors, 0x0fffffff) >> 16);
	if (u->lba48) {
		fake.pio_buf[ATA_ID_CMDSET2] = ATA_ID_CMDSET2_VALID |
					       ATA_ID_CMDSET2_LBA48 |
					       ATA_ID_CMDSET2_FLUSH48;
		for (unsigned i = 0; i < 4; i++)
			fake.pio_buf[ATA_ID_LBA48_SECTORS + i] =
				(uint16_t)(u->sectors >> (16 * i));
	}
	fake.pio_word = 0;
	fake.pio_left = 1;
	fake.pio_identify = true;
	fake.phase = FP_PIO_IN;
	fake.status = ATA_SR_DRDY | ATA_SR_DRQ;
}

static void fake_pio_load(void)
{
	memcpy(fake.pio_buf,
	       fake.unit[fake.selected].image + fake.pio_lba * ATA_SECTOR_SIZE,
	       ATA_SECTOR_SIZE);
	fake.pio_word = 0;
}

static void fake_command(uint8_t cmd)
{
	struct fake_unit *u = &fake.unit[fake.selected];
	bool ext = cmd == ATA_CMD_READ_DMA_EXT ||
		   cmd == ATA_CMD_WRITE_DMA_EXT ||
		   cmd == ATA_CMD_READ_SECTORS_EXT ||
		   cmd == ATA_CMD_WRITE_SECTORS_EXT ||
		   cmd == ATA_CMD_FLUSH_CACHE_EXT;

	if (!u->present && !u->atapi)
		return; /* nobody answers */
	if ((fake.status & (ATA_SR_BSY | ATA_SR_DRQ)) || fake.phase != FP_IDLE)
		fake.violations++;
	fake.cur = (struct fake_cmd){
		.command = cmd,
		.unit = fake.selected,
		.lba48 = ext,
	};
	if (cmd == ATA_CMD_IDENTIFY) {
		if (u->atapi) {
			fake.lba1[0] = ATA_SIG_ATAPI_LBA1;
			fake.lba2[0] = ATA_SIG_ATAPI_LBA2;
			fake_finish(true);
		} else {
			fake_identify(u);
		}
		return;
	}
	if (cmd != ATA_CMD_FLUSH_CACHE && cmd != ATA_CMD_FLUSH_CACHE_EXT) {
		fake.cur.lba = fake_tf_lba(ext);
		fake.cur.count = fake_tf_count(ext);
	}
	if (fake.nlog < FAKE_LOG_MAX)
		fake.log[fake.nlog++] = fake.cur;
	if (u->atapi || fake.fail_next) {
		fake.fail_next = false;
		fake_finish(true);
		return;
	}
	if (fake.hang_next) {
		fake.hang_next = false;
		fake.phase = FP_HUNG;
		fake.status = ATA_SR_BSY;
		return;
	}
	if (fake.cur.lba + fake.cur.count > u->sectors)
		fake.violations++;
	switch (cmd) {
	case ATA_CMD_READ_DMA:
	case ATA_CMD_READ_DMA_EXT:
	case ATA_CMD_WRITE_DMA:
	case ATA_CMD_WRITE_DMA_EXT:
		fake.phase = FP_DMA;
		fake.status = ATA_SR_DRDY | ATA_SR_BSY;
		break;
	case ATA_CMD_READ_SECTORS:
	case ATA_CMD_READ_SECTORS_EXT:
		fake.phase = FP_PIO_IN;
		fake.pio_identify = false;
		fake.pio_lba = fake.cur.lba;
		fake.pio_left = fake.cur.count;
		fake_pio_load();
		fake.status = ATA_SR_DRDY | ATA_SR_DRQ;
		break;
	case ATA_CMD_WRITE_SECTORS:
	case ATA_CMD_WRITE_SECTORS_EXT:
		fake.phase = FP_PIO_OUT;
		fake.pio_lba = fake.cur.lba;
		fake.pio_left = fake.cur.count;
		fake.pio_word = 0;
		fake.status = ATA_SR_DRDY | ATA_SR_DRQ;
		break;
	case ATA_CMD_FLUSH_CACHE:
	case ATA_CMD_FLUSH_CACHE_EXT:
		fake.flushes++;
		fake_finish(false);
		break;
	default: fake_finish(true);
	}
}

/* The DMA engine moves the whole transfer, if one is started. */
static void fake_ide_run(void)
{
	struct fake_unit *u = &fake.unit[fake.cur.unit];
	bool to_mem = fake.bm_cmd & ATA_BM_CMD_READ;
	uint64_t off = fake.cur.lba * ATA_SECTOR_SIZE;
	uint64_t want = (uint64_t)fake.cur.count * ATA_SECTOR_SIZE, done = 0;
	uint32_t pa = fake.prdt;

	if (fake.phase != FP_DMA || !(fake.bm_cmd & ATA_BM_CMD_START))
		return;
	for (unsigned n = 1;; n++, pa += 8) {
		struct ata_prd prd;
		uint32_t len;

		memcpy(&prd, fake.ram + pa, sizeof(prd));
		len = prd.bytes ? prd.bytes : 65536;
		if (prd.addr / 65536 != (prd.addr + len - 1) / 65536 ||
		    (uint64_t)prd.addr + len > FAKE_RAM_SIZE ||
		    done + len > want)
			fake.violations++;
		else if (to_mem)
			memcpy(fake.ram + prd.addr, u->image + off + done, len);
		else
			memcpy(u->image + off + done, fake.ram + prd.addr, len);
		done += len;
		fake.log[fake.nlog - 1].prd_entries = n;
		if (prd.flags & ATA_PRD_EOT)
			break;
	}
	if (done != want)
		fake.violations++;
	fake.bm_status &= ~ATA_BM_ST_ACTIVE;
	fake_finish(false);
}

static uint8_t fake_status(void)
{
	if (!fake.unit[fake.selected].present &&
	    !fake.unit[fake.selected].atapi)
		return 0;
	if (fake.busy_reads) {
		fake.busy_reads--;
		return ATA_SR_BSY;
	}
	return fake.status;
}

static uint8_t fake_in8(void *ctx, uint16_t port)
{
	switch (port) {
	case FAKE_CMD + ATA_REG_ERROR: return fake.error;
	case FAKE_CMD + ATA_REG_COUNT: return fake.count[0];
	case FAKE_CMD + ATA_REG_LBA0: return fake.lba0[0];
	case FAKE_CMD + ATA_REG_LBA1: return fake.lba1[0];
	case FAKE_CMD + ATA_REG_LBA2: return fake.lba2[0];
	case FAKE_CMD + ATA_REG_DEVICE: return fake.device;
	case FAKE_CMD + ATA_REG_STATUS: return fake_status();
	case FAKE_CTL: return fake_status();
	case FAKE_BM + ATA_BM_COMMAND: return fake.bm_cmd;
	case FAKE_BM + ATA_BM_STATUS:
		if (fake.auto_run)
			fake_ide_run();
		return fake.bm_status;
	}
	fake.violations++;
	return 0xff;
}

static void push_reg(uint8_t *r, uint8_t v)
{
	r[1] = r[0];
	r[0] = v;
}

static void fake_out8(void *ctx, uint16_t port, uint8_t v)
{
	switch (port) {
	case FAKE_CMD + ATA_REG_FEATURE: return;
	case FAKE_CMD + ATA_REG_COUNT: push_reg(fake.count, v); return;
	case FAKE_CMD + ATA_REG_LBA0: push_reg(fake.lba0, v); return;
	case FAKE_CMD + ATA_REG_LBA1: push_reg(fake.lba1, v); return;
	case FAKE_CMD + ATA_REG_LBA2: push_reg(fake.lba2, v); return;
	case FAKE_CMD + ATA_REG_DEVICE:
		fake.device = v;
		fake.selected = (v & ATA_DEV_DRV1) ? 1 : 0;
		return;
	case FAKE_CMD + ATA_REG_COMMAND: fake_command(v); return;
	case FAKE_CTL:
		if ((fake.control & ATA_CTL_SRST) && !(v & ATA_CTL_SRST)) {
			fake.phase = FP_IDLE;
			fake.status = ATA_SR_DRDY;
			fake.resets++;
		} else if (v & ATA_CTL_SRST) {
			fake.status = ATA_SR_BSY;
		}
		fake.control = v;
		return;
	case FAKE_BM + ATA_BM_COMMAND:
		if ((v & ATA_BM_CMD_START) && !(fake.bm_cmd & ATA_BM_CMD_START))
			fake.bm_status |= ATA_BM_ST_ACTIVE;
		if (!(v & ATA_BM_CMD_START))
			fake.bm_status &= ~ATA_BM_ST_ACTIVE;
		fake.bm_cmd = v;
		return;
	case FAKE_BM + ATA_BM_STATUS:
		fake.bm_status &=
			~(v & (ATA_BM_ST_ERROR | ATA_BM_ST_INTERRUPT));
		fake.bm_status = (fake.bm_status & 0x07) | (v & 0x60);
		return;
	}
	fake.violations++;
}

static void fake_out32(void *ctx, uint16_t port, uint32_t v)
{
	if (port == FAKE_BM + ATA_BM_PRDT)
		fake.prdt = v;
	else
		fake.violations++;
}

static void fake_in16_rep(void *ctx, uint16_t port, uint16_t *buf,
			  unsigned words)
{
	if (port != FAKE_CMD || fake.phase != FP_PIO_IN) {
		fake.violations++;
		return;
	}
	for (unsigned i = 0; i < words; i++) {
		buf[i] = fake.pio_buf[fake.pio_word++];
		if (fake.pio_word < 256)
			continue;
		if (--fake.pio_left == 0 || fake.pio_identify) {
			fake_finish(false);
			if (i + 1 < words)
				fake.violations++;
			return;
		}
		fake.pio_lba++;
		fake_pio_load();
	}
}

static void fake_out16_rep(void *ctx, uint16_t port, const uint16_t *buf,
			   unsigned words)
{
	uint8_t *image = fake.unit[fake.selected].image;

	if (port != FAKE_CMD || fake.phase != FP_PIO_OUT) {
		fake.violations++;
		return;
	}
	for (unsigned i = 0; i < words; i++) {
		fake.pio_buf[fake.pio_word++] = buf[i];
		if (fake.pio_word < 256)
			continue;
		memcpy(image + fake.pio_lba * ATA_SECTOR_SIZE, fake.pio_buf,
		       ATA_SECTOR_SIZE);
		fake.pio_word = 0;
		fake.pio_lba++;
		if (--fake.pio_left == 0) {
			fake_finish(false);
			return;
		}
	}
}

static const struct ata_port_ops fake_ops = {
	.in8 = fake_in8,
	.out8 = fake_out8,
	.out32 = fake_out32,
	.in16_rep = fake_in16_rep,
	.out16_rep = fake_out16_rep,
};

/* A disk of `sectors` on unit u, each byte of sector s = (s + i) & 0xff. */
static void fake_add_disk(unsigned u, uint64_t sectors, bool lba48)
{
	struct fake_unit *d = &fake.unit[u];

	d->present = true;
	d->lba48 = lba48;
	d->sectors = sectors;
	d->image = malloc(sectors * ATA_SECTOR_SIZE);
	for (uint64_t s = 0; s < sectors; s++)
		for (unsigned i = 0; i < ATA_SECTOR_SIZE; i++)
			d->image[s * ATA_SECTOR_SIZE + i] = (uint8_t)(s + i);
}

static void fake_reset(void)
{
	for (unsigned u = 0; u < 2; u++)
		free(fake.unit[u].image);
	free(fake.ram);
	memset(&fake, 0, sizeof(fake));
	fake.ram = calloc(1, FAKE_RAM_SIZE);
	fake.status = ATA_SR_DRDY;
}

/* ---- for drivers/block/ata_disk.c over the fake ---------------------- */

/* The channel the test drives; fake_ide_poll moves it on. */
static struct ata_channel *fake_chan;

/* A buffer's "physical" address: its offset in the fake memory. */
static inline hpa_t fake_va_to_pa(const void *va)
{
	return (hpa_t)((const uint8_t *)va - fake.ram);
}

/* The ATA driver's poll (ata_poll on the hypervisor): the DMA runs,
 * then the channel sees it done, a tick later each time. */
static inline void fake_ide_poll(void)
{
	static uint64_t now;

	fake_ide_run();
	ata_channel_poll(fake_chan, now++);
}

#endif
