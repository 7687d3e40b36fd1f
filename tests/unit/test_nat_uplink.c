/*
 * tests/unit/test_nat_uplink.c - NAT mode as the hypervisor wires it
 * (drivers/net/nat_uplink.c) on the host: a virtual switch with one VM
 * port, the NAT's port, and a fake wire whose far end plays Bochs's
 * vnet (one host, 192.168.10.1, that answers ARP, pings and DHCP; the
 * test makes it from a second NAT's inside, which does exactly that).
 * The hypervisor gets its address by DHCP, a VM gets one from the NAT
 * by DHCP, pings vnet's host through the NAT and gets the reply; the
 * VMs' frames wait in the port's queue until a poll; before the lease
 * they are dropped and counted; a full queue refuses frames.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/net/inet.h"
#include "drivers/net/nat_uplink.h"

#define SEC	 1000
#define VNET_IP	 IPV4_ADDR(192, 168, 10, 1)
#define OUT_IP	 IPV4_ADDR(192, 168, 10, 2)
#define VM_IP	 IPV4_ADDR(10, 0, 2, 15)
#define GW_IP	 IPV4_ADDR(10, 0, 2, 2)
#define MASK24	 IPV4_ADDR(255, 255, 255, 0)
#define RX_MAX	 16
#define ECHO_ID	 0x1234
#define ECHO_LEN (IPV4_HDR_MIN + ICMP_ECHO_LEN + 8)

struct frames {
	unsigned n;
	size_t len[RX_MAX];
	uint8_t f[RX_MAX][ETH_FRAME_MAX];
};

static uint64_t now_ticks;
static struct vswitch sw;
static struct nat_uplink nu;
static struct nat vnet;	      /* the network behind the wire */
static struct frames wire_rx; /* vnet's frames, for the next poll */
static struct frames vm_rx;   /* what the switch gave the VM */
static unsigned wire_sent;    /* frames the NIC sent */
static bool wire_down;	      /* the cable is out: nothing arrives */
static int vm_port;
static struct dhcp_client vm_dhcp; /* the VM's own DHCP client */

static const struct mac_addr nic_mac = {{0x52, 0x54, 0, 0x12, 0x34, 0x56}};
static const struct mac_addr vnet_mac = {{0x52, 0x54, 0, 0x12, 0x34, 0x55}};
static const struct mac_addr vm_mac = {{0x02, 0, 0, 0, 0, 0x01}};

static void put(struct frames *w, const uint8_t *frame, size_t len)
{
	assert_true(w->n < RX_MAX && len <= ETH_FRAME_MAX);
	memcpy(w->f[w->n], frame, len);
	w->len[w->n++] = len;
}

static uint64_t clock_now(void *ctx)
{
	return now_ticks;
}

/* vnet answers on the wire: into the NIC's receive queue. */
static void vnet_out(void *ctx, const uint8_t *frame, size_t len)
{
	put(&wire_rx, frame, len);
}

/* The NIC sends: vnet hears it at once. */
static bool wire_send(void *ctx, const uint8_t *frame, size_t len)
{
	wire_sent++;
	if (!wire_down)
		nat_from_inside(&vnet, frame, len, now_ticks);
	return true;
}

static unsigned wire_poll(void *ctx, unsigned budget, uplink_rx_fn rx,
			  void *rx_ctx)
{
	struct frames got = wire_rx;
	unsigned n = MIN(budget, got.n);

	wire_rx.n = 0;
	for (unsigned i = 0; i < n; i++)
		rx(rx_ctx, got.f[i], got.len[i]);
	return n;
}

static bool vm_deliver(void *ctx, const uint8_t *frame, size_t len)
{
	put(&vm_rx, frame, len);
	return true;
}

static void vm_send(void *ctx, const uint8_t *frame, size_t len)
{
	vswitch_send(&sw, vm_port, frame, len);
}

static int setup(void **state)
{
	static const struct vswitch_clock clock = {clock_now, NULL};
	const struct uplink_wire wire = {wire_send, wire_poll, NULL};
	struct nat_config inside, v = {
					  .gw_mac = vnet_mac,
					  .gw_ip = VNET_IP,
					  .inside_mask = MASK24,
					  .pool_first = OUT_IP,
					  .pool_size = 1,
					  .out_mac = {{0x02, 0, 0, 0, 0, 0x99}},
					  .out_ip = IPV4_ADDR(172, 16, 0, 2),
					  .out_mask = MASK24,
					  .port_first = 1000,
					  .port_count = 10,
					  .to_inside = vnet_out,
					  .to_outside = vnet_out,
				  };

	now_ticks = 0;
	wire_rx.n = vm_rx.n = wire_sent = 0;
	wire_down = false;
	nat_config_timeouts(&v, SEC);
	assert_int_equal(nat_init(&vnet, &v, NULL), 0);
	vswitch_init(&sw, &clock, 300 * SEC);
	vm_port = vswitch_port_add(&sw, "vm", vm_deliver, NULL);
	nat_uplink_inside_config(&inside, SEC);
	assert_int_equal(nat_uplink_attach(&nu, &sw, "uplink nat", &wire,
					   &inside, &nic_mac, SEC, 7),
			 0);
	dhcp_client_init(&vm_dhcp, &vm_mac, vm_send, NULL, SEC, 99);
	return 0;
}

static enum nat_uplink_addr poll_at(uint64_t t)
{
	now_ticks = t;
	return nat_uplink_poll(&nu, 32, t);
}

/* DISCOVER (vnet's OFFER comes in the same poll), REQUEST; the ACK in
 * the next poll. */
static void get_outside_address(void)
{
	assert_int_equal(poll_at(0), NAT_UPLINK_ADDR_SAME);
	assert_int_equal(nu.dhcp.state, DHCPC_REQUESTING);
	assert_int_equal(poll_at(1), NAT_UPLINK_ADDR_NEW);
	assert_int_equal(poll_at(2), NAT_UPLINK_ADDR_SAME);
	assert_true(nu.running);
	assert_int_equal(nu.nat.cfg.out_ip, OUT_IP);
	assert_int_equal(nu.nat.cfg.out_mask, MASK24);
	assert_int_equal(nu.nat.cfg.out_router, VNET_IP);
	assert_int_equal(nu.dhcp.lease.server, VNET_IP);
}

/* The VM's DHCP exchange with the NAT, a poll for each answer. */
static void vm_get_address(uint64_t t)
{
	dhcp_client_tick(&vm_dhcp, t); /* DISCOVER, queued */
	assert_int_equal(nu.q_count, 1);
	assert_int_equal(vm_rx.n, 0);
	poll_at(t); /* OFFER */
	assert_int_equal(vm_rx.n, 1);
	dhcp_client_input(&vm_dhcp, vm_rx.f[0], vm_rx.len[0], t);
	vm_rx.n = 0;
	poll_at(t + 1); /* ACK */
	assert_int_equal(vm_rx.n, 1);
	assert_int_equal(
		dhcp_client_input(&vm_dhcp, vm_rx.f[0], vm_rx.len[0], t + 1),
		DHCPC_BOUND_NEW);
	vm_rx.n = 0;
}

static uint16_t ref_sum(const uint8_t *p, size_t len)
{
	uint32_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (acc > 0xffff)
		acc = (acc >> 16) + (acc & 0xffff);
	return (uint16_t)~acc;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The VM's ping of vnet's host, through its gateway's MAC. */
static size_t echo_request(uint8_t *f)
{
	uint8_t *ip = f + ETH_HDR_LEN, *icmp = ip + IPV4_HDR_MIN;
	uint16_t s;

	memset(f, 0, ETH_HDR_LEN + ECHO_LEN);
	memcpy(f, nu.cfg.gw_mac.b, 6);
	memcpy(f + 6, vm_mac.b, 6);
	put_be16(f + 12, ETH_TYPE_IPV4);
	ip[0] = 0x45;
	put_be16(ip + 2, ECHO_LEN);
	ip[8] = 64;
	ip[9] = IPV4_PROTO_ICMP;
	put_be32(ip + 12, VM_IP);
	put_be32(ip + 16, VNET_IP);
	s = ref_sum(ip, IPV4_HDR_MIN);
	put_be16(ip + 10, s);
	icmp[0] = ICMP_ECHO_REQUEST;
	put_be16(icmp + 4, ECHO_ID);
	put_be16(icmp + 6, 1);
	memcpy(icmp + 8, "payload!", 8);
	s = ref_sum(icmp, ICMP_ECHO_LEN + 8);
	put_be16(icmp + 2, s);
	return ETH_HDR_LEN + ECHO_LEN;
}

static void test_ping_through_nat(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	const uint8_t *ip, *icmp;

	get_outside_address();
	vm_get_address(10);
	assert_int_equal(vm_dhcp.lease.ip, VM_IP);
	assert_int_equal(vm_dhcp.lease.router, GW_IP);
	assert_int_equal(vm_dhcp.lease.mask, MASK24);

	vswitch_send(&sw, vm_port, f, echo_request(f));
	poll_at(20); /* echo waits for ARP; vnet answers it */
	assert_int_equal(nu.nat.stats.arp_requests, 1);
	poll_at(21); /* the ARP reply sends the echo; vnet answers */
	poll_at(22); /* the echo reply goes to the VM */
	assert_int_equal(vm_rx.n, 1);
	ip = vm_rx.f[0] + ETH_HDR_LEN;
	icmp = ip + IPV4_HDR_MIN;
	assert_memory_equal(vm_rx.f[0], vm_mac.b, 6);
	assert_memory_equal(vm_rx.f[0] + 6, nu.cfg.gw_mac.b, 6);
	assert_int_equal(rd32(ip + 12), VNET_IP);
	assert_int_equal(rd32(ip + 16), VM_IP);
	assert_int_equal(ref_sum(ip, IPV4_HDR_MIN), 0);
	assert_int_equal(icmp[0], ICMP_ECHO_REPLY);
	assert_int_equal(get_be16(icmp + 4), ECHO_ID);
	assert_int_equal(ref_sum(icmp, ICMP_ECHO_LEN + 8), 0);
	assert_memory_equal(icmp + 8, "payload!", 8);
	assert_int_equal(nu.nat.stats.out_translated, 1);
	assert_int_equal(nu.nat.stats.in_translated, 1);
	assert_int_equal(vnet.stats.echo_replies, 1);
	assert_int_equal(nu.stats.no_address, 0);
	assert_int_equal(nu.stats.queue_full, 0);
}

/* Before the hypervisor has an address, the VMs' frames are dropped
 * (after the poll: they wait in the queue until then). */
static void test_no_address_yet(void **state)
{
	uint8_t f[ETH_FRAME_MAX];

	vswitch_send(&sw, vm_port, f, echo_request(f));
	assert_int_equal(nu.q_count, 1);
	poll_at(0);
	assert_int_equal(nu.q_count, 0);
	assert_int_equal(nu.stats.no_address, 1);
	assert_int_equal(vm_rx.n, 0);
	assert_int_equal(wire_sent, 2); /* only the DISCOVER and REQUEST */
}

/* The queue holds NAT_UPLINK_QUEUE frames; the next is refused and
 * counted by the port and by the switch. */
static void test_queue_full(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	size_t len;

	get_outside_address();
	len = echo_request(f);
	for (unsigned i = 0; i < NAT_UPLINK_QUEUE; i++)
		assert_int_equal(vswitch_send(&sw, vm_port, f, len), 1);
	assert_int_equal(vswitch_send(&sw, vm_port, f, len), 0);
	assert_int_equal(nu.stats.queue_full, 1);
	assert_int_equal(nat_uplink_port_stats(&nu)->tx_dropped, 1);
	assert_int_equal(nat_uplink_port_stats(&nu)->tx_packets,
			 NAT_UPLINK_QUEUE);
	poll_at(3);
	assert_int_equal(nu.q_count, 0);
}

/* The lease runs out with no server to renew it: the NAT stops (the
 * VMs' frames are dropped, counted) until a new lease, which it takes
 * up again with its counters. */
static void test_lease_lost_and_back(void **state)
{
	uint8_t f[ETH_FRAME_MAX];
	uint64_t end;

	get_outside_address();
	vm_get_address(10);
	vswitch_send(&sw, vm_port, f, echo_request(f));
	poll_at(20);
	poll_at(21);
	poll_at(22);
	assert_int_equal(nu.nat.stats.in_translated, 1);

	wire_down = true;
	end = nu.dhcp.end;
	assert_int_equal(poll_at(end - 1), NAT_UPLINK_ADDR_SAME);
	assert_int_equal(nu.dhcp.state, DHCPC_REBINDING);
	assert_int_equal(poll_at(end), NAT_UPLINK_ADDR_LOST);
	assert_false(nu.running);
	vswitch_send(&sw, vm_port, f, echo_request(f));
	poll_at(end + 1);
	assert_int_equal(nu.stats.no_address, 1);

	wire_down = false;
	poll_at(end + 2 * SEC); /* DISCOVER again, OFFER, REQUEST */
	assert_int_equal(poll_at(end + 2 * SEC + 1), NAT_UPLINK_ADDR_NEW);
	assert_true(nu.running);
	assert_int_equal(nu.nat.cfg.out_ip, OUT_IP);
	assert_int_equal(nu.nat.stats.in_translated, 1); /* kept */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ping_through_nat, setup),
		cmocka_unit_test_setup(test_no_address_yet, setup),
		cmocka_unit_test_setup(test_queue_full, setup),
		cmocka_unit_test_setup(test_lease_lost_and_back, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
