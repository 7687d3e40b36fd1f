/*
 * tests/unit/test_e1000.c - drivers/hw/e1000.c on the host against a
 * fake 8254x: a register file whose side effects follow the manual
 * (CTRL.RST self-clears after a few reads, EERD answers from an EEPROM,
 * a write of TDT sends every descriptor from TDH to it and writes DD
 * back when RS asks, a frame from the "wire" lands in the descriptor at
 * RDH while RDH != RDT, else it is missed and counted in MPC; like
 * Bochs's, it only sets bits in a descriptor's errors field). The DMA
 * area is host memory whose "physical" address is its pointer.
 * Checks bring-up (MAC from the EEPROM, rings, promiscuous receive),
 * transmit (bytes on the wire, a full ring, reclaim, bad sizes),
 * receive (order, budget, wrap-around, bad frames, a full ring), and
 * that a device stuck in reset or a silent EEPROM is reported; and
 * which PCI function drivers/hw/e1000_host.c picks for `uplink`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/hw/e1000_host.h"

#define WIRE_MAX 64

/* ---- the fake device ------------------------------------------------ */

struct fake_e1000 {
	uint32_t reg[E1000_MMIO_SIZE / 4];
	uint16_t eeprom[64];
	unsigned rst_reads; /* CTRL reads until RST clears; ~0u: never */
	bool eeprom_dead;   /* EERD never reports DONE */
	bool tx_stalled;    /* TDT writes send nothing (link busy) */
	unsigned tdt_writes;
	unsigned sent; /* frames on the wire */
	uint8_t wire[WIRE_MAX][E1000_BUF_SIZE];
	size_t wire_len[WIRE_MAX];
};

static struct fake_e1000 dev;
static struct e1000 nic;
static uint8_t *dma_mem;

static uint32_t *R(uint32_t reg)
{
	return &dev.reg[reg / 4];
}

static void *pa_to_ptr(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

static uint64_t ring_base(uint32_t bal)
{
	return (uint64_t)dev.reg[(bal + 4) / 4] << 32 | dev.reg[bal / 4];
}

static unsigned ring_len(uint32_t len_reg)
{
	return *R(len_reg) / 16;
}

/* Send descriptors TDH..TDT as the device does ("Transmit Descriptor
 * Ring Structure"). */
static void fake_transmit(void)
{
	struct e1000_tx_desc *ring = pa_to_ptr(ring_base(E1000_TDBAL));
	unsigned n = ring_len(E1000_TDLEN);

	if (!(*R(E1000_TCTL) & E1000_TCTL_EN) || dev.tx_stalled)
		return;
	while (*R(E1000_TDH) != *R(E1000_TDT)) {
		struct e1000_tx_desc *d = &ring[*R(E1000_TDH)];

		assert_true(d->cmd & E1000_TXD_CMD_EOP);
		assert_true(dev.sent < WIRE_MAX);
		memcpy(dev.wire[dev.sent], pa_to_ptr(d->addr), d->length);
		dev.wire_len[dev.sent++] = d->length;
		if (d->cmd & E1000_TXD_CMD_RS)
			d->status |= E1000_TXD_STAT_DD;
		*R(E1000_TDH) = (*R(E1000_TDH) + 1) % n;
	}
}

/* A frame arrives from the wire: into the descriptor at RDH, or missed. */
static bool fake_receive(const uint8_t *frame, size_t len, uint8_t errors)
{
	struct e1000_rx_desc *ring = pa_to_ptr(ring_base(E1000_RDBAL));
	unsigned n = ring_len(E1000_RDLEN);
	struct e1000_rx_desc *d;

	if (!(*R(E1000_RCTL) & E1000_RCTL_EN))
		return false;
	if (*R(E1000_RDH) == *R(E1000_RDT)) {
		(*R(E1000_MPC))++;
		return false;
	}
	d = &ring[*R(E1000_RDH)];
	memcpy(pa_to_ptr(d->addr), frame, len);
	d->length = (uint16_t)len;
	d->errors |= errors; /* as Bochs: the rest is left as it was */
	d->status |= E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	*R(E1000_RDH) = (*R(E1000_RDH) + 1) % n;
	return true;
}

static uint32_t fake_read(void *ctx, uint32_t reg)
{
	uint32_t v = *R(reg);

	assert_true(reg < E1000_MMIO_SIZE && reg % 4 == 0);
	switch (reg) {
	case E1000_CTRL:
		if ((v & E1000_CTRL_RST) && dev.rst_reads != ~0u &&
		    dev.rst_reads-- == 0)
			*R(reg) &= ~(uint32_t)E1000_CTRL_RST;
		return v;
	case E1000_EERD:
		if (dev.eeprom_dead || !(v & E1000_EERD_START))
			return v & ~(uint32_t)E1000_EERD_DONE;
		return (uint32_t)dev.eeprom[(v >> E1000_EERD_ADDR_SHIFT) & 0x3f]
			       << E1000_EERD_DATA_SHIFT |
		       E1000_EERD_DONE | (v & 0xff00);
	case E1000_MPC:
	case E1000_ICR:
		*R(reg) = 0; /* read clears */
		return v;
	}
	return v;
}

static void fake_write(void *ctx, uint32_t reg, uint32_t value)
{
	assert_true(reg < E1000_MMIO_SIZE && reg % 4 == 0);
	*R(reg) = value;
	if (reg == E1000_TDT) {
		dev.tdt_writes++;
		fake_transmit();
	}
}

static const struct e1000_ops fake_ops = {fake_read, fake_write, NULL};

static struct e1000_dma fake_dma(void)
{
	return (struct e1000_dma){dma_mem, (hpa_t)(uintptr_t)dma_mem};
}

static int setup(void **state)
{
	static const uint16_t mac_words[3] = {0x5452, 0x1200, 0x5634};

	memset(&dev, 0, sizeof(dev));
	dev.rst_reads = 3;
	memcpy(dev.eeprom, mac_words, sizeof(mac_words));
	*R(E1000_CTRL) = 0;
	*R(E1000_STATUS) = E1000_STATUS_LU | E1000_STATUS_FD;
	dma_mem = aligned_alloc(PAGE_SIZE, E1000_DMA_BYTES);
	assert_non_null(dma_mem);
	memset(dma_mem, 0xa5, E1000_DMA_BYTES); /* no zeroed memory needed */
	return 0;
}

static int teardown(void **state)
{
	free(dma_mem);
	return 0;
}

static void init_ok(void)
{
	struct e1000_dma dma = fake_dma();
	char err[64] = "";

	assert_int_equal(e1000_init(&nic, &fake_ops, &dma, err, sizeof(err)),
			 0);
	assert_string_equal(err, "");
}

/* ---- frames --------------------------------------------------------- */

static size_t make_frame(uint8_t *f, size_t len, uint8_t tag)
{
	static const uint8_t dst[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t src[6] = {0x52, 0x54, 0, 0, 0, 0x0a};

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(tag + i);
	return len;
}

struct got {
	unsigned n;
	uint8_t tags[256];
	size_t lens[256];
};

static void on_rx(void *ctx, const uint8_t *frame, size_t len)
{
	struct got *g = ctx;
	uint8_t expect[E1000_BUF_SIZE];

	make_frame(expect, len, (uint8_t)(frame[14] - 14));
	assert_memory_equal(frame, expect, len);
	g->tags[g->n % 256] = (uint8_t)(frame[14] - 14);
	g->lens[g->n % 256] = len;
	g->n++;
}

/* ---- bring-up ------------------------------------------------------- */

static void test_init_programs_the_device(void **state)
{
	char mac[MAC_STR_SIZE];

	init_ok();
	mac_format(&nic.mac, mac, sizeof(mac));
	assert_string_equal(mac, "52:54:00:12:34:56");
	/* receive address 0 holds it, valid */
	assert_int_equal(*R(E1000_RAL0), 0x12005452);
	assert_int_equal(*R(E1000_RAH0), 0x5634 | E1000_RAH_AV);
	/* promiscuous, broadcast, 2 KiB buffers, CRC stripped */
	assert_int_equal(*R(E1000_RCTL),
			 E1000_RCTL_EN | E1000_RCTL_UPE | E1000_RCTL_MPE |
				 E1000_RCTL_BAM | E1000_RCTL_SECRC);
	assert_true(*R(E1000_TCTL) & E1000_TCTL_EN);
	assert_true(*R(E1000_TCTL) & E1000_TCTL_PSP);
	assert_true(*R(E1000_CTRL) & E1000_CTRL_SLU);
	assert_false(*R(E1000_CTRL) & E1000_CTRL_RST);
	assert_int_equal(*R(E1000_IMC), ~0u); /* no interrupts */
	/* the rings in the DMA area, a multiple of 128 bytes each */
	assert_int_equal(ring_base(E1000_RDBAL), (uintptr_t)dma_mem);
	assert_int_equal(*R(E1000_RDLEN), E1000_RX_DESCS * 16);
	assert_int_equal(*R(E1000_RDLEN) % E1000_RING_ALIGN, 0);
	assert_int_equal(*R(E1000_TDLEN) % E1000_RING_ALIGN, 0);
	assert_int_equal(ring_base(E1000_TDBAL) % 16, 0);
	/* all receive descriptors but one are the device's */
	assert_int_equal(*R(E1000_RDH), 0);
	assert_int_equal(*R(E1000_RDT), E1000_RX_DESCS - 1);
	assert_int_equal(*R(E1000_TDH), *R(E1000_TDT));
	assert_true(e1000_link_up(&nic));
	*R(E1000_STATUS) = 0;
	assert_false(e1000_link_up(&nic));
}

static void test_init_reports_a_stuck_reset(void **state)
{
	struct e1000_dma dma = fake_dma();
	char err[64];

	dev.rst_reads = ~0u;
	assert_int_equal(e1000_init(&nic, &fake_ops, &dma, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "the device did not leave reset");
	assert_false(*R(E1000_RCTL) & E1000_RCTL_EN);
}

static void test_init_reports_a_silent_eeprom(void **state)
{
	struct e1000_dma dma = fake_dma();
	char err[64];

	dev.eeprom_dead = true;
	assert_int_equal(e1000_init(&nic, &fake_ops, &dma, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "its EEPROM did not answer (EERD)");
}

/* ---- transmit ------------------------------------------------------- */

static void test_transmit_puts_the_bytes_on_the_wire(void **state)
{
	uint8_t f[E1000_FRAME_MAX];

	init_ok();
	assert_true(e1000_transmit(&nic, f, make_frame(f, 42, 1)));
	assert_true(e1000_transmit(&nic, f, make_frame(f, 1514, 2)));
	assert_int_equal(dev.sent, 2);
	assert_int_equal(dev.wire_len[0], 42); /* the device pads (PSP) */
	make_frame(f, 42, 1);
	assert_memory_equal(dev.wire[0], f, 42);
	make_frame(f, 1514, 2);
	assert_memory_equal(dev.wire[1], f, 1514);
	assert_int_equal(*R(E1000_TDT), 2);
	assert_int_equal(nic.stats.tx_frames, 2);
	assert_int_equal(nic.stats.tx_bytes, 42 + 1514);
}

static void test_transmit_refuses_bad_sizes(void **state)
{
	uint8_t f[E1000_FRAME_MAX + 1];

	init_ok();
	make_frame(f, sizeof(f), 0);
	assert_false(e1000_transmit(&nic, f, 13));
	assert_false(e1000_transmit(&nic, f, E1000_FRAME_MAX + 1));
	assert_int_equal(nic.stats.tx_bad_size, 2);
	assert_int_equal(dev.tdt_writes, 1); /* only init's */
	assert_int_equal(dev.sent, 0);
}

/* The device sends nothing: the ring takes DESCS - 1 frames, then
 * refuses; once the device catches up, the slots are reclaimed. */
static void test_transmit_ring_full_and_reclaim(void **state)
{
	uint8_t f[64];

	init_ok();
	dev.tx_stalled = true;
	for (unsigned i = 0; i < E1000_TX_DESCS - 1; i++)
		assert_true(e1000_transmit(&nic, f, make_frame(f, 60, i)));
	assert_false(e1000_transmit(&nic, f, make_frame(f, 60, 99)));
	assert_int_equal(nic.stats.tx_ring_full, 1);
	dev.tx_stalled = false;
	fake_transmit();
	assert_int_equal(dev.sent, E1000_TX_DESCS - 1);
	assert_true(e1000_transmit(&nic, f, make_frame(f, 60, 99)));
	assert_int_equal(dev.sent, E1000_TX_DESCS);
	assert_int_equal(dev.wire[E1000_TX_DESCS - 1][14], (uint8_t)(99 + 14));
}

/* Many frames: the ring wraps and every slot is reused. */
static void test_transmit_wraps(void **state)
{
	uint8_t f[100];

	init_ok();
	for (unsigned i = 0; i < 3 * E1000_TX_DESCS; i++) {
		assert_true(e1000_transmit(&nic, f, make_frame(f, 100, i)));
		assert_int_equal(dev.wire[(dev.sent - 1) % WIRE_MAX][14],
				 (uint8_t)(i + 14));
		if (dev.sent == WIRE_MAX)
			dev.sent = 0;
	}
	assert_int_equal(nic.stats.tx_ring_full, 0);
}

/* ---- receive -------------------------------------------------------- */

static void test_receive_in_order_within_budget(void **state)
{
	uint8_t f[E1000_FRAME_MAX];
	struct got g = {0};

	init_ok();
	assert_int_equal(e1000_receive(&nic, 8, on_rx, &g), 0);
	for (unsigned i = 0; i < 5; i++)
		assert_true(fake_receive(f, make_frame(f, 60 + 100 * i, i), 0));
	assert_int_equal(e1000_receive(&nic, 3, on_rx, &g), 3);
	assert_int_equal(e1000_receive(&nic, 8, on_rx, &g), 2);
	assert_int_equal(g.n, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(g.tags[i], i);
		assert_int_equal(g.lens[i], 60 + 100 * i);
	}
	/* every descriptor went back: the tail sits behind the next one */
	assert_int_equal(*R(E1000_RDT), 4);
	assert_int_equal(nic.stats.rx_frames, 5);
}

static void test_receive_wraps_many_times(void **state)
{
	uint8_t f[200];
	struct got g = {0};

	init_ok();
	for (unsigned i = 0; i < 10 * E1000_RX_DESCS; i++) {
		assert_true(fake_receive(f, make_frame(f, 200, i), 0));
		if (i % 7 == 6)
			e1000_receive(&nic, 64, on_rx, &g);
	}
	e1000_receive(&nic, 64, on_rx, &g);
	assert_int_equal(g.n, 10 * E1000_RX_DESCS);
	assert_int_equal(g.tags[255], 255);
	assert_int_equal(*R(E1000_MPC), 0);
}

/* Frames the device marks bad, or that span buffers, are dropped and
 * their descriptors reused. */
static void test_receive_drops_bad_frames(void **state)
{
	uint8_t f[100];
	struct got g = {0};
	struct e1000_rx_desc *ring;

	init_ok();
	ring = pa_to_ptr(ring_base(E1000_RDBAL));
	fake_receive(f, make_frame(f, 100, 1), E1000_RXD_ERR_CE);
	fake_receive(f, make_frame(f, 100, 2), 0);
	ring[1].status &= ~(uint8_t)E1000_RXD_STAT_EOP; /* first half */
	fake_receive(f, make_frame(f, 100, 3), 0);	/* its end */
	fake_receive(f, make_frame(f, 100, 4), 0);	/* good */
	assert_int_equal(e1000_receive(&nic, 16, on_rx, &g), 4);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.tags[0], 4);
	assert_int_equal(nic.stats.rx_errors, 2);
	assert_int_equal(*R(E1000_RDT), 3);
}

/* Nobody polls: the ring fills, the device misses frames (MPC), and
 * after a poll it receives again. */
static void test_receive_ring_full_counts_missed(void **state)
{
	uint8_t f[64];
	struct got g = {0};
	unsigned in = 0;

	init_ok();
	for (unsigned i = 0; i < E1000_RX_DESCS + 5; i++)
		in += fake_receive(f, make_frame(f, 64, i), 0);
	assert_int_equal(in, E1000_RX_DESCS - 1);
	e1000_update_stats(&nic);
	assert_int_equal(nic.stats.rx_missed, 6);
	assert_int_equal(e1000_receive(&nic, 64, on_rx, &g),
			 E1000_RX_DESCS - 1);
	assert_true(fake_receive(f, make_frame(f, 64, 77), 0));
	assert_int_equal(e1000_receive(&nic, 64, on_rx, &g), 1);
	assert_int_equal(g.tags[E1000_RX_DESCS - 1], 77);
	e1000_update_stats(&nic);
	assert_int_equal(nic.stats.rx_missed, 6);
}

/* ---- which PCI function (e1000_host_find) --------------------------- */

static struct pci_scan scan_of(bool with_e1000)
{
	struct pci_scan s = {0};

	s.dev[s.count++] = (struct pci_device){.bdf = PCI_BDF(0, 1, 1),
					       .vendor = 0x8086,
					       .device = 0x7010,
					       .class_code = 0x01,
					       .subclass = 0x01,
					       .prog_if = 0x80};
	if (with_e1000)
		s.dev[s.count++] = (struct pci_device){.bdf = PCI_BDF(0, 2, 0),
						       .vendor = 0x8086,
						       .device = 0x100e,
						       .class_code = 0x02};
	s.dev[s.count++] = (struct pci_device){.bdf = PCI_BDF(0, 3, 0),
					       .vendor = 0x8086,
					       .device = 0x100f,
					       .class_code = 0x02};
	return s;
}

static void test_host_find(void **state)
{
	struct pci_scan s = scan_of(true);
	struct pci_bdf at = {0, 0, 3, 0};
	char err[160] = "";

	/* the first e1000, or the one named */
	assert_int_equal(e1000_host_find(&s, NULL, err, sizeof(err))->bdf,
			 PCI_BDF(0, 2, 0));
	assert_int_equal(e1000_host_find(&s, &at, err, sizeof(err))->bdf,
			 PCI_BDF(0, 3, 0));
	/* something else there, nothing there, another segment */
	at = (struct pci_bdf){0, 0, 1, 1};
	assert_null(e1000_host_find(&s, &at, err, sizeof(err)));
	assert_string_equal(err, "00:01.1 is 8086:7010, not an e1000 "
				 "(8086:100e or 8086:100f)");
	at = (struct pci_bdf){0, 0, 4, 0};
	assert_null(e1000_host_find(&s, &at, err, sizeof(err)));
	assert_string_equal(err, "there is no PCI function at 00:04.0");
	at = (struct pci_bdf){1, 0, 2, 0};
	assert_null(e1000_host_find(&s, &at, err, sizeof(err)));
	assert_string_equal(err, "there is no PCI function at 0001:00:02.0");
	/* none at all */
	s = scan_of(false);
	s.count = 1;
	assert_null(e1000_host_find(&s, NULL, err, sizeof(err)));
	assert_string_equal(
		err, "there is no e1000 (8086:100e or 8086:100f) on PCI");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_init_programs_the_device),
		T(test_init_reports_a_stuck_reset),
		T(test_init_reports_a_silent_eeprom),
		T(test_transmit_puts_the_bytes_on_the_wire),
		T(test_transmit_refuses_bad_sizes),
		T(test_transmit_ring_full_and_reclaim),
		T(test_transmit_wraps),
		T(test_receive_in_order_within_budget),
		T(test_receive_wraps_many_times),
		T(test_receive_drops_bad_frames),
		T(test_receive_ring_full_counts_missed),
		cmocka_unit_test(test_host_find),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
