/*
 * tests/guests/virtio-net.c - a guest that talks to another VM through
 * its virtio-net device and the hypervisor's switch, polling (no
 * interrupts): it finds the device at the second virtio-mmio window,
 * negotiates VERSION_1 and MAC, reads its MAC from the configuration
 * space, posts receive buffers, then broadcasts "hello from MAC" until
 * a peer answers. Every hello from a peer gets a unicast "reply from
 * MAC to MAC"; it is done once it has seen a peer's hello and a reply
 * to its own, and checks that each text names the frame's real source
 * and destination. With `mac-only` on its command line it only prints
 * its MAC. Runs as a Multiboot2 guest under the hypervisor with `nic =
 * ...` in its VM's section (docs/networking.md).
 * virtio 1.1 spec: "MMIO-specific Initialization And Device
 * Operation", "Split Virtqueues", "Network Device". The transport and
 * the queues are the guests' shared driver (tests/guests/lib/virtio.h).
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

const char guest_name[] = "virtio-net";

#define NET_BASE     (VIO_BASE + 0x1000) /* the NIC's window */
#define F_MAC	     (1u << 5)
#define RXQ	     0
#define TXQ	     1
#define HDR	     12
#define FRAME_MAX    1514
#define BUF_SIZE     (HDR + FRAME_MAX)
#define ETHERTYPE_HI 0x88 /* 0x88b5: IEEE 802 local experimental */
#define ETHERTYPE_LO 0xb5
#define KIND_HELLO   'H'
#define KIND_REPLY   'R'
#define FRAME_LEN    80	   /* room for the longest text */
#define TEXT_OFF     15	   /* after the Ethernet header and the kind */
#define POLLS	     20000 /* between two hellos */
#define HELLOS_MAX   500   /* then give up */

static const struct vio_dev nic = {NET_BASE, VIO_ID_NET, "virtio-net"};
static struct vio_queue queues[2] __attribute__((aligned(4096)));
static uint8_t rx_buf[VIO_QSIZE][BUF_SIZE] __attribute__((aligned(16)));
static uint8_t tx_buf[HDR + FRAME_LEN] __attribute__((aligned(16)));
static uint8_t me[6], peer[6];
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static bool got_hello, got_reply;
static unsigned failures, hellos_sent;

static void fail(const char *what)
{
	gprintf("virtio-net: FAILED: %s\n", what);
	failures++;
}

static void mac_str(const uint8_t *m, char *s)
{
	fmt_snprintf(s, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		     m[3], m[4], m[5]);
}

/* ---- setting the device up ------------------------------------------ */

/* Receive buffer i: one device-writable descriptor of BUF_SIZE. */
static void post_rx(uint16_t i)
{
	queues[RXQ].desc[i] = (struct vio_desc){(uint32_t)rx_buf[i], BUF_SIZE,
						VIO_DESC_WRITE, 0};
	vio_queue_put(&queues[RXQ], i);
}

static int net_init(void)
{
	uint32_t w0, w1;

	if (vio_dev_probe(&nic))
		return -1;
	memset(queues, 0, sizeof(queues));
	if (vio_dev_negotiate(&nic, F_MAC, 0) ||
	    vio_queue_setup(&nic, RXQ, &queues[RXQ]) ||
	    vio_queue_setup(&nic, TXQ, &queues[TXQ]))
		return -1;
	for (uint16_t i = 0; i < VIO_QSIZE; i++)
		post_rx(i);
	vio_dev_driver_ok(&nic);
	w0 = vio_dev_read(&nic, VIO_CONFIG);
	w1 = vio_dev_read(&nic, VIO_CONFIG + 4);
	for (unsigned i = 0; i < 4; i++)
		me[i] = (uint8_t)(w0 >> (8 * i));
	me[4] = (uint8_t)w1;
	me[5] = (uint8_t)(w1 >> 8);
	return (w1 >> 16) & 1 ? 0 : -1; /* status: VIRTIO_NET_S_LINK_UP */
}

/* ---- frames --------------------------------------------------------- */

/* Header (all zero: no offload) and a FRAME_LEN-byte frame to dst. */
static void send(const uint8_t *dst, char kind, const char *text)
{
	struct vio_queue *vq = &queues[TXQ];
	uint8_t *f = tx_buf + HDR;

	memset(tx_buf, 0, sizeof(tx_buf));
	memcpy(f, dst, 6);
	memcpy(f + 6, me, 6);
	f[12] = ETHERTYPE_HI;
	f[13] = ETHERTYPE_LO;
	f[14] = (uint8_t)kind;
	memcpy(f + TEXT_OFF, text, strlen(text));
	vq->desc[0] = (struct vio_desc){(uint32_t)tx_buf, sizeof(tx_buf), 0, 0};
	if (vio_queue_submit(&nic, TXQ, vq, 0, NULL))
		fail("a transmitted frame was not given back");
}

static void send_hello(void)
{
	char text[40], m[18];

	mac_str(me, m);
	fmt_snprintf(text, sizeof(text), "hello from %s", m);
	send(bcast, KIND_HELLO, text);
	hellos_sent++;
}

/* The frame's text must be `expect`. */
static void check_text(const uint8_t *f, const char *expect)
{
	if (memcmp(f + TEXT_OFF, expect, strlen(expect) + 1))
		fail("the text does not name the frame's addresses");
}

static void on_hello(const uint8_t *f, uint32_t len)
{
	char src[18], m[18], text[64];

	mac_str(f + 6, src);
	fmt_snprintf(text, sizeof(text), "hello from %s", src);
	check_text(f, text);
	if (!got_hello)
		gprintf("virtio-net: received %u bytes: \"%s\"\n", len,
			(const char *)f + TEXT_OFF);
	got_hello = true;
	memcpy(peer, f + 6, 6);
	mac_str(me, m);
	fmt_snprintf(text, sizeof(text), "reply from %s to %s", m, src);
	send(peer, KIND_REPLY, text);
}

static void on_reply(const uint8_t *f, uint32_t len)
{
	char src[18], m[18], text[64];

	mac_str(f + 6, src);
	mac_str(me, m);
	fmt_snprintf(text, sizeof(text), "reply from %s to %s", src, m);
	check_text(f, text);
	if (!got_reply)
		gprintf("virtio-net: received %u bytes: \"%s\"\n", len,
			(const char *)f + TEXT_OFF);
	got_reply = true;
}

static void on_frame(const uint8_t *buf, uint32_t used_len)
{
	const uint8_t *f = buf + HDR;
	uint32_t len = used_len - HDR;

	if (used_len < HDR + 15 || buf[10] != 1 || buf[0] != 0) {
		fail("a received packet with a bad header or length");
		return;
	}
	if (f[12] != ETHERTYPE_HI || f[13] != ETHERTYPE_LO ||
	    !memcmp(f + 6, me, 6)) {
		fail("a frame of another kind, or my own frame echoed");
		return;
	}
	if (f[14] == KIND_HELLO && !memcmp(f, bcast, 6))
		on_hello(f, len);
	else if (f[14] == KIND_REPLY && !memcmp(f, me, 6))
		on_reply(f, len);
	else
		fail("a frame that is neither a broadcast hello nor a reply "
		     "to me");
}

/* Take what arrived, hand each buffer back. */
static void poll_rx(void)
{
	uint32_t id, len;

	while (vio_queue_take(&queues[RXQ], &id, &len)) {
		if (id >= VIO_QSIZE) {
			fail("a used entry names no buffer of mine");
			return;
		}
		on_frame(rx_buf[id], len);
		post_rx((uint16_t)id);
	}
}

static int exchange(void)
{
	while (!(got_hello && got_reply) && hellos_sent < HELLOS_MAX) {
		if (!got_reply)
			send_hello();
		for (unsigned i = 0; i < POLLS && !(got_hello && got_reply);
		     i++)
			poll_rx();
	}
	if (!(got_hello && got_reply)) {
		gprintf("virtio-net: FAILED: after %u hellos: %s\n",
			hellos_sent,
			got_hello ? "no reply" : "no hello from a peer");
		return 1;
	}
	if (vio_dev_read(&nic, VIO_STATUS) & VIO_S_NEEDS_RESET)
		fail("the device needs a reset");
	gprintf("virtio-net: exchange done%s\n",
		failures ? ", with failures" : ", every frame as expected");
	return failures ? 1 : 0;
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	char m[18];

	if (mb2_view(magic, info, &v))
		return 1;
	if (net_init()) {
		gprintf("virtio-net: device setup failed\n");
		return 1;
	}
	mac_str(me, m);
	gprintf("virtio-net: device at 0x%08x, MAC %s, link up\n", NET_BASE, m);
	if (cmdline_has(v.cmdline, "mac-only"))
		return 0;
	return exchange();
}
