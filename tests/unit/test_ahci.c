/*
 * tests/unit/test_ahci.c - the AHCI driver on the host: the command FIS
 * (LBA48 fields, counts), the PRD table (byte count - 1, word
 * alignment, 4 MiB entries), the command header, and the HBA handoff,
 * port probing and each port's queue and state machine against a fake
 * HBA (tests/unit/fake_ahci.h): requests finish only in a later poll,
 * one command at a time, split at the per-command limit; device errors
 * and commands that never end fail with a message naming the port and
 * its status, and the port recovers; a port without a device, a device
 * that never answers IDENTIFY. Then the sector device (ahci_disk), the
 * boot self-test and sector extents (what raw and thin sit on) over it.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "tests/unit/fake_ahci.h"
#include "drivers/block/ahci_disk.h"
#include "drivers/block/disk_selftest.h"
#include "lib/log.h"

#define TICKS_PER_MS 1000
#define DMA_PA	     0x1000  /* the port's DMA share in fake RAM */
#define BUF_PA	     0x10000 /* request buffers in fake RAM */

static struct ahci_hba hba;
static char logged[8192];
static uint64_t now;

static void capture(const char *line, size_t len)
{
	strncat(logged, line, sizeof(logged) - strlen(logged) - 1);
	strncat(logged, "\n", sizeof(logged) - strlen(logged) - 1);
}

/* Callbacks record what they saw. */
struct seen {
	unsigned calls;
	enum ahci_result result;
	unsigned order;
	char error[AHCI_ERROR_MAX];
};

static unsigned completions;

static void record_done(struct ahci_request *req)
{
	struct seen *s = req->ctx;

	s->calls++;
	s->result = req->result;
	s->order = completions++;
	strcpy(s->error, req->error);
}

static int setup(void **state)
{
	fake_reset();
	logged[0] = '\0';
	completions = 0;
	now = 1;
	log_set_sink(capture);
	return 0;
}

static int teardown(void **state)
{
	fake_reset();
	return 0;
}

static struct ahci_port_dma dma_share(unsigned i)
{
	return (struct ahci_port_dma){fake.ram + DMA_PA +
					      i * AHCI_PORT_DMA_BYTES,
				      DMA_PA + i * AHCI_PORT_DMA_BYTES};
}

static void hba_init(void)
{
	char why[64];

	assert_int_equal(ahci_hba_init(&hba, 0, &fake_ops, TICKS_PER_MS, why,
				       sizeof(why)),
			 0);
}

/* An HBA with a 4096-sector disk on port 0, probed. */
static struct ahci_port *one_disk(bool lba48)
{
	struct ahci_port_dma d = dma_share(0);

	fake_add_disk(0, 4096, lba48);
	hba_init();
	assert_int_equal(ahci_port_probe(&hba, 0, &d), AHCI_FOUND_DISK);
	return &hba.port[0];
}

static void request(struct ahci_request *r, enum ahci_op op, uint64_t lba,
		    uint32_t count, uint64_t pa, struct seen *s)
{
	*r = (struct ahci_request){
		.op = op,
		.lba = lba,
		.count = count,
		.buf = fake.ram + pa,
		.buf_pa = pa,
		.done = record_done,
		.ctx = s,
	};
}

static void poll_ms(struct ahci_port *p, unsigned ms)
{
	for (unsigned i = 0; i < ms; i++) {
		now += TICKS_PER_MS;
		ahci_port_poll(p, now);
	}
}

/* ---- command building ------------------------------------------------ */

static void test_fis_lba48(void **state)
{
	struct sata_fis_h2d fis;

	assert_int_equal(
		ahci_fis_rw(&fis, false, 0x123456789abcULL, 0x1234, true), 0);
	assert_int_equal(fis.type, SATA_FIS_TYPE_H2D);
	assert_int_equal(fis.flags, SATA_FIS_H2D_C);
	assert_int_equal(fis.command, ATA_CMD_READ_DMA_EXT);
	assert_int_equal(fis.lba0, 0xbc);
	assert_int_equal(fis.lba1, 0x9a);
	assert_int_equal(fis.lba2, 0x78);
	assert_int_equal(fis.lba3, 0x56);
	assert_int_equal(fis.lba4, 0x34);
	assert_int_equal(fis.lba5, 0x12);
	assert_int_equal(fis.count_lo, 0x34);
	assert_int_equal(fis.count_hi, 0x12);
	assert_int_equal(fis.device, ATA_DEV_LBA);
	assert_int_equal(ahci_fis_lba(&fis), 0x123456789abcULL);
	/* the largest count is sent as 0 */
	assert_int_equal(ahci_fis_rw(&fis, true, 5, 65536, true), 0);
	assert_int_equal(fis.command, ATA_CMD_WRITE_DMA_EXT);
	assert_int_equal(ahci_fis_count(&fis), 0);
	/* an LBA48 disk gets EXT commands even for a low range */
	assert_int_equal(ahci_fis_rw(&fis, false, 0, 1, true), 0);
	assert_int_equal(fis.command, ATA_CMD_READ_DMA_EXT);
	/* beyond what 48 bits address, or nothing */
	assert_int_equal(ahci_fis_rw(&fis, false, (1ULL << 48) - 1, 2, true),
			 -1);
	assert_int_equal(ahci_fis_rw(&fis, false, 0, 65537, true), -1);
	assert_int_equal(ahci_fis_rw(&fis, false, 0, 0, true), -1);
}

static void test_fis_lba28(void **state)
{
	struct sata_fis_h2d fis;

	assert_int_equal(ahci_fis_rw(&fis, true, 0x0abcdef1, 256, false), 0);
	assert_int_equal(fis.command, ATA_CMD_WRITE_DMA);
	assert_int_equal(fis.lba0, 0xf1);
	assert_int_equal(fis.lba1, 0xde);
	assert_int_equal(fis.lba2, 0xbc);
	assert_int_equal(fis.device, ATA_DEV_LBA | 0x0a); /* LBA 27:24 */
	assert_int_equal(fis.lba3 | fis.lba4 | fis.lba5 | fis.count_hi, 0);
	assert_int_equal(fis.count_lo, 0); /* 256 */
	assert_int_equal(ahci_fis_rw(&fis, false, 0, 257, false), -1);
	assert_int_equal(ahci_fis_rw(&fis, false, (1 << 28) - 1, 2, false), -1);
	ahci_fis_command(&fis, ATA_CMD_FLUSH_CACHE_EXT);
	assert_int_equal(fis.command, ATA_CMD_FLUSH_CACHE_EXT);
	assert_int_equal(fis.flags, SATA_FIS_H2D_C);
	assert_int_equal(ahci_fis_lba(&fis) | ahci_fis_count(&fis), 0);
}

static void test_prdt(void **state)
{
	struct ahci_prd prdt[4];

	/* one entry: the byte count is stored minus one (bit 0 set) */
	assert_int_equal(ahci_prdt_build(prdt, 4, 0x10000, 4096, false), 1);
	assert_int_equal(prdt[0].dba, 0x10000);
	assert_int_equal(prdt[0].dbau, 0);
	assert_int_equal(prdt[0].dbc, 4095);
	assert_int_equal(ahci_prd_bytes(&prdt[0]), 4096);
	/* 9 MiB: 4 MiB, 4 MiB, 1 MiB */
	assert_int_equal(ahci_prdt_build(prdt, 4, 0x100000, 9 * MIB, false), 3);
	assert_int_equal(prdt[0].dbc, AHCI_PRD_DBC_MASK);
	assert_int_equal(prdt[1].dba, 0x100000 + 4 * MIB);
	assert_int_equal(prdt[2].dba, 0x100000 + 8 * MIB);
	assert_int_equal(ahci_prd_bytes(&prdt[2]), MIB);
	/* too many entries */
	assert_int_equal(ahci_prdt_build(prdt, 2, 0x100000, 9 * MIB, false),
			 -1);
	/* word granularity: an odd address or length cannot be described */
	assert_int_equal(ahci_prdt_build(prdt, 4, 0x10001, 512, false), -1);
	assert_int_equal(ahci_prdt_build(prdt, 4, 0x10000, 511, false), -1);
	assert_int_equal(ahci_prdt_build(prdt, 4, 0x10002, 512, false), 1);
	assert_int_equal(ahci_prdt_build(prdt, 4, 0x10000, 0, false), -1);
	/* above 4 GiB only with 64-bit addressing */
	assert_int_equal(ahci_prdt_build(prdt, 4, 4 * GIB - 256, 512, false),
			 -1);
	assert_int_equal(ahci_prdt_build(prdt, 4, 4 * GIB + 512, 512, true), 1);
	assert_int_equal(prdt[0].dba, 512);
	assert_int_equal(prdt[0].dbau, 1);
}

static void test_cmd_header(void **state)
{
	struct ahci_cmd_header h;

	memset(&h, 0xff, sizeof(h));
	ahci_cmd_header_set(&h, true, 3, 0x12345680);
	assert_int_equal(h.flags & AHCI_CH_CFL_MASK, 5);
	assert_true(h.flags & AHCI_CH_WRITE);
	assert_int_equal(h.flags >> AHCI_CH_PRDTL_SHIFT, 3);
	assert_int_equal(h.prdbc, 0);
	assert_int_equal(h.ctba, 0x12345680);
	assert_int_equal(h.ctbau, 0);
	ahci_cmd_header_set(&h, false, 0, 0x1000);
	assert_false(h.flags & AHCI_CH_WRITE);
	assert_int_equal(h.flags >> AHCI_CH_PRDTL_SHIFT, 0);
}

/* ---- the HBA and its ports ------------------------------------------- */

static void test_handoff(void **state)
{
	char why[64];

	fake.cap2 = AHCI_CAP2_BOH;
	fake.bohc = AHCI_BOHC_BOS;
	fake.bios_busy = true;
	fake.ghc = AHCI_GHC_IE;
	assert_int_equal(ahci_hba_init(&hba, 2, &fake_ops, TICKS_PER_MS, why,
				       sizeof(why)),
			 0);
	assert_true(hba.bios_owned);
	assert_true(fake.bohc & AHCI_BOHC_OOS);
	assert_false(fake.bohc & (AHCI_BOHC_BOS | AHCI_BOHC_BB));
	assert_int_equal(fake.ghc, AHCI_GHC_AE); /* AHCI on, interrupt off */
	assert_int_equal(hba.slots, 32);
	assert_false(hba.addr64);
	assert_string_equal(hba.name, "ahci2");
	assert_string_equal(hba.port[3].name, "ahci2-port3");
	assert_int_equal(fake.violations, 0);
}

static void test_no_registers(void **state)
{
	char why[64] = "";

	fake.cap = 0xffffffff;
	assert_int_equal(ahci_hba_init(&hba, 0, &fake_ops, TICKS_PER_MS, why,
				       sizeof(why)),
			 -1);
	assert_non_null(strstr(why, "all ones"));
}

static void test_probe_ports(void **state)
{
	struct ahci_port_dma d0 = dma_share(0), d1 = dma_share(1);
	struct ahci_port *p = &hba.port[0];

	fake_add_disk(0, 4096, true);
	fake.pi |= 1u << 1; /* port 1: implemented, nothing attached */
	fake_add_disk(2, 64, true);
	fake.port[2].atapi = true;
	/* port 3: not implemented */
	hba_init();
	assert_int_equal(ahci_port_probe(&hba, 0, &d0), AHCI_FOUND_DISK);
	assert_int_equal(ahci_port_probe(&hba, 1, &d1), AHCI_FOUND_NOTHING);
	assert_int_equal(ahci_port_probe(&hba, 2, &d1), AHCI_FOUND_ATAPI);
	assert_int_equal(ahci_port_probe(&hba, 3, &d1), AHCI_FOUND_NOTHING);
	/* the disk: IDENTIFY DEVICE through slot 0, the port running */
	assert_string_equal(p->id.model, "fake sata disk");
	assert_int_equal(p->id.sectors, 4096);
	assert_true(p->id.lba48);
	assert_int_equal(p->link_gen, 1);
	assert_int_equal(fake.port[0].nlog, 1);
	assert_int_equal(fake.port[0].log[0].command, ATA_CMD_IDENTIFY);
	assert_int_equal(fake.port[0].log[0].prd_bytes, 512);
	assert_int_equal(fake.port[0].clb, DMA_PA);
	assert_int_equal(fake.port[0].fb, DMA_PA + AHCI_DMA_RFIS);
	assert_true(fake.port[0].cmd & AHCI_PX_CMD_ST);
	assert_true(fake.port[0].cmd & AHCI_PX_CMD_FRE);
	assert_int_equal(fake.port[0].ie, 0);
	/* the others are left stopped: their DMA share can be reused */
	assert_false(fake.port[1].cmd & (AHCI_PX_CMD_ST | AHCI_PX_CMD_FRE));
	assert_false(fake.port[2].cmd & (AHCI_PX_CMD_ST | AHCI_PX_CMD_FRE));
	assert_int_equal(fake.port[2].nlog, 0); /* no IDENTIFY to ATAPI */
	assert_int_equal(fake.violations, 0);
}

static void test_request_to_port_without_disk(void **state)
{
	struct ahci_request r;
	struct seen s = {0};

	fake.pi = 1; /* port 0: no device */
	hba_init();
	struct ahci_port_dma d = dma_share(0);
	assert_int_equal(ahci_port_probe(&hba, 0, &d), AHCI_FOUND_NOTHING);
	request(&r, AHCI_OP_READ, 0, 1, BUF_PA, &s);
	ahci_submit(&hba.port[0], &r);
	assert_int_equal(s.calls, 0); /* never inside submit */
	ahci_port_poll(&hba.port[0], now);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, AHCI_ENODEV);
	assert_string_equal(s.error, "ahci0-port0: no disk there");
}

static void test_identify_never_answered(void **state)
{
	struct ahci_port_dma d = dma_share(0);
	struct ahci_port *p = &hba.port[0];

	fake_add_disk(0, 4096, true);
	fake.port[0].mute = true;
	fake.auto_run = true;
	hba_init();
	assert_int_equal(ahci_port_probe(&hba, 0, &d), AHCI_FOUND_FAILED);
	assert_string_equal(p->why, "no answer to IDENTIFY DEVICE");
	/* given up within its time, and stopped */
	assert_true(fake.clock < 3 * AHCI_READY_MS * TICKS_PER_MS);
	assert_false(fake.port[0].cmd & (AHCI_PX_CMD_ST | AHCI_PX_CMD_FRE));
}

static void test_device_never_ready(void **state)
{
	struct ahci_port_dma d = dma_share(0);

	fake_add_disk(0, 4096, true);
	fake.port[0].never_ready = true;
	hba_init();
	assert_int_equal(ahci_port_probe(&hba, 0, &d), AHCI_FOUND_FAILED);
	assert_int_equal(fake.port[0].comresets, 1);
	assert_non_null(strstr(hba.port[0].why, "busy after a COMRESET"));
	assert_int_equal(fake.violations, 0);
}

/* ---- requests -------------------------------------------------------- */

static void test_read_completes_in_a_later_poll(void **state)
{
	struct ahci_port *p = one_disk(true);
	struct ahci_request r;
	struct seen s = {0};

	request(&r, AHCI_OP_READ, 100, 16, BUF_PA, &s);
	ahci_submit(p, &r);
	assert_int_equal(s.calls, 0);
	assert_true(fake.port[0].ci & 1); /* issued at submit */
	ahci_port_poll(p, now);		  /* still running */
	assert_int_equal(s.calls, 0);
	fake_ahci_run(0);
	ahci_port_poll(p, now);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, AHCI_OK);
	assert_string_equal(r.error, "");
	assert_memory_equal(fake.ram + BUF_PA, fake.port[0].image + 100 * 512,
			    16 * 512);
	assert_int_equal(fake.port[0].nlog, 2);
	assert_int_equal(fake.port[0].log[1].command, ATA_CMD_READ_DMA_EXT);
	assert_int_equal(fake.port[0].log[1].lba, 100);
	assert_int_equal(fake.port[0].log[1].count, 16);
	assert_int_equal(fake.port[0].log[1].prd_entries, 1);
	assert_false(fake.port[0].log[1].write_bit);
	assert_false(ahci_port_busy(p));
	assert_int_equal(fake.violations, 0);
}

static void test_write_and_flush(void **state)
{
	struct ahci_port *p = one_disk(true);
	struct ahci_request w, f;
	struct seen sw = {0}, sf = {0};

	fake.auto_run = true;
	memset(fake.ram + BUF_PA, 0x5a, 8 * 512);
	request(&w, AHCI_OP_WRITE, 4088, 8, BUF_PA, &sw);
	request(&f, AHCI_OP_FLUSH, 0, 0, 0, &sf);
	f.buf = NULL;
	ahci_submit(p, &w);
	ahci_submit(p, &f);
	poll_ms(p, 2);
	assert_int_equal(sw.result, AHCI_OK);
	assert_int_equal(sf.result, AHCI_OK);
	assert_true(sw.order < sf.order);
	for (unsigned i = 0; i < 8 * 512; i++)
		assert_int_equal(fake.port[0].image[4088 * 512 + i], 0x5a);
	assert_int_equal(fake.port[0].log[1].command, ATA_CMD_WRITE_DMA_EXT);
	assert_true(fake.port[0].log[1].write_bit);
	assert_int_equal(fake.port[0].log[2].command, ATA_CMD_FLUSH_CACHE_EXT);
	assert_int_equal(fake.port[0].log[2].prd_entries, 0);
	assert_int_equal(fake.violations, 0);
}

static void test_lba28_disk_splits_at_256(void **state)
{
	struct ahci_port *p = one_disk(false);
	struct ahci_request r;
	struct seen s = {0};

	fake.auto_run = true;
	request(&r, AHCI_OP_READ, 10, 600, BUF_PA, &s);
	ahci_submit(p, &r);
	poll_ms(p, 4);
	assert_int_equal(s.result, AHCI_OK);
	assert_int_equal(fake.port[0].nlog, 4); /* IDENTIFY and 3 reads */
	assert_int_equal(fake.port[0].log[1].command, ATA_CMD_READ_DMA);
	assert_int_equal(fake.port[0].log[1].lba, 10);
	assert_int_equal(fake.port[0].log[1].count, 0); /* 256 */
	assert_int_equal(fake.port[0].log[2].lba, 266);
	assert_int_equal(fake.port[0].log[3].lba, 522);
	assert_int_equal(fake.port[0].log[3].count, 88);
	assert_int_equal(fake.port[0].log[3].prd_bytes, 88 * 512);
	assert_memory_equal(fake.ram + BUF_PA, fake.port[0].image + 10 * 512,
			    600 * 512);
	assert_int_equal(fake.violations, 0);
}

static void test_queue_one_command_at_a_time(void **state)
{
	struct ahci_port *p = one_disk(true);
	struct ahci_request a, b;
	struct seen sa = {0}, sb = {0};

	request(&a, AHCI_OP_READ, 0, 4, BUF_PA, &sa);
	request(&b, AHCI_OP_READ, 8, 4, BUF_PA + 4096, &sb);
	ahci_submit(p, &a);
	ahci_submit(p, &b);
	assert_int_equal(fake.port[0].nlog, 1); /* only IDENTIFY so far */
	fake_ahci_run(0);
	assert_int_equal(fake.port[0].nlog, 2);
	ahci_port_poll(p, now); /* a done, b issued */
	assert_int_equal(sa.calls, 1);
	assert_int_equal(sb.calls, 0);
	assert_true(ahci_port_busy(p));
	fake_ahci_run(0);
	ahci_port_poll(p, now);
	assert_int_equal(sb.calls, 1);
	assert_int_equal(fake.port[0].log[2].lba, 8);
	assert_true(sa.order < sb.order);
	assert_int_equal(fake.violations, 0);
}

static void test_device_error_then_recovery(void **state)
{
	struct ahci_port *p = one_disk(true);
	struct ahci_request r, again;
	struct seen s = {0}, s2 = {0};

	fake.auto_run = true;
	fake.port[0].fail_next = true;
	request(&r, AHCI_OP_READ, 32, 8, BUF_PA, &s);
	ahci_submit(p, &r);
	ahci_port_poll(p, now);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, AHCI_EIO);
	assert_string_equal(s.error,
			    "ahci0-port0: READ DMA EXT of 8 sectors at LBA 32 "
			    "failed: the device reported an error (PxIS "
			    "0x40000000, PxSERR 0x00000000, status 0x51, "
			    "error 0x04)");
	assert_non_null(strstr(logged, "error 0x04"));
	/* the port was stopped (clearing PxCI) and started again */
	ahci_port_poll(p, now);
	assert_true(fake.port[0].cmd & AHCI_PX_CMD_ST);
	assert_int_equal(fake.port[0].is, 0);
	assert_int_equal(fake.port[0].comresets, 0);
	request(&again, AHCI_OP_READ, 32, 8, BUF_PA, &s2);
	ahci_submit(p, &again);
	ahci_port_poll(p, now);
	assert_int_equal(s2.result, AHCI_OK);
	assert_int_equal(fake.violations, 0);
}

static void test_timeout_recovers_with_comreset(void **state)
{
	struct ahci_port *p = one_disk(true);
	struct ahci_request r, q, again;
	struct seen s = {0}, sq = {0}, s2 = {0};

	fake.auto_run = true;
	fake.port[0].hung = true;
	request(&r, AHCI_OP_WRITE, 0, 1, BUF_PA, &s);
	request(&q, AHCI_OP_READ, 1, 1, BUF_PA + 512, &sq);
	ahci_submit(p, &r);
	ahci_submit(p, &q);
	poll_ms(p, AHCI_TIMEOUT_MS - 1);
	assert_int_equal(s.calls, 0); /* not yet */
	poll_ms(p, 2);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.result, AHCI_ETIMEDOUT);
	assert_non_null(strstr(s.error, "ahci0-port0: WRITE DMA EXT of 1 "
					"sectors at LBA 0 failed: no answer "
					"in 5000 ms, port reset"));
	assert_non_null(strstr(s.error, "status 0x80"));
	/* the device stayed busy: a COMRESET, then the queued request */
	poll_ms(p, 10);
	assert_int_equal(fake.port[0].comresets, 1);
	assert_int_equal(sq.calls, 1);
	assert_int_equal(sq.result, AHCI_OK);
	assert_non_null(strstr(logged, "ahci0-port0: port reset, the device "
				       "answers again"));
	request(&again, AHCI_OP_READ, 2, 1, BUF_PA, &s2);
	ahci_submit(p, &again);
	ahci_port_poll(p, now);
	assert_int_equal(s2.result, AHCI_OK);
	assert_int_equal(fake.violations, 0);
}

static void test_device_gone_after_reset(void **state)
{
	struct ahci_port *p = one_disk(true);
	struct ahci_request r, q, later;
	struct seen s = {0}, sq = {0}, sl = {0};

	fake.auto_run = true;
	fake.port[0].hung = true;
	fake.port[0].gone_on_reset = true;
	request(&r, AHCI_OP_READ, 0, 1, BUF_PA, &s);
	request(&q, AHCI_OP_READ, 1, 1, BUF_PA, &sq);
	ahci_submit(p, &r);
	ahci_submit(p, &q);
	poll_ms(p, AHCI_TIMEOUT_MS + AHCI_READY_MS + 20);
	assert_int_equal(s.result, AHCI_ETIMEDOUT);
	assert_int_equal(sq.calls, 1);
	assert_int_equal(sq.result, AHCI_ENODEV);
	assert_string_equal(sq.error, "ahci0-port0: the port stopped working");
	assert_non_null(strstr(logged, "did not come back after a COMRESET"));
	request(&later, AHCI_OP_READ, 1, 1, BUF_PA, &sl);
	ahci_submit(p, &later);
	ahci_port_poll(p, now);
	assert_int_equal(sl.result, AHCI_ENODEV);
}

static void test_refused_requests(void **state)
{
	struct ahci_port *p = one_disk(true);
	struct ahci_request past, odd, high, none;
	struct seen a = {0}, b = {0}, c = {0}, d = {0};

	request(&past, AHCI_OP_READ, 4090, 8, BUF_PA, &a);
	request(&odd, AHCI_OP_READ, 0, 1, BUF_PA + 1, &b);
	request(&high, AHCI_OP_WRITE, 0, 1, 5 * GIB, &c);
	request(&none, AHCI_OP_READ, 0, 0, BUF_PA, &d);
	ahci_submit(p, &past);
	ahci_submit(p, &odd);
	ahci_submit(p, &high);
	ahci_submit(p, &none);
	assert_int_equal(a.calls + b.calls + c.calls + d.calls, 0);
	ahci_port_poll(p, now);
	assert_int_equal(a.result, AHCI_ERANGE);
	assert_non_null(strstr(a.error, "beyond the disk's 4096 sectors"));
	assert_int_equal(b.result, AHCI_EINVAL);
	assert_non_null(strstr(b.error, "the HBA cannot reach its buffer"));
	assert_int_equal(c.result, AHCI_EINVAL);
	assert_int_equal(d.result, AHCI_EINVAL);
	assert_int_equal(fake.port[0].nlog, 1); /* nothing reached the disk */
	assert_int_equal(fake.violations, 0);
}

/* ---- the sector device over a port ------------------------------------ */

static struct ahci_port *polled_port;

static void poll_fake(void)
{
	now += TICKS_PER_MS;
	ahci_port_poll(polled_port, now);
}

static hpa_t fake_va_to_pa(const void *va)
{
	return (hpa_t)((const uint8_t *)va - fake.ram);
}

static void test_selftest_over_ahci_disk(void **state)
{
	static struct ahci_disk disk;
	struct ahci_port *p = one_disk(true);

	polled_port = p;
	fake.auto_run = true;
	for (uint64_t s = 0; s < 4096; s++)
		selftest_fill(fake.port[0].image + s * 512, s, 'A');
	ahci_disk_init(&disk, p, fake_va_to_pa, poll_fake);
	assert_string_equal(disk.dev.name, "ahci0-port0");
	assert_int_equal(disk.dev.sectors, 4096);
	assert_int_equal(disk_selftest(&disk.dev, fake.ram + BUF_PA), 0);
	for (uint64_t s = 0; s < 4096; s++)
		assert_true(
			selftest_check(fake.port[0].image + s * 512, s, 'B'));
	assert_non_null(strstr(logged, "disk-selftest: ahci0-port0: passed, "
				       "up to 4 requests in flight"));
	assert_int_equal(fake.violations, 0);
}

static void test_extent_over_ahci_disk_reports_errors(void **state)
{
	static struct ahci_disk disk;
	struct ahci_port *p = one_disk(true);
	struct sector_extent part;
	uint8_t *buf = fake.ram + BUF_PA;

	polled_port = p;
	fake.auto_run = true;
	ahci_disk_init(&disk, p, fake_va_to_pa, poll_fake);
	part = (struct sector_extent){&disk.dev, 2048, 1024};
	/* sector 5 of the extent is sector 2053 of the disk */
	assert_int_equal(sector_extent_io(&part, SECTOR_READ, 5, buf, 2), 0);
	assert_memory_equal(buf, fake.port[0].image + 2053 * 512, 1024);
	assert_int_equal(fake.port[0].log[fake.port[0].nlog - 1].lba, 2053);
	fake.port[0].fail_next = true;
	assert_int_equal(sector_extent_io(&part, SECTOR_WRITE, 0, buf, 1), -1);
	assert_int_equal(sector_extent_io(&part, SECTOR_WRITE, 0, buf, 1), 0);
	assert_int_equal(sector_extent_flush(&part), 0);
	assert_int_equal(fake.violations, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fis_lba48),
		cmocka_unit_test(test_fis_lba28),
		cmocka_unit_test(test_prdt),
		cmocka_unit_test(test_cmd_header),
		cmocka_unit_test_setup_teardown(test_handoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_registers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_probe_ports, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_request_to_port_without_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identify_never_answered,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_never_ready, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_read_completes_in_a_later_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_and_flush, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lba28_disk_splits_at_256,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_queue_one_command_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_error_then_recovery,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timeout_recovers_with_comreset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_gone_after_reset,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_selftest_over_ahci_disk,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_extent_over_ahci_disk_reports_errors, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
