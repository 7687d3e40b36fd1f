/*
 * tests/unit/test_virtio_net.c - drivers/virt/virtio_net.c on a
 * drivers/net/vswitch.c switch, on the host. Each guest is a RAM block
 * of its own with a driver (this test) that sets the device up through
 * its MMIO window, as the guest's accesses arrive: feature negotiation,
 * a frame transmitted to the switch, frames received into posted
 * buffers or dropped, chains the spec forbids (NEEDS_RESET), and two
 * devices on one switch talking to each other.
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/virtio_net.h"
#include "lib/log.h"

#define RAM_SIZE (128 * 1024)
#define QSIZE	 8
#define HDR	 VIRTIO_NET_HDR_SIZE

/* Where each queue's rings are, and the buffers. */
static const gpa_t ring_at[VIRTIO_NET_QUEUES][3] = {
	[VIRTIO_NET_RXQ] = {0x1000, 0x2000, 0x3000},
	[VIRTIO_NET_TXQ] = {0x4000, 0x5000, 0x6000},
};
#define RXBUF 0x8000 /* QSIZE buffers of 0x800 */
#define TXBUF 0xc000

struct guest {
	uint8_t *ram;
	struct guest_ram access;
	struct virtio_net net;
	struct mmio_device win;
	unsigned irqs;	 /* times the line went high */
	unsigned lowers; /* times it went low */
	bool level;
};

/* A port standing for another machine: records what it gets. */
struct peer {
	int port;
	unsigned got;
	uint8_t last[ETH_FRAME_MAX];
	size_t last_len;
};

static struct vswitch sw;
static struct guest ga, gb;
static struct peer peer;
static uint64_t ticks;

static const struct mac_addr mac_a = {{0x52, 0x54, 0, 0, 0, 0xa}};
static const struct mac_addr mac_b = {{0x52, 0x54, 0, 0, 0, 0xb}};
static const struct mac_addr mac_peer = {{0x02, 0, 0, 0, 0, 0x99}};
static const struct mac_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static void sink(const char *line, size_t len)
{
}

static uint64_t clock_now(void *ctx)
{
	return ticks;
}

static void *ram_map(void *ctx, gpa_t gpa, uint64_t len)
{
	struct guest *g = ctx;

	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return NULL;
	return g->ram + gpa;
}

static void count_irq(void *ctx, bool level)
{
	struct guest *g = ctx;

	assert_int_equal(sw.lock.locked, 1); /* called under the lock */
	assert_true(level != g->level);	     /* only changes are told */
	g->level = level;
	if (level)
		g->irqs++;
	else
		g->lowers++;
}

static bool peer_rx(void *ctx, const uint8_t *frame, size_t len)
{
	struct peer *p = ctx;

	p->got++;
	memcpy(p->last, frame, len);
	p->last_len = len;
	return true;
}

/* ---- the driver's side ---------------------------------------------- */

static uint32_t rd(struct guest *g, uint64_t off)
{
	return (uint32_t)g->win.read(g->win.opaque, off, 4);
}

static void wr(struct guest *g, uint64_t off, uint32_t v)
{
	g->win.write(g->win.opaque, off, 4, v);
}

static uint16_t get16(struct guest *g, gpa_t a)
{
	uint16_t v;

	memcpy(&v, g->ram + a, 2);
	return v;
}

static uint32_t get32(struct guest *g, gpa_t a)
{
	uint32_t v;

	memcpy(&v, g->ram + a, 4);
	return v;
}

static void set16(struct guest *g, gpa_t a, uint16_t v)
{
	memcpy(g->ram + a, &v, 2);
}

static void desc(struct guest *g, unsigned q, unsigned i, uint64_t addr,
		 uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = {addr, len, flags, next};

	memcpy(g->ram + ring_at[q][0] + i * sizeof(d), &d, sizeof(d));
}

static void avail(struct guest *g, unsigned q, uint16_t head)
{
	gpa_t a = ring_at[q][1];
	uint16_t idx = get16(g, a + 2);

	set16(g, a + 4 + 2 * (idx % QSIZE), head);
	set16(g, a + 2, (uint16_t)(idx + 1));
}

static uint16_t used_idx(struct guest *g, unsigned q)
{
	return get16(g, ring_at[q][2] + 2);
}

/* The used length of used entry i of queue q. */
static uint32_t used_len(struct guest *g, unsigned q, uint16_t i)
{
	return get32(g, ring_at[q][2] + 4 + 8 * (i % QSIZE) + 4);
}

static void negotiate(struct guest *g, uint32_t low, uint32_t high)
{
	wr(g, VIRTIO_MMIO_STATUS, 0);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES, low);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES, high);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
}

static void bring_up(struct guest *g)
{
	negotiate(g, VIRTIO_NET_F_MAC, 1);
	for (unsigned q = 0; q < VIRTIO_NET_QUEUES; q++) {
		wr(g, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(g, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
		wr(g, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)ring_at[q][0]);
		wr(g, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)ring_at[q][1]);
		wr(g, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)ring_at[q][2]);
		wr(g, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(g, VIRTIO_MMIO_STATUS,
	   rd(g, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(g, VIRTIO_MMIO_STATUS) &
				 (VIRTIO_STATUS_DRIVER_OK |
				  VIRTIO_STATUS_DEVICE_NEEDS_RESET),
			 VIRTIO_STATUS_DRIVER_OK);
}

/* Post receive buffer i (descriptor i, len bytes, writable). */
static void post_rx(struct guest *g, unsigned i, uint32_t len)
{
	desc(g, VIRTIO_NET_RXQ, i, RXBUF + i * 0x800, len, VIRTQ_DESC_F_WRITE,
	     0);
	avail(g, VIRTIO_NET_RXQ, (uint16_t)i);
}

/* An Ethernet frame at TXBUF + HDR, its header (zero) before it. */
static size_t put_frame(struct guest *g, struct mac_addr dst,
			struct mac_addr src, size_t len, uint8_t fill)
{
	uint8_t *f = g->ram + TXBUF + HDR;

	memset(g->ram + TXBUF, 0, HDR);
	memcpy(f, dst.b, 6);
	memcpy(f + 6, src.b, 6);
	f[12] = 0x88; /* a local experimental EtherType, 0x88b5 */
	f[13] = 0xb5;
	for (size_t i = ETH_HDR_LEN; i < len; i++)
		f[i] = (uint8_t)(fill + i);
	return len;
}

/* Transmit header + frame as one buffer (descriptor 0) and notify. */
static void transmit(struct guest *g, size_t len)
{
	desc(g, VIRTIO_NET_TXQ, 0, TXBUF, (uint32_t)(HDR + len), 0, 0);
	avail(g, VIRTIO_NET_TXQ, 0);
	wr(g, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
}

static bool needs_reset(struct guest *g)
{
	return rd(g, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

/* ---- set-up --------------------------------------------------------- */

static void guest_init(struct guest *g, const struct mac_addr *mac, gpa_t base,
		       const char *name)
{
	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, RAM_SIZE);
	g->access = (struct guest_ram){ram_map, g};
	assert_int_equal(
		virtio_net_init(&g->net, &sw, mac, name, base, &g->access), 0);
	virtio_net_set_irq(&g->net, count_irq, g);
	g->win = virtio_net_device(&g->net);
}

static int setup(void **state)
{
	static const struct vswitch_clock clock = {clock_now, NULL};

	log_set_sink(sink);
	ticks = 0;
	vswitch_init(&sw, &clock, 1000);
	guest_init(&ga, &mac_a, 0xd0001000, "vm a: virtio-net");
	guest_init(&gb, &mac_b, 0xd0001000, "vm b: virtio-net");
	memset(&peer, 0, sizeof(peer));
	peer.port = vswitch_port_add(&sw, "peer", peer_rx, &peer);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(sw.lock.locked, 0); /* every access let it go */
	free(ga.ram);
	free(gb.ram);
	return 0;
}

/* The peer sends a frame into the switch (holding its lock, as every
 * caller must). */
static unsigned peer_send(struct mac_addr dst, size_t len, uint8_t fill)
{
	uint8_t f[ETH_FRAME_MAX];
	unsigned taken;

	memcpy(f, dst.b, 6);
	memcpy(f + 6, mac_peer.b, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (size_t i = ETH_HDR_LEN; i < len; i++)
		f[i] = (uint8_t)(fill + i);
	spin_lock(&sw.lock);
	taken = vswitch_send(&sw, peer.port, f, len);
	spin_unlock(&sw.lock);
	return taken;
}

/* ---- tests ---------------------------------------------------------- */

static void test_identity_and_config(void **state)
{
	assert_int_equal(rd(&ga, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(&ga, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	wr(&ga, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_NET_TXQ);
	assert_int_equal(rd(&ga, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_SIZE_MAX);
	wr(&ga, VIRTIO_MMIO_QUEUE_SEL, 2); /* no control queue */
	assert_int_equal(rd(&ga, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(
			ga.win.read(ga.win.opaque, VIRTIO_MMIO_CONFIG + i, 1),
			mac_a.b[i]);
	assert_int_equal(ga.win.read(ga.win.opaque,
				     VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS,
				     2),
			 VIRTIO_NET_S_LINK_UP);
	assert_int_equal(rd(&ga, VIRTIO_MMIO_CONFIG + 8), 0);
}

static void test_feature_negotiation(void **state)
{
	uint32_t low;

	wr(&ga, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	low = rd(&ga, VIRTIO_MMIO_DEVICE_FEATURES);
	assert_true(low & VIRTIO_NET_F_MAC);
	assert_true(low & VIRTIO_NET_F_STATUS);
	assert_false(low & VIRTIO_NET_F_CSUM); /* no offloads */
	assert_false(low & BIT(15));	       /* no MRG_RXBUF */
	assert_false(low & BIT(17));	       /* no control queue */
	wr(&ga, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(&ga, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* V1 */
	/* a subset with VERSION_1 is kept */
	negotiate(&ga, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS, 1);
	assert_true(rd(&ga, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(ga.net.mmio.features, VIRTIO_NET_F_MAC |
						       VIRTIO_NET_F_STATUS |
						       VIRTIO_F_VERSION_1);
	/* checksum offload was not offered: refused */
	negotiate(&ga, VIRTIO_NET_F_MAC | VIRTIO_NET_F_CSUM, 1);
	assert_false(rd(&ga, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	/* a legacy driver (no VERSION_1) is refused */
	negotiate(&ga, VIRTIO_NET_F_MAC, 0);
	assert_false(rd(&ga, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

/* A frame from the guest reaches the switch without its virtio header;
 * the buffer comes back with used length 0 and an interrupt. */
static void test_tx_to_switch(void **state)
{
	bring_up(&ga);
	put_frame(&ga, mac_peer, mac_a, 100, 7);
	transmit(&ga, 100);
	assert_int_equal(peer.got, 1);
	assert_int_equal(peer.last_len, 100);
	assert_memory_equal(peer.last, ga.ram + TXBUF + HDR, 100);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_TXQ), 1);
	assert_int_equal(used_len(&ga, VIRTIO_NET_TXQ, 0), 0);
	assert_int_equal(ga.net.stats.tx_frames, 1);
	assert_int_equal(ga.net.stats.tx_bytes, 100);
	assert_int_equal(sw.ports[ga.net.port].stats.rx_packets, 1);
	assert_true(rd(&ga, VIRTIO_MMIO_INTERRUPT_STATUS) &
		    VIRTIO_MMIO_INT_VRING);
	assert_int_equal(ga.irqs, 1);
	/* the switch learned the guest's address on its port */
	assert_int_equal(vswitch_lookup(&sw, &mac_a), ga.net.port);
}

/* Header and frame cut across three buffers, as "Message Framing"
 * allows; a full-size frame. */
static void test_tx_any_layout(void **state)
{
	size_t len = ETH_FRAME_MAX;

	bring_up(&ga);
	put_frame(&ga, bcast, mac_a, len, 3);
	desc(&ga, VIRTIO_NET_TXQ, 0, TXBUF, 5, VIRTQ_DESC_F_NEXT, 1);
	desc(&ga, VIRTIO_NET_TXQ, 1, TXBUF + 5, 100, VIRTQ_DESC_F_NEXT, 2);
	desc(&ga, VIRTIO_NET_TXQ, 2, TXBUF + 105, (uint32_t)(HDR + len - 105),
	     0, 0);
	avail(&ga, VIRTIO_NET_TXQ, 0);
	wr(&ga, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	assert_false(needs_reset(&ga));
	assert_int_equal(peer.last_len, len);
	assert_memory_equal(peer.last, ga.ram + TXBUF + HDR, len);
}

/* A frame from the switch lands in the posted buffer, after a header
 * saying "no offload, one buffer". */
static void test_rx_into_posted_buffer(void **state)
{
	uint8_t hdr[HDR] = {0};

	bring_up(&ga);
	memset(ga.ram + RXBUF, 0xee, 0x800);
	post_rx(&ga, 0, 0x800);
	assert_int_equal(peer_send(mac_a, 60, 9), 1);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 1);
	assert_int_equal(used_len(&ga, VIRTIO_NET_RXQ, 0), HDR + 60);
	hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
	assert_memory_equal(ga.ram + RXBUF, hdr, HDR);
	assert_memory_equal(ga.ram + RXBUF + HDR, mac_a.b, 6);
	assert_memory_equal(ga.ram + RXBUF + HDR + 6, mac_peer.b, 6);
	assert_int_equal(ga.ram[RXBUF + HDR + 59], (uint8_t)(9 + 59));
	assert_int_equal(ga.ram[RXBUF + HDR + 60], 0xee); /* no more */
	assert_int_equal(ga.irqs, 1);
	assert_true(rd(&ga, VIRTIO_MMIO_INTERRUPT_STATUS) &
		    VIRTIO_MMIO_INT_VRING);
	assert_int_equal(ga.net.stats.rx_frames, 1);
	assert_int_equal(sw.ports[ga.net.port].stats.tx_packets, 1);
}

/* No buffer posted: the frame is dropped and counted on both sides;
 * nothing is written. A buffer posted later gets the next frame. */
static void test_rx_no_buffer_drop(void **state)
{
	bring_up(&ga);
	assert_int_equal(peer_send(mac_a, 60, 1), 0);
	assert_int_equal(ga.net.stats.rx_no_buffer, 1);
	assert_int_equal(sw.ports[ga.net.port].stats.tx_dropped, 1);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 0);
	assert_int_equal(ga.irqs, 0);
	post_rx(&ga, 0, 0x800);
	wr(&ga, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ); /* nothing due */
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 0);
	assert_int_equal(peer_send(mac_a, 70, 2), 1);
	assert_int_equal(used_len(&ga, VIRTIO_NET_RXQ, 0), HDR + 70);
	/* two buffers, three frames: the third is dropped */
	post_rx(&ga, 1, 0x800);
	post_rx(&ga, 2, 0x800);
	assert_int_equal(peer_send(mac_a, 60, 0), 1);
	assert_int_equal(peer_send(mac_a, 60, 0), 1);
	assert_int_equal(peer_send(mac_a, 60, 0), 0);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 3);
	assert_int_equal(ga.net.stats.rx_no_buffer, 2);
}

/* Before DRIVER_OK nothing is written into the guest. */
static void test_rx_before_driver_ok(void **state)
{
	uint8_t *before = malloc(RAM_SIZE);

	memcpy(before, ga.ram, RAM_SIZE);
	assert_int_equal(peer_send(bcast, 60, 0), 0); /* nobody ready */
	assert_int_equal(ga.net.stats.rx_not_ready, 1);
	assert_int_equal(gb.net.stats.rx_not_ready, 1);
	assert_memory_equal(before, ga.ram, RAM_SIZE);
	free(before);
}

/* A buffer too small for header and frame comes back empty; the next,
 * big enough, gets the next frame. */
static void test_rx_buffer_too_small(void **state)
{
	bring_up(&ga);
	post_rx(&ga, 0, HDR + 59);
	post_rx(&ga, 1, HDR + 60);
	assert_int_equal(peer_send(mac_a, 60, 0), 0);
	assert_int_equal(used_len(&ga, VIRTIO_NET_RXQ, 0), 0);
	assert_int_equal(ga.net.stats.rx_too_small, 1);
	assert_int_equal(peer_send(mac_a, 60, 0), 1);
	assert_int_equal(used_len(&ga, VIRTIO_NET_RXQ, 1), HDR + 60);
	assert_false(needs_reset(&ga));
}

/* A receive buffer the device may not write: NEEDS_RESET. */
static void test_rx_readable_buffer(void **state)
{
	bring_up(&ga);
	desc(&ga, VIRTIO_NET_RXQ, 0, RXBUF, 0x800, 0, 0);
	avail(&ga, VIRTIO_NET_RXQ, 0);
	assert_int_equal(peer_send(mac_a, 60, 0), 0);
	assert_true(needs_reset(&ga));
	assert_non_null(strstr(ga.net.mmio.broken, "device-readable"));
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 0);
	assert_true(rd(&ga, VIRTIO_MMIO_INTERRUPT_STATUS) &
		    VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(ga.irqs, 1);
	/* a hook set now hears the line is high */
	virtio_net_set_irq(&ga.net, count_irq, &gb);
	assert_true(gb.level);
}

/* Transmit chains the spec forbids: each makes the device need a
 * reset, nothing reaches the switch, and a reset brings it back. */
static void bad_tx(void (*make)(void), const char *why)
{
	bring_up(&ga);
	put_frame(&ga, mac_peer, mac_a, 60, 0);
	make();
	avail(&ga, VIRTIO_NET_TXQ, 0);
	wr(&ga, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	assert_true(needs_reset(&ga));
	if (!strstr(ga.net.mmio.broken, why))
		fail_msg("reason \"%s\" lacks \"%s\"", ga.net.mmio.broken, why);
	assert_int_equal(peer.got, 0);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_TXQ), 0);
	/* it stays broken: a good packet now does nothing */
	desc(&ga, VIRTIO_NET_TXQ, 0, TXBUF, HDR + 60, 0, 0);
	wr(&ga, VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	assert_int_equal(peer.got, 0);
	/* reset (rings cleared, as a driver starting over) */
	memset(ga.ram, 0, 0x8000);
	bring_up(&ga);
	put_frame(&ga, mac_peer, mac_a, 60, 0);
	transmit(&ga, 60);
	assert_int_equal(peer.got, 1);
}

static void short_header(void)
{
	desc(&ga, VIRTIO_NET_TXQ, 0, TXBUF, HDR - 1, 0, 0);
}

static void writable_part(void)
{
	desc(&ga, VIRTIO_NET_TXQ, 0, TXBUF, HDR + 60, VIRTQ_DESC_F_NEXT, 1);
	desc(&ga, VIRTIO_NET_TXQ, 1, TXBUF + 0x1000, 4, VIRTQ_DESC_F_WRITE, 0);
}

static void oversize(void)
{
	desc(&ga, VIRTIO_NET_TXQ, 0, TXBUF, VIRTIO_NET_TX_MAX + 1, 0, 0);
}

static void offload_asked(void)
{
	ga.ram[TXBUF + VIRTIO_NET_HDR_FLAGS] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	desc(&ga, VIRTIO_NET_TXQ, 0, TXBUF, HDR + 60, 0, 0);
}

static void outside_ram(void)
{
	desc(&ga, VIRTIO_NET_TXQ, 0, RAM_SIZE - 10, HDR + 60, 0, 0);
}

static void loop(void)
{
	desc(&ga, VIRTIO_NET_TXQ, 0, TXBUF, HDR, VIRTQ_DESC_F_NEXT, 1);
	desc(&ga, VIRTIO_NET_TXQ, 1, TXBUF + HDR, 60, VIRTQ_DESC_F_NEXT, 0);
}

static void test_tx_short_header(void **state)
{
	bad_tx(short_header, "shorter than the 12-byte header");
}

static void test_tx_writable(void **state)
{
	bad_tx(writable_part, "device-writable");
}

static void test_tx_oversize(void **state)
{
	bad_tx(oversize, "longer than the header and a 1514-byte frame");
}

static void test_tx_offload(void **state)
{
	bad_tx(offload_asked, "offload");
}

static void test_tx_outside_ram(void **state)
{
	bad_tx(outside_ram, "is not in RAM");
}

static void test_tx_loop(void **state)
{
	bad_tx(loop, "loops");
}

/* A runt from the guest is the switch's to drop (and count), and the
 * device goes on. */
static void test_tx_runt_dropped_by_switch(void **state)
{
	bring_up(&ga);
	put_frame(&ga, mac_peer, mac_a, ETH_HDR_LEN, 0);
	transmit(&ga, ETH_HDR_LEN - 1);
	assert_false(needs_reset(&ga));
	assert_int_equal(used_idx(&ga, VIRTIO_NET_TXQ), 1);
	assert_int_equal(peer.got, 0);
	assert_int_equal(sw.ports[ga.net.port].stats.rx_dropped, 1);
}

/* Two devices on one switch: a broadcast from a reaches b (and the
 * peer), b's unicast answer reaches a only; nothing is echoed. */
static void test_two_devices(void **state)
{
	bring_up(&ga);
	bring_up(&gb);
	for (unsigned i = 0; i < 4; i++) {
		post_rx(&ga, i, 0x800);
		post_rx(&gb, i, 0x800);
	}
	put_frame(&ga, bcast, mac_a, 42, 0x10); /* "who is b?" */
	transmit(&ga, 42);
	assert_int_equal(used_idx(&gb, VIRTIO_NET_RXQ), 1);
	assert_int_equal(used_len(&gb, VIRTIO_NET_RXQ, 0), HDR + 42);
	assert_memory_equal(gb.ram + RXBUF + HDR, ga.ram + TXBUF + HDR, 42);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 0); /* no echo */
	assert_int_equal(peer.got, 1);
	assert_int_equal(ga.irqs, 1);
	assert_int_equal(gb.irqs, 1);
	/* the drivers' interrupt handlers acknowledge: the lines go low */
	wr(&ga, VIRTIO_MMIO_INTERRUPT_ACK,
	   rd(&ga, VIRTIO_MMIO_INTERRUPT_STATUS));
	wr(&gb, VIRTIO_MMIO_INTERRUPT_ACK,
	   rd(&gb, VIRTIO_MMIO_INTERRUPT_STATUS));
	assert_false(ga.level);
	assert_int_equal(ga.lowers, 1);
	assert_int_equal(gb.lowers, 1);
	put_frame(&gb, mac_a, mac_b, 200, 0x20); /* "I am b" */
	transmit(&gb, 200);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 1);
	assert_memory_equal(ga.ram + RXBUF + HDR, gb.ram + TXBUF + HDR, 200);
	assert_int_equal(peer.got, 1); /* unicast to a learned port only */
	assert_int_equal(used_idx(&gb, VIRTIO_NET_RXQ), 1);
	assert_int_equal(ga.irqs, 2); /* its TX done, then its RX */
	assert_int_equal(gb.irqs, 2);
	/* not acknowledged: the line stays high, no new edge */
	put_frame(&gb, mac_a, mac_b, 60, 0x30);
	transmit(&gb, 60);
	assert_int_equal(used_idx(&ga, VIRTIO_NET_RXQ), 2);
	assert_int_equal(ga.irqs, 2);
	assert_true(ga.level);
	/* acknowledging only a part keeps it high */
	wr(&ga, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	assert_true(ga.level);
	/* a reset, from outside or by the driver, lowers it */
	virtio_net_reset(&ga.net);
	assert_false(ga.level);
	bring_up(&gb);
	assert_false(gb.level);
	assert_int_equal(ga.lowers, 2);
}

/* A removed NIC gets nothing; a reset from outside stops reception. */
static void test_remove_and_reset(void **state)
{
	bring_up(&ga);
	bring_up(&gb);
	post_rx(&gb, 0, 0x800);
	virtio_net_reset(&gb.net);
	assert_int_equal(rd(&gb, VIRTIO_MMIO_STATUS), 0);
	put_frame(&ga, bcast, mac_a, 60, 0);
	transmit(&ga, 60);
	assert_int_equal(used_idx(&gb, VIRTIO_NET_RXQ), 0);
	assert_int_equal(gb.net.stats.rx_not_ready, 1);
	virtio_net_remove(&gb.net);
	transmit(&ga, 60);
	assert_int_equal(gb.net.stats.rx_not_ready, 1);
	assert_int_equal(peer.got, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_identity_and_config),
		T(test_feature_negotiation),
		T(test_tx_to_switch),
		T(test_tx_any_layout),
		T(test_rx_into_posted_buffer),
		T(test_rx_no_buffer_drop),
		T(test_rx_before_driver_ok),
		T(test_rx_buffer_too_small),
		T(test_rx_readable_buffer),
		T(test_tx_short_header),
		T(test_tx_writable),
		T(test_tx_oversize),
		T(test_tx_offload),
		T(test_tx_outside_ram),
		T(test_tx_loop),
		T(test_tx_runt_dropped_by_switch),
		T(test_two_devices),
		T(test_remove_and_reset),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
