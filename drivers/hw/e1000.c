/*
 * drivers/hw/e1000.c - the e1000 driver's core: bring-up and the two
 * descriptor rings.
 * Pure logic, no lock (the caller's, see drivers/hw/e1000.h); in the
 * hypervisor on whichever CPU polls or transmits, on the host in
 * tests/unit/test_e1000.c against a fake device.
 * Intel 8254x Software Developer's Manual: "General Configuration"
 * (reset, link), "EEPROM Read Register (EERD)", "Receive
 * Initialization", "Transmit Initialization", "Receive Descriptor Queue
 * Structure", "Transmit Descriptor Ring Structure".
 *
 * The rings, as the manual draws them: the device owns the descriptors
 * from head (RDH/TDH, which it advances) up to but not including tail
 * (RDT/TDT, which we advance). Receive: every descriptor but one is
 * given to the device at start; the device fills one, sets DD, moves
 * head; we take it at rx_next, clear its status and hand it back by
 * moving tail onto it. Transmit: we fill the descriptor at tail, move
 * tail past it; the device sends it and sets DD (we ask with RS); a
 * descriptor is ours again once DD is set. One slot stays empty so that
 * a full ring (tail + 1 == clean) differs from an empty one.
 */
#include "drivers/hw/e1000.h"
#include "lib/fmt.h"
#include "lib/string.h"

static uint32_t rd(struct e1000 *nic, uint32_t reg)
{
	return nic->ops.read32(nic->ops.ctx, reg);
}

static void wr(struct e1000 *nic, uint32_t reg, uint32_t value)
{
	nic->ops.write32(nic->ops.ctx, reg, value);
}

static unsigned ring_next(unsigned i, unsigned size)
{
	return i + 1 == size ? 0 : i + 1;
}

/* Descriptors written before the tail register is; DD read before the
 * rest of a descriptor (x86 keeps stores and loads in order: this stops
 * the compiler reordering them). */
static void dma_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* ---- bring-up ------------------------------------------------------- */

/* "General Configuration": set CTRL.RST and wait until it clears. */
static int e1000_reset(struct e1000 *nic)
{
	wr(nic, E1000_IMC, ~0u);
	wr(nic, E1000_CTRL, rd(nic, E1000_CTRL) | E1000_CTRL_RST);
	for (unsigned i = 0; i < E1000_RESET_POLLS; i++) {
		if (!(rd(nic, E1000_CTRL) & E1000_CTRL_RST)) {
			wr(nic, E1000_IMC, ~0u);  /* reset unmasks nothing, */
			(void)rd(nic, E1000_ICR); /* but clear what is set */
			return 0;
		}
	}
	return -1;
}

/* Link: let the MAC follow the PHY's auto-negotiation. */
static void e1000_link_setup(struct e1000 *nic)
{
	uint32_t ctrl = rd(nic, E1000_CTRL);

	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	ctrl &= ~(uint32_t)(E1000_CTRL_LRST | E1000_CTRL_ILOS | E1000_CTRL_VME);
	wr(nic, E1000_CTRL, ctrl);
}

static int eeprom_read(struct e1000 *nic, unsigned word, uint16_t *out)
{
	wr(nic, E1000_EERD,
	   E1000_EERD_START | (uint32_t)word << E1000_EERD_ADDR_SHIFT);
	for (unsigned i = 0; i < E1000_EEPROM_POLLS; i++) {
		uint32_t v = rd(nic, E1000_EERD);

		if (v & E1000_EERD_DONE) {
			*out = (uint16_t)(v >> E1000_EERD_DATA_SHIFT);
			return 0;
		}
	}
	return -1;
}

/* "EEPROM Address Map": the Ethernet address, words 0-2. It also goes
 * into receive address 0 (the manual's initialisation does so; with
 * promiscuous receive it filters nothing). */
static int e1000_read_mac(struct e1000 *nic)
{
	for (unsigned w = 0; w < E1000_EEPROM_MAC_WORDS; w++) {
		uint16_t v;

		if (eeprom_read(nic, w, &v))
			return -1;
		nic->mac.b[2 * w] = (uint8_t)v;
		nic->mac.b[2 * w + 1] = (uint8_t)(v >> 8);
	}
	wr(nic, E1000_RAL0,
	   (uint32_t)nic->mac.b[0] | (uint32_t)nic->mac.b[1] << 8 |
		   (uint32_t)nic->mac.b[2] << 16 |
		   (uint32_t)nic->mac.b[3] << 24);
	wr(nic, E1000_RAH0,
	   (uint32_t)nic->mac.b[4] | (uint32_t)nic->mac.b[5] << 8 |
		   E1000_RAH_AV);
	return 0;
}

static void ring_base(struct e1000 *nic, uint32_t bal, uint32_t bah,
		      uint32_t len_reg, hpa_t pa, unsigned descs)
{
	wr(nic, bal, (uint32_t)pa);
	wr(nic, bah, (uint32_t)(pa >> 32));
	wr(nic, len_reg, descs * 16u);
}

/* "Receive Initialization": every buffer but one posted, promiscuous. */
static void e1000_rx_setup(struct e1000 *nic, hpa_t ring_pa, hpa_t buf_pa)
{
	for (unsigned i = 0; i < E1000_MTA_LEN; i++)
		wr(nic, E1000_MTA + 4 * i, 0);
	/* Whole descriptors: a device may write back only some fields
	 * (Bochs's keeps `errors` as it finds it). */
	for (unsigned i = 0; i < E1000_RX_DESCS; i++)
		nic->rx[i] = (struct e1000_rx_desc){
			.addr = buf_pa + (hpa_t)i * E1000_BUF_SIZE};
	nic->rx_next = 0;
	ring_base(nic, E1000_RDBAL, E1000_RDBAH, E1000_RDLEN, ring_pa,
		  E1000_RX_DESCS);
	wr(nic, E1000_RDH, 0);
	wr(nic, E1000_RDT, E1000_RX_DESCS - 1);
	wr(nic, E1000_RCTL,
	   E1000_RCTL_EN | E1000_RCTL_UPE | E1000_RCTL_MPE | E1000_RCTL_BAM |
		   E1000_RCTL_BSIZE_2K | E1000_RCTL_SECRC);
}

/* "Transmit Initialization": an empty ring, padding, the IPG. */
static void e1000_tx_setup(struct e1000 *nic, hpa_t ring_pa, hpa_t buf_pa)
{
	for (unsigned i = 0; i < E1000_TX_DESCS; i++)
		nic->tx[i] = (struct e1000_tx_desc){
			.addr = buf_pa + (hpa_t)i * E1000_BUF_SIZE};
	nic->tx_next = nic->tx_clean = 0;
	ring_base(nic, E1000_TDBAL, E1000_TDBAH, E1000_TDLEN, ring_pa,
		  E1000_TX_DESCS);
	wr(nic, E1000_TDH, 0);
	wr(nic, E1000_TDT, 0);
	wr(nic, E1000_TIPG,
	   E1000_TIPG_IPGT | E1000_TIPG_IPGR1 << E1000_TIPG_IPGR1_SHIFT |
		   E1000_TIPG_IPGR2 << E1000_TIPG_IPGR2_SHIFT);
	wr(nic, E1000_TCTL,
	   E1000_TCTL_EN | E1000_TCTL_PSP |
		   E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT |
		   E1000_TCTL_COLD_FULL << E1000_TCTL_COLD_SHIFT);
}

int e1000_init(struct e1000 *nic, const struct e1000_ops *ops,
	       const struct e1000_dma *dma, char *err, size_t n)
{
	uint8_t *va = dma->va;
	hpa_t rx_buf_pa = dma->pa + E1000_RINGS_BYTES;
	hpa_t tx_buf_pa = rx_buf_pa + E1000_RX_DESCS * E1000_BUF_SIZE;

	memset(nic, 0, sizeof(*nic));
	nic->ops = *ops;
	nic->rx = (volatile struct e1000_rx_desc *)va;
	nic->tx = (volatile struct e1000_tx_desc *)(va + E1000_RX_DESCS * 16);
	nic->rx_buf = va + E1000_RINGS_BYTES;
	nic->tx_buf = nic->rx_buf + E1000_RX_DESCS * E1000_BUF_SIZE;
	if (e1000_reset(nic)) {
		fmt_snprintf(err, n, "the device did not leave reset");
		return -1;
	}
	if (e1000_read_mac(nic)) {
		fmt_snprintf(err, n, "its EEPROM did not answer (EERD)");
		return -1;
	}
	e1000_link_setup(nic);
	e1000_rx_setup(nic, dma->pa, rx_buf_pa);
	e1000_tx_setup(nic, dma->pa + E1000_RX_DESCS * 16, tx_buf_pa);
	return 0;
}

bool e1000_link_up(struct e1000 *nic)
{
	return rd(nic, E1000_STATUS) & E1000_STATUS_LU;
}

/* ---- transmit ------------------------------------------------------- */

/* Descriptors the device has sent (DD) are free again. */
static void tx_reclaim(struct e1000 *nic)
{
	while (nic->tx_clean != nic->tx_next &&
	       (nic->tx[nic->tx_clean].status & E1000_TXD_STAT_DD))
		nic->tx_clean = ring_next(nic->tx_clean, E1000_TX_DESCS);
}

bool e1000_transmit(struct e1000 *nic, const uint8_t *frame, size_t len)
{
	unsigned i = nic->tx_next;
	volatile struct e1000_tx_desc *d = &nic->tx[i];

	if (len < E1000_FRAME_MIN || len > E1000_FRAME_MAX) {
		nic->stats.tx_bad_size++;
		return false;
	}
	tx_reclaim(nic);
	if (ring_next(i, E1000_TX_DESCS) == nic->tx_clean) {
		nic->stats.tx_ring_full++;
		return false;
	}
	memcpy(nic->tx_buf + (size_t)i * E1000_BUF_SIZE, frame, len);
	d->length = (uint16_t)len;
	d->cso = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	d->status = 0;
	d->css = 0;
	d->special = 0;
	nic->tx_next = ring_next(i, E1000_TX_DESCS);
	dma_barrier();
	wr(nic, E1000_TDT, nic->tx_next);
	nic->stats.tx_frames++;
	nic->stats.tx_bytes += len;
	return true;
}

/* ---- receive -------------------------------------------------------- */

/* One filled descriptor: a whole good frame goes to fn; a frame that
 * spans buffers (longer than E1000_BUF_SIZE: long packets are off, so
 * only a misbehaving device makes one) or that the device marked bad
 * is dropped. */
static void rx_one(struct e1000 *nic, volatile struct e1000_rx_desc *d,
		   const uint8_t *buf, e1000_rx_fn fn, void *ctx)
{
	uint8_t status = d->status;
	uint16_t len = d->length;

	if (!(status & E1000_RXD_STAT_EOP)) {
		nic->rx_discard = true;
		return;
	}
	if (nic->rx_discard || (d->errors & E1000_RXD_ERR_FRAME) ||
	    len < E1000_FRAME_MIN || len > E1000_FRAME_MAX) {
		nic->rx_discard = false;
		nic->stats.rx_errors++;
		return;
	}
	nic->stats.rx_frames++;
	nic->stats.rx_bytes += len;
	fn(ctx, buf, len);
}

unsigned e1000_receive(struct e1000 *nic, unsigned budget, e1000_rx_fn fn,
		       void *ctx)
{
	unsigned taken = 0;

	while (taken < budget) {
		unsigned i = nic->rx_next;
		volatile struct e1000_rx_desc *d = &nic->rx[i];

		if (!(d->status & E1000_RXD_STAT_DD))
			break;
		dma_barrier();
		rx_one(nic, d, nic->rx_buf + (size_t)i * E1000_BUF_SIZE, fn,
		       ctx);
		d->status = 0;
		d->errors = 0;
		nic->rx_next = ring_next(i, E1000_RX_DESCS);
		dma_barrier();
		wr(nic, E1000_RDT,
		   i); /* the descriptor is the device's again */
		taken++;
	}
	return taken;
}

void e1000_update_stats(struct e1000 *nic)
{
	nic->stats.rx_missed += rd(nic, E1000_MPC);
}
