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
 * Operation", "Split Virtqueues", "Network Device". The transport, the
 * queues and the NIC's set-up are the guests' shared driver
 * (tests/guests/lib/virtio.h, lib/virtio/net.c).
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

const char guest_name[] = "virtio-net";

#define ETHERTYPE_HI 0x88 /* 0x88b5: IEEE 802 local experimental */
#define ETHERTYPE_LO 0xb5
#define KIND_HELLO   'H'
#define KIND_REPLY   'R'
#define FRAME_LEN    80	   /* room for the longest text */
#define TEXT_OFF     15	   /* after the Ethernet header and the kind */
#define POLLS	     20000 /* between two hellos */
#define HELLOS_MAX   500   /* then give up */

static uint8_t peer[6];
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static bool got_hello, got_reply;
static unsigned failures, hellos_sent;

static void fail(const char *what)
{
	gprintf("virtio-net: FAILED: %s\n", what);
	failures++;
}

/* ---- frames --------------------------------------------------------- */

/* A FRAME_LEN-byte frame to dst. */
static void send(const uint8_t *dst, char kind, const char *text)
{
	uint8_t *f = vio_net_tx + VIO_NET_HDR;

	memset(f, 0, FRAME_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, vio_net_mac, 6);
	f[12] = ETHERTYPE_HI;
	f[13] = ETHERTYPE_LO;
	f[14] = (uint8_t)kind;
	memcpy(f + TEXT_OFF, text, strlen(text));
	if (vio_net_send(FRAME_LEN))
		fail("a transmitted frame was not given back");
}

static void send_hello(void)
{
	char text[40], m[18];

	vio_mac_str(vio_net_mac, m);
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

	vio_mac_str(f + 6, src);
	fmt_snprintf(text, sizeof(text), "hello from %s", src);
	check_text(f, text);
	if (!got_hello)
		gprintf("virtio-net: received %u bytes: \"%s\"\n", len,
			(const char *)f + TEXT_OFF);
	got_hello = true;
	memcpy(peer, f + 6, 6);
	vio_mac_str(vio_net_mac, m);
	fmt_snprintf(text, sizeof(text), "reply from %s to %s", m, src);
	send(peer, KIND_REPLY, text);
}

static void on_reply(const uint8_t *f, uint32_t len)
{
	char src[18], m[18], text[64];

	vio_mac_str(f + 6, src);
	vio_mac_str(vio_net_mac, m);
	fmt_snprintf(text, sizeof(text), "reply from %s to %s", src, m);
	check_text(f, text);
	if (!got_reply)
		gprintf("virtio-net: received %u bytes: \"%s\"\n", len,
			(const char *)f + TEXT_OFF);
	got_reply = true;
}

static void on_frame(const uint8_t *buf, uint32_t used_len)
{
	const uint8_t *f = buf + VIO_NET_HDR;
	uint32_t len = used_len - VIO_NET_HDR;

	if (used_len < VIO_NET_HDR + 15 || buf[10] != 1 || buf[0] != 0) {
		fail("a received packet with a bad header or length");
		return;
	}
	if (f[12] != ETHERTYPE_HI || f[13] != ETHERTYPE_LO ||
	    !memcmp(f + 6, vio_net_mac, 6)) {
		fail("a frame of another kind, or my own frame echoed");
		return;
	}
	if (f[14] == KIND_HELLO && !memcmp(f, bcast, 6))
		on_hello(f, len);
	else if (f[14] == KIND_REPLY && !memcmp(f, vio_net_mac, 6))
		on_reply(f, len);
	else
		fail("a frame that is neither a broadcast hello nor a reply "
		     "to me");
}

/* Take what arrived, hand each buffer back. */
static void poll_rx(void)
{
	uint32_t id, len;

	while (vio_queue_take(&vio_net_q[VIO_NET_RXQ], &id, &len)) {
		if (id >= VIO_QSIZE) {
			fail("a used entry names no buffer of mine");
			return;
		}
		on_frame(vio_net_rx[id], len);
		vio_net_post_rx((uint16_t)id);
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
	if (vio_dev_read(&vio_nic, VIO_STATUS) & VIO_S_NEEDS_RESET)
		fail("the device needs a reset");
	gprintf("virtio-net: exchange done%s\n",
		failures ? ", with failures" : ", every frame as expected");
	return failures ? 1 : 0;
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	char m[18];
	bool link_up = false;

	if (mb2_view(magic, info, &v))
		return 1;
	if (vio_net_init(&link_up)) {
		gprintf("virtio-net: device setup failed\n");
		return 1;
	}
	if (!link_up) {
		gprintf("virtio-net: device setup failed: the link is down\n");
		return 1;
	}
	vio_mac_str(vio_net_mac, m);
	gprintf("virtio-net: device at 0x%08x, MAC %s, link up\n",
		VIO_NET_WINDOW, m);
	if (cmdline_has(v.cmdline, "mac-only"))
		return 0;
	return exchange();
}
