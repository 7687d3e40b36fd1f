/*
 * tests/unit/fake_ahci.h - a fake AHCI HBA for the AHCI driver's tests:
 * the generic host control and port registers of FAKE_PORTS ports, the
 * disks behind them (malloc'd images), and an HBA that fetches a
 * command from the command list in a fake physical memory, checks it
 * as a real HBA and device would (the command header, the command FIS,
 * each PRD entry: word-aligned address, byte count - 1 with bit 0 set,
 * the PRDT covering the transfer, the W bit for writes), moves the data
 * and posts the completion in PxCI, PxIS, PxTFD and PRDBC.
 * Like a real HBA it answers only through registers and memory; a
 * command runs when the test calls fake_ahci_run (or on the next read
 * of PxCI or PxIS with auto_run, and always for IDENTIFY DEVICE), so a
 * test sees it still in flight. Its
 * clock advances by one tick at every read of it.
 */
#ifndef TESTS_UNIT_FAKE_AHCI_H
#define TESTS_UNIT_FAKE_AHCI_H

#include <stdlib.h>
#include <string.h>
#include "drivers/hw/ahci.h"

#define FAKE_PORTS     4
#define FAKE_RAM_SIZE  (8 * 1024 * 1024)
#define FAKE_LOG_MAX   64
#define FAKE_STATUS_OK (ATA_SR_DRDY | 0x10) /* DRDY, DSC: 0x50 */

struct fake_cmd {
	uint8_t command;
	uint64_t lba;
	uint32_t count; /* sectors the FIS asked for (0 = max) */
	unsigned prd_entries;
	uint64_t prd_bytes; /* what the PRDT describes */
	bool write_bit;	    /* the header's W bit */
};

struct fake_port {
	/* the device */
	bool device, atapi, lba48;
	uint8_t *image;
	uint64_t sectors;
	/* knobs */
	bool fail_next;	    /* the next command ends in a task file error */
	bool hung;	    /* commands never end, BSY stays, until COMRESET */
	bool mute;	    /* commands never end, whatever is done */
	bool gone_on_reset; /* after a COMRESET the link stays down */
	bool never_ready;   /* BSY from the start, even after COMRESET */
	/* registers */
	uint32_t clb, clbu, fb, fbu, is, ie, cmd, tfd, sig, ssts, sctl;
	uint32_t serr, ci;
	/* what it saw */
	struct fake_cmd log[FAKE_LOG_MAX];
	unsigned nlog;
	unsigned comresets;
};

struct fake_ahci {
	uint8_t *ram;
	uint32_t cap, cap2, ghc, pi, vs, bohc;
	bool bios_busy; /* BOHC.BB stays set for a while after OOS */
	struct fake_port port[FAKE_PORTS];
	uint64_t clock;
	bool auto_run;
	unsigned violations; /* things a real HBA or device would refuse */
	char violation[128]; /* the first one */
};

static struct fake_ahci fake;

static void fake_violation(const char *what)
{
	if (!fake.violations++)
		strncpy(fake.violation, what, sizeof(fake.violation) - 1);
}

static void fake_reset(void)
{
	for (unsigned p = 0; p < FAKE_PORTS; p++)
		free(fake.port[p].image);
	free(fake.ram);
	memset(&fake, 0, sizeof(fake));
	fake.ram = calloc(1, FAKE_RAM_SIZE);
	/* 4 ports, 32 slots, 32-bit addressing only */
	fake.cap = (FAKE_PORTS - 1) | (31u << AHCI_CAP_NCS_SHIFT);
	fake.vs = 0x00010301;
	for (unsigned p = 0; p < FAKE_PORTS; p++) {
		fake.port[p].tfd = 0x7f; /* no D2H FIS received yet */
		fake.port[p].sig = 0xffffffff;
	}
}

/* A disk of `sectors` on port p; its image holds byte (offset * 7). */
static void fake_add_disk(unsigned p, uint64_t sectors, bool lba48)
{
	struct fake_port *fp = &fake.port[p];

	fake.pi |= 1u << p;
	fp->device = true;
	fp->lba48 = lba48;
	fp->sectors = sectors;
	fp->image = malloc(sectors * 512);
	for (uint64_t i = 0; i < sectors * 512; i++)
		fp->image[i] = (uint8_t)(i * 7);
	fp->ssts = AHCI_SSTS_DET_PRESENT | 1u << AHCI_SSTS_SPD_SHIFT | 1u << 8;
}

static void fake_link_up(struct fake_port *fp)
{
	if (!fp->device)
		return;
	fp->ssts = AHCI_SSTS_DET_PRESENT | 1u << AHCI_SSTS_SPD_SHIFT | 1u << 8;
}

/* The device's first D2H register FIS: signature and status. */
static void fake_d2h_signature(struct fake_port *fp)
{
	if (!fp->device || !(fp->cmd & AHCI_PX_CMD_FRE))
		return;
	fp->sig = fp->atapi ? AHCI_SIG_ATAPI : AHCI_SIG_ATA;
	fp->tfd = fp->never_ready ? ATA_SR_BSY : FAKE_STATUS_OK;
}

static void *fake_mem(uint64_t pa, uint64_t len)
{
	if (pa >= FAKE_RAM_SIZE || len > FAKE_RAM_SIZE - pa) {
		fake_violation("DMA outside the fake RAM");
		return NULL;
	}
	return fake.ram + pa;
}

static void fake_identify_data(struct fake_port *fp, uint16_t *w)
{
	static const char model[40] =
		"fake sata disk                          ";
	uint64_t lba28 = fp->sectors < 0x0fffffff ? fp->sectors : 0x0fffffff;

	memset(w, 0, 512);
	for (unsigned i = 0; i < 20; i++)
		w[ATA_ID_MODEL + i] =
			(uint16_t)(model[2 * i] << 8 | model[2 * i + 1]);
	w[ATA_ID_CAPABILITIES] = ATA_ID_CAP_LBA | ATA_ID_CAP_DMA;
	w[ATA_ID_LBA28_SECTORS] = (uint16_t)lba28;
	w[ATA_ID_LBA28_SECTORS + 1] = (uint16_t)(lba28 >> 16);
	if (fp->lba48) {
		w[ATA_ID_CMDSET2] = ATA_ID_CMDSET2_VALID |
				    ATA_ID_CMDSET2_LBA48 |
				    ATA_ID_CMDSET2_FLUSH48;
		for (unsigned i = 0; i < 4; i++)
			w[ATA_ID_LBA48_SECTORS + i] =
				(uint16_t)(fp->sectors >> (16 * i));
	}
}

/* Copy between the image at byte `at` and the PRDT's regions. */
static void fake_move(struct fake_port *fp, struct ahci_prd *prdt, unsigned n,
		      uint8_t *data, bool to_memory)
{
	uint64_t done = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = prdt[i].dba | (uint64_t)prdt[i].dbau << 32;
		uint32_t len = ahci_prd_bytes(&prdt[i]);
		uint8_t *m = fake_mem(pa, len);

		if (!m)
			return;
		if (to_memory)
			memcpy(m, data + done, len);
		else
			memcpy(data + done, m, len);
		done += len;
	}
}

static void fake_end(struct fake_port *fp, bool error)
{
	if (error) {
		fp->tfd = (uint32_t)ATA_ER_ABRT << AHCI_PX_TFD_ERR_SHIFT |
			  FAKE_STATUS_OK | ATA_SR_ERR;
		fp->is |= AHCI_PX_IS_TFES;
		return; /* PxCI stays set until software stops the port */
	}
	fp->tfd = FAKE_STATUS_OK;
	fp->is |= AHCI_PX_IS_DHRS;
	fp->ci &= ~1u;
}

/* Check the PRDT as an HBA would; its byte total. */
static uint64_t fake_prdt_bytes(struct ahci_prd *prdt, unsigned n)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < n; i++) {
		if (prdt[i].dba & 1)
			fake_violation("a PRD entry's address is odd");
		if (!(prdt[i].dbc & 1))
			fake_violation("a PRD byte count (count - 1) is even");
		total += ahci_prd_bytes(&prdt[i]);
	}
	return total;
}

/* The HBA fetches and runs the command in slot 0 of port p. */
static void fake_ahci_run(unsigned p)
{
	struct fake_port *fp = &fake.port[p];
	struct ahci_cmd_header *h;
	struct ahci_cmd_table *t;
	struct sata_fis_h2d *fis;
	struct fake_cmd c = {0};
	unsigned prdtl;
	uint64_t bytes;

	if (!(fp->ci & 1) || !(fp->cmd & AHCI_PX_CMD_ST) ||
	    (fp->is & AHCI_PX_IS_TFES))
		return;
	if (fp->hung || fp->mute) {
		fp->tfd = ATA_SR_BSY; /* working on it, forever */
		return;
	}
	h = fake_mem(fp->clb, sizeof(*h));
	if (!h)
		return;
	if ((h->flags & AHCI_CH_CFL_MASK) != SATA_FIS_H2D_DWORDS)
		fake_violation("the command FIS length is not 5 dwords");
	if (h->ctba % AHCI_CT_ALIGN)
		fake_violation("the command table is not 128-byte aligned");
	prdtl = h->flags >> AHCI_CH_PRDTL_SHIFT;
	t = fake_mem(h->ctba, sizeof(*t) + prdtl * sizeof(struct ahci_prd));
	if (!t)
		return;
	fis = (struct sata_fis_h2d *)t->cfis;
	if (fis->type != SATA_FIS_TYPE_H2D || !(fis->flags & SATA_FIS_H2D_C))
		fake_violation("not a command H2D register FIS");
	c.command = fis->command;
	c.lba = ahci_fis_lba(fis);
	c.count = ahci_fis_count(fis);
	c.prd_entries = prdtl;
	c.write_bit = h->flags & AHCI_CH_WRITE;
	bytes = c.prd_bytes = fake_prdt_bytes(t->prdt, prdtl);
	if (fp->nlog < FAKE_LOG_MAX)
		fp->log[fp->nlog++] = c;
	if (fp->fail_next) {
		fp->fail_next = false;
		fake_end(fp, true);
		return;
	}
	switch (c.command) {
	case ATA_CMD_IDENTIFY: {
		uint16_t words[256];

		fake_identify_data(fp, words);
		if (bytes != 512) {
			fake_violation("the PRDT of IDENTIFY is not 512 bytes");
			fp->is |= AHCI_PX_IS_OFS;
			return;
		}
		fake_move(fp, t->prdt, prdtl, (uint8_t *)words, true);
		h->prdbc = 512;
		break;
	}
	case ATA_CMD_READ_DMA_EXT:
	case ATA_CMD_WRITE_DMA_EXT:
	case ATA_CMD_READ_DMA:
	case ATA_CMD_WRITE_DMA: {
		bool ext = c.command == ATA_CMD_READ_DMA_EXT ||
			   c.command == ATA_CMD_WRITE_DMA_EXT;
		bool write = c.command == ATA_CMD_WRITE_DMA_EXT ||
			     c.command == ATA_CMD_WRITE_DMA;
		uint32_t n = c.count ? c.count : (ext ? 65536 : 256);

		if (!ext)
			c.lba |= (uint64_t)(fis->device & 0x0f) << 24;
		if (!ext && (fis->lba3 || fis->lba4 || fis->lba5))
			fake_violation("LBA28 command with LBA48 bytes");
		if (ext && !fp->lba48)
			fake_violation("an EXT command to an LBA28 disk");
		if (write != c.write_bit)
			fake_violation("the W bit does not match the command");
		if (c.lba + n > fp->sectors) {
			fake_end(fp, true);
			return;
		}
		if (bytes != (uint64_t)n * 512) {
			fake_violation("the PRDT does not cover the transfer");
			fp->is |= AHCI_PX_IS_OFS;
			return;
		}
		fake_move(fp, t->prdt, prdtl, fp->image + c.lba * 512, !write);
		h->prdbc = n * 512;
		break;
	}
	case ATA_CMD_FLUSH_CACHE_EXT:
	case ATA_CMD_FLUSH_CACHE: h->prdbc = 0; break;
	default: fake_end(fp, true); return;
	}
	fake_end(fp, false);
}

/* The ATA command waiting in slot 0, or 0. */
static uint8_t fake_pending_command(struct fake_port *fp)
{
	struct ahci_cmd_header *h;
	struct ahci_cmd_table *t;

	if (!(fp->ci & 1) || !(h = fake_mem(fp->clb, sizeof(*h))) ||
	    !(t = fake_mem(h->ctba, sizeof(*t))))
		return 0;
	return ((struct sata_fis_h2d *)t->cfis)->command;
}

static void fake_write_cmd(struct fake_port *fp, uint32_t v)
{
	uint32_t was = fp->cmd;

	fp->cmd = v & ~(AHCI_PX_CMD_CR | AHCI_PX_CMD_FR);
	if (v & AHCI_PX_CMD_ST)
		fp->cmd |= AHCI_PX_CMD_CR;
	else
		fp->ci = 0; /* clearing ST clears PxCI */
	if (v & AHCI_PX_CMD_FRE) {
		fp->cmd |= AHCI_PX_CMD_FR;
		if (!(was & AHCI_PX_CMD_FRE))
			fake_d2h_signature(fp);
	}
	if ((v & AHCI_PX_CMD_ST) && !(was & AHCI_PX_CMD_ST) &&
	    (fp->tfd & (ATA_SR_BSY | ATA_SR_DRQ)))
		fake_violation("ST set while the device is busy");
}

static void fake_write_sctl(struct fake_port *fp, uint32_t v)
{
	fp->sctl = v;
	if ((v & AHCI_SCTL_DET_MASK) == AHCI_SCTL_DET_COMRESET) {
		if (fp->cmd & AHCI_PX_CMD_ST)
			fake_violation("COMRESET while ST is set");
		fp->comresets++;
		fp->ssts = 0;
		fp->hung = false;
		return;
	}
	if (fp->gone_on_reset)
		fp->device = false;
	fake_link_up(fp);
	if (fp->device) {
		fp->tfd = fp->never_ready ? ATA_SR_BSY : FAKE_STATUS_OK;
		fp->sig = fp->atapi ? AHCI_SIG_ATAPI : AHCI_SIG_ATA;
	}
}

static void fake_port_write(unsigned p, uint32_t reg, uint32_t v)
{
	struct fake_port *fp = &fake.port[p];

	switch (reg) {
	case AHCI_PX_CLB: fp->clb = v; break;
	case AHCI_PX_CLBU: fp->clbu = v; break;
	case AHCI_PX_FB: fp->fb = v; break;
	case AHCI_PX_FBU: fp->fbu = v; break;
	case AHCI_PX_IS: fp->is &= ~v; break;
	case AHCI_PX_IE: fp->ie = v; break;
	case AHCI_PX_CMD: fake_write_cmd(fp, v); break;
	case AHCI_PX_SCTL: fake_write_sctl(fp, v); break;
	case AHCI_PX_SERR: fp->serr &= ~v; break;
	case AHCI_PX_CI:
		if (!(fp->cmd & AHCI_PX_CMD_ST))
			fake_violation("PxCI written while ST is clear");
		fp->ci |= v;
		break;
	default: fake_violation("write to a read-only port register");
	}
}

static uint32_t fake_port_read(unsigned p, uint32_t reg)
{
	struct fake_port *fp = &fake.port[p];

	/* IDENTIFY (at probe) always runs by itself */
	if ((reg == AHCI_PX_CI || reg == AHCI_PX_IS) &&
	    (fake.auto_run || fake_pending_command(fp) == ATA_CMD_IDENTIFY))
		fake_ahci_run(p);
	switch (reg) {
	case AHCI_PX_CLB: return fp->clb;
	case AHCI_PX_CLBU: return fp->clbu;
	case AHCI_PX_FB: return fp->fb;
	case AHCI_PX_FBU: return fp->fbu;
	case AHCI_PX_IS: return fp->is;
	case AHCI_PX_IE: return fp->ie;
	case AHCI_PX_CMD: return fp->cmd;
	case AHCI_PX_TFD: return fp->tfd;
	case AHCI_PX_SIG: return fp->sig;
	case AHCI_PX_SSTS: return fp->device ? fp->ssts : 0;
	case AHCI_PX_SCTL: return fp->sctl;
	case AHCI_PX_SERR: return fp->serr;
	case AHCI_PX_CI: return fp->ci;
	}
	return 0;
}

static bool fake_port_reg(uint32_t off, unsigned *p, uint32_t *reg)
{
	if (off < AHCI_PORT_BASE)
		return false;
	*p = (off - AHCI_PORT_BASE) / AHCI_PORT_SIZE;
	*reg = (off - AHCI_PORT_BASE) % AHCI_PORT_SIZE;
	return *p < FAKE_PORTS;
}

static uint32_t fake_read32(void *ctx, uint32_t off)
{
	unsigned p;
	uint32_t reg;

	if (fake_port_reg(off, &p, &reg))
		return fake_port_read(p, reg);
	switch (off) {
	case AHCI_CAP: return fake.cap;
	case AHCI_GHC: return fake.ghc;
	case AHCI_PI: return fake.pi;
	case AHCI_VS: return fake.vs;
	case AHCI_CAP2: return fake.cap2;
	case AHCI_BOHC:
		if ((fake.bohc & AHCI_BOHC_BB) && fake.bios_busy)
			fake.bios_busy = false; /* done at the next look */
		else
			fake.bohc &= ~(uint32_t)AHCI_BOHC_BB;
		return fake.bohc;
	}
	return 0;
}

static void fake_write32(void *ctx, uint32_t off, uint32_t v)
{
	unsigned p;
	uint32_t reg;

	if (fake_port_reg(off, &p, &reg)) {
		fake_port_write(p, reg, v);
		return;
	}
	switch (off) {
	case AHCI_GHC: fake.ghc = v; break;
	case AHCI_IS: break;
	case AHCI_BOHC:
		fake.bohc = v & (AHCI_BOHC_OOS | AHCI_BOHC_BOS);
		if (v & AHCI_BOHC_OOS) /* the BIOS lets go, maybe busy */
			fake.bohc = AHCI_BOHC_OOS |
				    (fake.bios_busy ? AHCI_BOHC_BB : 0);
		break;
	default: fake_violation("write to a read-only HBA register");
	}
}

static uint64_t fake_clock(void *ctx)
{
	return ++fake.clock;
}

static const struct ahci_mmio_ops fake_ops = {
	.read32 = fake_read32,
	.write32 = fake_write32,
	.clock = fake_clock,
};

#endif
