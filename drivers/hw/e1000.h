/*
 * drivers/hw/e1000.h - the host's Intel 8254x (e1000) Ethernet
 * controller, polled: reset, the MAC address from the EEPROM, one
 * legacy receive ring and one legacy transmit ring in memory the
 * device reaches by DMA, promiscuous receive (the uplink bridges the
 * VMs' own addresses onto the wire, docs/networking.md).
 * No interrupts: e1000_receive is polled (vmx/vm_net.c, from the run
 * loop) and e1000_transmit reclaims finished descriptors itself.
 * No lock of its own: the caller serialises every call (in the
 * hypervisor the virtual switch's lock, which also guards the uplink
 * port). Pure logic: registers through struct e1000_ops, so
 * tests/unit/test_e1000.c drives the rings against a fake device;
 * drivers/hw/e1000_host.c finds the device on PCI and maps it.
 * Intel 8254x Software Developer's Manual: "General Configuration",
 * "Receive Initialization", "Transmit Initialization", "Receive
 * Descriptor Queue Structure", "Transmit Descriptor Ring Structure".
 */
#ifndef DRIVERS_HW_E1000_H
#define DRIVERS_HW_E1000_H

#include "drivers/hw/e1000_regs.h"
#include "lib/macaddr.h"

#define E1000_RX_DESCS	   32 /* a multiple of 8 (E1000_RING_ALIGN) */
#define E1000_TX_DESCS	   32
#define E1000_BUF_SIZE	   2048	  /* RCTL.BSIZE; one frame per buffer */
#define E1000_FRAME_MAX	   1514	  /* header + 1500; no CRC (SECRC) */
#define E1000_FRAME_MIN	   14	  /* an Ethernet header */
#define E1000_RESET_POLLS  100000 /* CTRL reads while RST is set */
#define E1000_EEPROM_POLLS 100000 /* EERD reads until DONE */

/* The DMA area e1000_init lays out: the two rings in the first page,
 * then the buffers. Physically contiguous, below 4 GiB not needed (the
 * descriptors hold 64-bit addresses). */
#define E1000_RINGS_BYTES PAGE_SIZE
#define E1000_DMA_BYTES \
	(E1000_RINGS_BYTES + (E1000_RX_DESCS + E1000_TX_DESCS) * E1000_BUF_SIZE)

/* How the driver reaches the registers (BAR0 on the host). */
struct e1000_ops {
	uint32_t (*read32)(void *ctx, uint32_t reg);
	void (*write32)(void *ctx, uint32_t reg, uint32_t value);
	void *ctx;
};

/* Memory for the rings and buffers: va as the driver sees it, pa as the
 * device does; E1000_DMA_BYTES, page aligned. */
struct e1000_dma {
	void *va;
	hpa_t pa;
};

struct e1000_stats {
	uint64_t rx_frames, rx_bytes; /* handed to the caller */
	uint64_t rx_errors;	      /* bad frames the device marked */
	uint64_t rx_missed;	      /* MPC: no free receive descriptor */
	uint64_t tx_frames, tx_bytes; /* queued on the transmit ring */
	uint64_t tx_ring_full;	      /* refused: every descriptor busy */
	uint64_t tx_bad_size;	      /* refused: runt or oversize */
};

struct e1000 {
	struct e1000_ops ops;
	struct mac_addr mac; /* the EEPROM's (not used on the wire) */
	volatile struct e1000_rx_desc *rx;
	volatile struct e1000_tx_desc *tx;
	uint8_t *rx_buf, *tx_buf; /* [DESCS][E1000_BUF_SIZE] */
	unsigned rx_next;	  /* next descriptor the device fills */
	bool rx_discard;	  /* inside a frame that spans buffers */
	unsigned tx_next;	  /* next descriptor to fill (= TDT) */
	unsigned tx_clean;	  /* oldest descriptor not yet done */
	struct e1000_stats stats;
};

/*
 * Reset the device, mask its interrupts, read its MAC address, set up
 * both rings in dma and enable receive (promiscuous, broadcast, CRC
 * stripped) and transmit (short frames padded, CRC appended). 0, or -1
 * with err (the device did not leave reset, or its EEPROM did not
 * answer).
 */
int e1000_init(struct e1000 *nic, const struct e1000_ops *ops,
	       const struct e1000_dma *dma, char *err, size_t err_size);

/* The PHY reports a link (STATUS.LU). */
bool e1000_link_up(struct e1000 *nic);

/*
 * Queue one frame (E1000_FRAME_MIN to E1000_FRAME_MAX bytes, no CRC) on
 * the transmit ring: copied into the ring's buffer, so frame may go
 * away at once. False when the ring is full (the device has not sent
 * the frames before it) or the size is wrong; counted either way.
 */
bool e1000_transmit(struct e1000 *nic, const uint8_t *frame, size_t len);

/* Called for each good frame received, with the driver's buffer: copy
 * it before returning. */
typedef void (*e1000_rx_fn)(void *ctx, const uint8_t *frame, size_t len);

/*
 * Take at most budget received frames off the ring, hand each good one
 * to fn, give every descriptor back to the device. Returns how many
 * descriptors it took. Cheap when nothing arrived (memory reads only,
 * no register access).
 */
unsigned e1000_receive(struct e1000 *nic, unsigned budget, e1000_rx_fn fn,
		       void *ctx);

/* Add the device's Missed Packets Count (read clears it) to
 * stats.rx_missed. */
void e1000_update_stats(struct e1000 *nic);

#endif
