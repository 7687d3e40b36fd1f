/*
 * tests/unit/test_vswitch.c - drivers/net/vswitch.c and lib/macaddr.c
 * on the host: four ports whose "NICs" record what they receive (and
 * can be made to refuse, as a full receive ring does), a clock the test
 * moves; learning, flooding, no echo to the source, ageing, a full
 * table, counters, bad frames; MAC parsing, printing and deriving.
 */
#include <stdio.h>
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/net/vswitch.h"

#define PORTS 4
#define AGE   300

struct nic {
	int port;
	bool full; /* refuse frames, as a full receive ring */
	unsigned got;
	uint8_t last[ETH_FRAME_MAX];
	size_t last_len;
};

static struct vswitch sw;
static struct nic nics[PORTS];
static uint64_t clock_now;

static uint64_t fake_now(void *ctx)
{
	return clock_now;
}

static bool nic_rx(void *ctx, const uint8_t *frame, size_t len)
{
	struct nic *n = ctx;

	if (n->full)
		return false;
	n->got++;
	memcpy(n->last, frame, len);
	n->last_len = len;
	return true;
}

static const struct vswitch_clock fake_clock = {fake_now, NULL};

/* The station behind NIC i: 52:54:00:00:00:0i. */
static struct mac_addr station(unsigned i)
{
	return (struct mac_addr){{0x52, 0x54, 0, 0, 0, (uint8_t)i}};
}

/* The port the switch has learned m on. */
static int where(struct mac_addr m)
{
	return vswitch_lookup(&sw, &m);
}

static const struct mac_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static size_t frame(uint8_t *f, struct mac_addr dst, struct mac_addr src,
		    size_t len, uint8_t fill)
{
	memcpy(f, dst.b, 6);
	memcpy(f + 6, src.b, 6);
	f[12] = 0x08; /* IPv4 */
	f[13] = 0x00;
	memset(f + ETH_HDR_LEN, fill, len - ETH_HDR_LEN);
	return len;
}

/* NIC `from` sends len bytes to dst: how many ports took it. */
static unsigned send(unsigned from, struct mac_addr dst, size_t len,
		     uint8_t fill)
{
	uint8_t f[ETH_FRAME_MAX];

	frame(f, dst, station(from), len, fill);
	return vswitch_send(&sw, nics[from].port, f, len);
}

static int setup(void **state)
{
	char name[16];

	clock_now = 1000;
	vswitch_init(&sw, &fake_clock, AGE);
	memset(nics, 0, sizeof(nics));
	for (unsigned i = 0; i < PORTS; i++) {
		snprintf(name, sizeof(name), "vm %u", i);
		nics[i].port = vswitch_port_add(&sw, name, nic_rx, &nics[i]);
		assert_int_equal(nics[i].port, i);
	}
	return 0;
}

static void assert_got(unsigned a, unsigned b, unsigned c, unsigned d)
{
	assert_int_equal(nics[0].got, a);
	assert_int_equal(nics[1].got, b);
	assert_int_equal(nics[2].got, c);
	assert_int_equal(nics[3].got, d);
}

/* Unknown destination: every port but the source; broadcast likewise. */
static void test_flood_unknown_and_broadcast(void **state)
{
	assert_int_equal(send(0, station(2), 60, 0xaa), 3);
	assert_got(0, 1, 1, 1);
	assert_int_equal(nics[2].last_len, 60);
	assert_int_equal(nics[2].last[ETH_HDR_LEN], 0xaa);
	assert_int_equal(send(1, bcast, 42, 0xbb), 3);
	assert_got(1, 1, 2, 2);
	assert_int_equal(sw.stats.flooded, 2);
}

/* Multicast (01:00:5e:...) is flooded even when nothing is learned. */
static void test_flood_multicast(void **state)
{
	struct mac_addr mc = {{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}};

	send(2, station(0), 60, 1); /* now 2 is learned */
	assert_int_equal(send(0, mc, 60, 2), 3);
	assert_got(1, 2, 1, 2);
}

/* Once a station has sent, frames to it go to its port only. */
static void test_learning_unicast(void **state)
{
	send(1, bcast, 60, 0);
	assert_int_equal(where(station(1)), 1);
	assert_int_equal(send(0, station(1), 100, 0x11), 1);
	assert_got(1, 1, 1, 1);
	assert_int_equal(nics[1].last_len, 100);
	assert_int_equal(nics[1].last[99], 0x11);
	assert_memory_equal(nics[1].last + 6, station(0).b, 6);
	/* and 0 was learned from that frame: the answer is not flooded */
	assert_int_equal(send(1, station(0), 60, 0x22), 1);
	assert_got(2, 1, 1, 1);
	assert_int_equal(sw.stats.learned, 2);
}

/* A unicast frame to a station behind its own source port goes
 * nowhere: never back out of the port it came in on. */
static void test_no_echo_to_source(void **state)
{
	struct mac_addr other = {{0x52, 0x54, 0, 0, 0, 0x99}};
	uint8_t f[60];

	/* a second station (0x99) behind port 0, as behind an uplink */
	frame(f, bcast, other, sizeof(f), 0);
	vswitch_send(&sw, nics[0].port, f, sizeof(f));
	assert_got(0, 1, 1, 1);
	assert_int_equal(send(0, other, 60, 0), 0);
	assert_got(0, 1, 1, 1);
	assert_int_equal(sw.stats.filtered, 1);
	/* flooding never includes the source either */
	assert_int_equal(send(0, bcast, 60, 0), 3);
	assert_int_equal(nics[0].got, 0);
}

/* An entry older than the age limit is forgotten: flood again. A
 * station that moved is found on its new port. */
static void test_ageing_and_moving(void **state)
{
	send(1, bcast, 60, 0);
	clock_now += AGE;
	assert_int_equal(send(0, station(1), 60, 0), 1); /* still known */
	clock_now += AGE + 1;
	assert_int_equal(where(station(1)), VSWITCH_NO_PORT);
	assert_int_equal(send(0, station(1), 60, 0), 3); /* flooded */
	send(1, bcast, 60, 0); /* learned again on port 1 */
	assert_int_equal(where(station(1)), 1);
	/* station 1's address now shows up on port 3 */
	{
		uint8_t f[60];

		frame(f, bcast, station(1), sizeof(f), 0);
		vswitch_send(&sw, nics[3].port, f, sizeof(f));
	}
	assert_int_equal(where(station(1)), 3);
	assert_int_equal(sw.stats.moved, 1);
}

/* A full table: the entry seen longest ago makes room. */
static void test_table_full_evicts_oldest(void **state)
{
	uint8_t f[60];

	for (unsigned i = 0; i < VSWITCH_MACS_MAX; i++) {
		struct mac_addr src = {
			{0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};

		clock_now++;
		frame(f, bcast, src, sizeof(f), 0);
		vswitch_send(&sw, nics[i % PORTS].port, f, sizeof(f));
	}
	assert_int_equal(sw.stats.learned, VSWITCH_MACS_MAX);
	assert_int_equal(sw.stats.evicted, 0);
	clock_now++;
	send(3, bcast, 60, 0); /* one more station */
	assert_int_equal(sw.stats.evicted, 1);
	assert_int_equal(where((struct mac_addr){{2, 0, 0, 0, 0, 0}}),
			 VSWITCH_NO_PORT);
	assert_int_equal(where((struct mac_addr){{2, 0, 0, 0, 0, 1}}), 1);
	assert_int_equal(where(station(3)), 3);
}

/* Counters on both sides of a delivery, and drops of a full port. */
static void test_counters_and_full_port(void **state)
{
	send(1, bcast, 60, 0);
	send(2, bcast, 70, 0);
	nics[1].full = true;
	assert_int_equal(send(0, station(1), 100, 0), 0);
	assert_int_equal(sw.ports[1].stats.tx_dropped, 1);
	assert_int_equal(send(0, bcast, 80, 0), 2); /* 2 and 3 take it */
	assert_int_equal(sw.ports[1].stats.tx_dropped, 2);
	assert_int_equal(sw.ports[0].stats.rx_packets, 2);
	assert_int_equal(sw.ports[0].stats.rx_bytes, 180);
	assert_int_equal(sw.ports[0].stats.tx_packets, 2);
	assert_int_equal(sw.ports[0].stats.tx_bytes, 130);
	assert_int_equal(sw.ports[2].stats.tx_packets, 2);
	assert_int_equal(sw.ports[2].stats.tx_bytes, 60 + 80);
	assert_int_equal(sw.ports[1].stats.tx_packets, 1); /* 2's broadcast */
}

/* Runts, oversize frames and multicast sources are dropped and counted
 * on the port they came from; the largest and smallest legal sizes go
 * through. */
static void test_bad_frames(void **state)
{
	uint8_t f[ETH_FRAME_MAX + 1];

	frame(f, bcast, station(0), sizeof(f), 0);
	assert_int_equal(vswitch_send(&sw, 0, f, ETH_FRAME_MAX + 1), 0);
	assert_int_equal(vswitch_send(&sw, 0, f, ETH_HDR_LEN - 1), 0);
	assert_int_equal(vswitch_send(&sw, 0, f, 0), 0);
	memcpy(f + 6, bcast.b, 6);
	assert_int_equal(vswitch_send(&sw, 0, f, 60), 0);
	assert_int_equal(sw.ports[0].stats.rx_dropped, 4);
	assert_int_equal(sw.ports[0].stats.rx_packets, 0);
	assert_got(0, 0, 0, 0);
	assert_int_equal(sw.stats.learned, 0);
	assert_int_equal(send(0, bcast, ETH_FRAME_MAX, 0), 3);
	assert_int_equal(send(0, bcast, ETH_FRAME_MIN, 0), 3);
	assert_int_equal(nics[3].last_len, ETH_FRAME_MIN);
	/* no such port: nothing happens */
	assert_int_equal(vswitch_send(&sw, PORTS, f, 60), 0);
	assert_int_equal(vswitch_send(&sw, -1, f, 60), 0);
}

/* A removed port gets nothing and its addresses are forgotten; its
 * number is used again. */
static void test_port_remove(void **state)
{
	send(2, bcast, 60, 0);
	vswitch_port_remove(&sw, 2);
	assert_int_equal(where(station(2)), VSWITCH_NO_PORT);
	assert_int_equal(send(0, station(2), 60, 0), 2);
	assert_int_equal(nics[2].got, 0);
	assert_int_equal(vswitch_port_add(&sw, "new", nic_rx, &nics[2]), 2);
}

static void test_ports_run_out(void **state)
{
	for (unsigned i = PORTS; i < VSWITCH_PORTS_MAX; i++)
		assert_int_equal(vswitch_port_add(&sw, "x", nic_rx, &nics[0]),
				 i);
	assert_int_equal(vswitch_port_add(&sw, "x", nic_rx, &nics[0]),
			 VSWITCH_NO_PORT);
}

/* ---- lib/macaddr.c -------------------------------------------------- */

static void assert_refused(const char *s, const char *why_fragment)
{
	struct mac_addr m = {{9, 9, 9, 9, 9, 9}};
	const char *why = NULL;

	assert_int_equal(mac_parse(s, &m, &why), -1);
	assert_non_null(why);
	if (!strstr(why, why_fragment))
		fail_msg("\"%s\": \"%s\" lacks \"%s\"", s, why, why_fragment);
	assert_int_equal(m.b[0], 9); /* untouched */
}

static void test_mac_parse(void **state)
{
	struct mac_addr m;
	const char *why = NULL;
	char s[MAC_STR_SIZE];

	assert_int_equal(mac_parse("52:54:00:12:34:56", &m, &why), 0);
	assert_memory_equal(m.b, ((uint8_t[]){0x52, 0x54, 0, 0x12, 0x34, 0x56}),
			    6);
	assert_int_equal(mac_parse("02:AB:cd:EF:0a:Ff", &m, &why), 0);
	mac_format(&m, s, sizeof(s));
	assert_string_equal(s, "02:ab:cd:ef:0a:ff");
	assert_refused("01:00:5e:00:00:01", "multicast");
	assert_refused("53:54:00:12:34:56", "multicast");
	assert_refused("ff:ff:ff:ff:ff:ff", "broadcast");
	assert_refused("00:00:00:00:00:00", "all-zero");
	assert_refused("52:54:00:12:34", "hexadecimal octets");
	assert_refused("52:54:00:12:34:56:78", "hexadecimal octets");
	assert_refused("52:54:00:12:34:5", "hexadecimal octets");
	assert_refused("52-54-00-12-34-56", "hexadecimal octets");
	assert_refused("52:54:00:12:34:5g", "hexadecimal octets");
	assert_refused("5:254:00:12:34:56", "hexadecimal octets");
	assert_refused("", "hexadecimal octets");
	assert_refused("52:54:00:12:34:56 ", "hexadecimal octets");
}

/* Derived: locally administered unicast, the same for the same name,
 * different for different names. */
static void test_mac_from_name(void **state)
{
	struct mac_addr a = mac_from_name("web"), b = mac_from_name("web"),
			c = mac_from_name("db"), d = mac_from_name("");
	char s[MAC_STR_SIZE];
	const char *why;
	struct mac_addr back;

	assert_int_equal(a.b[0], 0x02);
	assert_true(mac_equal(&a, &b));
	assert_false(mac_equal(&a, &c));
	assert_false(mac_is_multicast(&c));
	assert_int_equal(d.b[0], 0x02);
	/* it prints as something mac_parse accepts again */
	mac_format(&c, s, sizeof(s));
	assert_int_equal(strlen(s), 17);
	assert_int_equal(mac_parse(s, &back, &why), 0);
	assert_true(mac_equal(&back, &c));
	/* FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c: its low five octets */
	a = mac_from_name("a");
	mac_format(&a, s, sizeof(s));
	assert_string_equal(s, "02:8c:ec:01:86:4c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(test_flood_unknown_and_broadcast),
		T(test_flood_multicast),
		T(test_learning_unicast),
		T(test_no_echo_to_source),
		T(test_ageing_and_moving),
		T(test_table_full_evicts_oldest),
		T(test_counters_and_full_port),
		T(test_bad_frames),
		T(test_port_remove),
		T(test_ports_run_out),
		cmocka_unit_test(test_mac_parse),
		cmocka_unit_test(test_mac_from_name),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
