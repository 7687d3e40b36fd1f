/*
 * tests/unit/test_uplink.c - drivers/net/uplink.c with the real switch
 * (drivers/net/vswitch.c): two VM ports that record what they receive
 * and an uplink whose fake wire records what it sends and holds frames
 * "from outside" for its poll. Bridged mode as a user sees it: a VM's
 * broadcast goes out unchanged (its own source MAC), the answer from
 * outside reaches that VM only, traffic between VMs stays off the wire,
 * a full transmit ring is counted on the uplink's port.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/net/uplink.h"

#define OUT_MAX 16

struct vm_nic {
	int port;
	unsigned got;
	uint8_t last[ETH_FRAME_MAX];
	size_t last_len;
};

struct fake_wire {
	bool full;
	unsigned sent;
	uint8_t out[OUT_MAX][ETH_FRAME_MAX];
	size_t out_len[OUT_MAX];
	unsigned pending; /* frames "from outside" not yet polled */
	uint8_t in[OUT_MAX][ETH_FRAME_MAX];
	size_t in_len[OUT_MAX];
	unsigned in_next;
};

static struct vswitch sw;
static struct uplink up;
static struct vm_nic vm[2];
static struct fake_wire wire;

static const struct mac_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
static const struct mac_addr vm_mac[2] = {{{0x52, 0x54, 0, 0, 0, 0x0a}},
					  {{0x52, 0x54, 0, 0, 0, 0x0b}}};
static const struct mac_addr outside = {{0xb0, 0xc4, 0x20, 0, 0, 0x03}};

static uint64_t zero_clock(void *ctx)
{
	return 0;
}

static bool vm_rx(void *ctx, const uint8_t *frame, size_t len)
{
	struct vm_nic *n = ctx;

	n->got++;
	memcpy(n->last, frame, len);
	n->last_len = len;
	return true;
}

static bool wire_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct fake_wire *w = ctx;

	if (w->full)
		return false;
	assert_true(w->sent < OUT_MAX);
	memcpy(w->out[w->sent], frame, len);
	w->out_len[w->sent++] = len;
	return true;
}

static unsigned wire_poll(void *ctx, unsigned budget, uplink_rx_fn rx,
			  void *rx_ctx)
{
	struct fake_wire *w = ctx;
	unsigned n = 0;

	while (n < budget && w->in_next < w->pending) {
		rx(rx_ctx, w->in[w->in_next], w->in_len[w->in_next]);
		w->in_next++;
		n++;
	}
	return n;
}

static size_t frame(uint8_t *f, struct mac_addr dst, struct mac_addr src,
		    size_t len)
{
	memcpy(f, dst.b, 6);
	memcpy(f + 6, src.b, 6);
	f[12] = 0x08;
	f[13] = 0x06; /* ARP */
	memset(f + 14, 0x5a, len - 14);
	return len;
}

/* A frame arrives from outside on the wire. */
static void from_outside(struct mac_addr dst, struct mac_addr src)
{
	assert_true(wire.pending < OUT_MAX);
	wire.in_len[wire.pending] = frame(wire.in[wire.pending], dst, src, 60);
	wire.pending++;
}

static unsigned vm_sends(unsigned i, struct mac_addr dst)
{
	uint8_t f[64];

	return vswitch_send(&sw, vm[i].port, f, frame(f, dst, vm_mac[i], 42));
}

static int setup(void **state)
{
	static const struct vswitch_clock clock = {zero_clock, NULL};
	static const struct uplink_wire ops = {wire_send, wire_poll, &wire};

	memset(vm, 0, sizeof(vm));
	memset(&wire, 0, sizeof(wire));
	vswitch_init(&sw, &clock, 300);
	vm[0].port = vswitch_port_add(&sw, "vm a", vm_rx, &vm[0]);
	vm[1].port = vswitch_port_add(&sw, "vm b", vm_rx, &vm[1]);
	assert_int_equal(uplink_attach(&up, &sw, "uplink test", &ops), 0);
	assert_string_equal(sw.ports[up.port].name, "uplink test");
	return 0;
}

/* A VM's broadcast (an ARP request) goes out as it is: bridged, the
 * VM's own MAC is the source on the wire. */
static void test_broadcast_goes_out_unchanged(void **state)
{
	uint8_t f[64];

	assert_int_equal(vm_sends(0, bcast), 2); /* vm b and the wire */
	assert_int_equal(wire.sent, 1);
	assert_int_equal(wire.out_len[0], 42);
	frame(f, bcast, vm_mac[0], 42);
	assert_memory_equal(wire.out[0], f, 42);
	assert_int_equal(vm[1].got, 1);
	assert_int_equal(uplink_stats(&up)->tx_packets, 1);
	assert_int_equal(uplink_stats(&up)->tx_bytes, 42);
}

/* The answer from outside reaches the asking VM only, and the switch
 * learns the outside station behind the uplink: later unicasts to it
 * go to the wire alone. */
static void test_reply_reaches_only_its_vm(void **state)
{
	vm_sends(0, bcast);
	from_outside(vm_mac[0], outside);
	assert_int_equal(uplink_poll(&up, 8), 1);
	assert_int_equal(vm[0].got, 1);
	assert_int_equal(vm[1].got, 1); /* only a's broadcast */
	assert_int_equal(wire.sent, 1); /* not echoed to the wire */
	assert_int_equal(vswitch_lookup(&sw, &outside), up.port);
	assert_int_equal(uplink_stats(&up)->rx_packets, 1);
	assert_int_equal(uplink_stats(&up)->rx_bytes, 60);
	assert_int_equal(vm_sends(0, outside), 1);
	assert_int_equal(wire.sent, 2);
	assert_int_equal(vm[1].got, 1);
}

/* Once the switch knows both VMs, their unicasts stay off the wire. */
static void test_vm_to_vm_stays_inside(void **state)
{
	vm_sends(0, bcast);
	vm_sends(1, bcast);
	assert_int_equal(wire.sent, 2);
	assert_int_equal(vm_sends(0, vm_mac[1]), 1);
	assert_int_equal(vm_sends(1, vm_mac[0]), 1);
	assert_int_equal(wire.sent, 2);
}

/* Promiscuous receive brings frames for nobody here: flooded to the
 * VMs (as on any LAN segment), never back out. */
static void test_unknown_from_outside_floods_to_vms(void **state)
{
	const struct mac_addr stranger = {{0x52, 0x54, 0, 0, 0, 0x77}};

	from_outside(stranger, outside);
	from_outside(bcast, outside);
	assert_int_equal(uplink_poll(&up, 8), 2);
	assert_int_equal(vm[0].got, 2);
	assert_int_equal(vm[1].got, 2);
	assert_int_equal(wire.sent, 0);
}

static void test_poll_budget(void **state)
{
	for (unsigned i = 0; i < 5; i++)
		from_outside(vm_mac[1], outside);
	assert_int_equal(uplink_poll(&up, 2), 2);
	assert_int_equal(vm[1].got, 2);
	assert_int_equal(uplink_poll(&up, 8), 3);
	assert_int_equal(uplink_poll(&up, 8), 0);
	assert_int_equal(vm[1].got, 5);
}

static void test_full_wire_counts_a_drop(void **state)
{
	wire.full = true;
	assert_int_equal(vm_sends(0, bcast), 1); /* vm b only */
	assert_int_equal(uplink_stats(&up)->tx_dropped, 1);
	assert_int_equal(uplink_stats(&up)->tx_packets, 0);
}

static void test_no_free_port(void **state)
{
	static const struct uplink_wire ops = {wire_send, wire_poll, &wire};
	struct uplink more;

	while (vswitch_port_add(&sw, "filler", vm_rx, &vm[0]) !=
	       VSWITCH_NO_PORT)
		;
	assert_int_equal(uplink_attach(&more, &sw, "uplink 2", &ops), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(test_broadcast_goes_out_unchanged),
		T(test_reply_reaches_only_its_vm),
		T(test_vm_to_vm_stays_inside),
		T(test_unknown_from_outside_floods_to_vms),
		T(test_poll_budget),
		T(test_full_wire_counts_a_drop),
		T(test_no_free_port),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
