/*
 * tests/unit/test_virtqueue.c - drivers/virt/virtqueue.c (the device
 * side of a split virtqueue), on the host, over a fake guest RAM
 * (tests/unit/fake_ram.h): good chains, direct and indirect, and the
 * garbage a driver can put in its rings, each of which must break the
 * queue with a message and touch nothing outside the RAM.
 */
#include "tests/unit/support.h"
#include "tests/unit/fake_ram.h"

#define QSIZE 8
#define HDR   0x8000 /* a 16-byte request header */
#define DATA  0x9000 /* a 512-byte buffer */
#define STAT  0xa000 /* a 1-byte status */
#define TABLE 0xb000 /* an indirect table */

static struct virtq q;
static struct virtq_chain chain;

static int setup(void **state)
{
	fake_ram_alloc();
	memset(&q, 0, sizeof(q));
	q.size = QSIZE;
	q.desc_gpa = FAKE_DESC;
	q.avail_gpa = FAKE_AVAIL;
	q.used_gpa = FAKE_USED;
	return 0;
}

static int teardown(void **state)
{
	fake_ram_free();
	return 0;
}

static void enable(void)
{
	assert_true(virtq_enable(&q, &fake_guest_ram));
}

/* Header, data, status in descriptors 0, 1, 2. */
static void good_chain(void)
{
	put_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_desc(2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
}

/* The queue must be broken, with a message holding fragment, and stay
 * so; no used entry may appear. */
static void assert_broken(const char *fragment)
{
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_BROKEN);
	assert_true(q.broken);
	if (!strstr(q.error, fragment))
		fail_msg("error \"%s\" lacks \"%s\"", q.error, fragment);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_BROKEN);
	virtq_push(&q, 0, 1);
	assert_int_equal(ram16(FAKE_USED + 2), 0);
}

static void test_good_chain(void **state)
{
	enable();
	good_chain();
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_EMPTY);
	make_avail(QSIZE, 0);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
	assert_int_equal(chain.head, 0);
	assert_int_equal(chain.readable, 1);
	assert_int_equal(chain.writable, 2);
	assert_int_equal(chain.read_bytes, 16);
	assert_int_equal(chain.write_bytes, 513);
	assert_ptr_equal(chain.seg[0].p, fake_ram + HDR);
	assert_ptr_equal(chain.seg[1].p, fake_ram + DATA);
	assert_ptr_equal(chain.seg[2].p, fake_ram + STAT);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_EMPTY);
	virtq_push(&q, 0, 513);
	assert_int_equal(ram16(FAKE_USED + 2), 1);
	assert_int_equal(ram32(FAKE_USED + 4), 0);
	assert_int_equal(ram32(FAKE_USED + 8), 513);
}

/* The 16-bit indices wrap: 70000 requests through an 8-entry queue. */
static void test_index_wraps(void **state)
{
	enable();
	good_chain();
	for (unsigned n = 0; n < 70000; n++) {
		make_avail(QSIZE, 0);
		assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
		virtq_push(&q, 0, 1);
	}
	assert_int_equal(ram16(FAKE_USED + 2), (uint16_t)70000);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_EMPTY);
	assert_false(q.broken);
}

/* The longest chain allowed: every descriptor of the table. */
static void test_chain_of_queue_size(void **state)
{
	enable();
	for (unsigned i = 0; i < QSIZE - 1; i++)
		put_desc(i, HDR, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
	put_desc(QSIZE - 1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	make_avail(QSIZE, 0);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
	assert_int_equal(chain.readable + chain.writable, QSIZE);
}

static void test_loop(void **state)
{
	enable();
	good_chain();
	put_desc(2, STAT, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	make_avail(QSIZE, 0);
	assert_broken("chain 0 loops or is longer than its table");
}

static void test_self_loop(void **state)
{
	enable();
	put_desc(3, HDR, 16, VIRTQ_DESC_F_NEXT, 3);
	make_avail(QSIZE, 3);
	assert_broken("loops");
}

static void test_head_out_of_range(void **state)
{
	enable();
	make_avail(QSIZE, QSIZE);
	assert_broken("names descriptor 8, not below the queue size 8");
}

static void test_next_out_of_range(void **state)
{
	enable();
	good_chain();
	put_desc(1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 9);
	make_avail(QSIZE, 0);
	assert_broken("next 9 is not below 8");
}

static void test_avail_index_far_ahead(void **state)
{
	enable();
	good_chain();
	set16(FAKE_AVAIL + 2, QSIZE + 1);
	assert_broken("more than the queue size 8");
}

static void test_buffer_outside_ram(void **state)
{
	enable();
	good_chain();
	put_desc(1, FAKE_RAM_SIZE, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE,
		 2);
	make_avail(QSIZE, 0);
	assert_broken("is not in RAM");
}

static void test_buffer_across_end_of_ram(void **state)
{
	enable();
	good_chain();
	put_desc(1, FAKE_RAM_SIZE - 256, 512,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	make_avail(QSIZE, 0);
	assert_broken("is not in RAM");
}

/* An address so high that address + length wraps around to RAM. */
static void test_buffer_wrapping(void **state)
{
	enable();
	good_chain();
	put_desc(1, ~0ULL - 15, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	make_avail(QSIZE, 0);
	assert_broken("is not in RAM");
}

static void test_huge_length(void **state)
{
	enable();
	good_chain();
	put_desc(1, DATA, 0xffffffffu, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE,
		 2);
	make_avail(QSIZE, 0);
	assert_broken("is not in RAM");
}

static void test_zero_length(void **state)
{
	enable();
	good_chain();
	put_desc(1, DATA, 0, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	make_avail(QSIZE, 0);
	assert_broken("descriptor 1 of chain 0 is empty");
}

static void test_readable_after_writable(void **state)
{
	enable();
	put_desc(0, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	put_desc(1, HDR, 16, 0, 0);
	make_avail(QSIZE, 0);
	assert_broken("readable after a writable one");
}

/* ---- indirect descriptors ------------------------------------------- */

static void indirect_table(void)
{
	put_table_desc(TABLE, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	put_table_desc(TABLE, 1, DATA, 512,
		       VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	put_table_desc(TABLE, 2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
	put_desc(5, TABLE, 3 * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(QSIZE, 5);
}

static void test_indirect(void **state)
{
	q.indirect = true;
	enable();
	indirect_table();
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
	assert_int_equal(chain.head, 5);
	assert_int_equal(chain.readable, 1);
	assert_int_equal(chain.writable, 2);
	assert_ptr_equal(chain.seg[1].p, fake_ram + DATA);
}

static void test_indirect_not_negotiated(void **state)
{
	enable();
	indirect_table();
	assert_broken("VIRTIO_F_INDIRECT_DESC was not negotiated");
}

static void test_indirect_with_next(void **state)
{
	q.indirect = true;
	enable();
	indirect_table();
	put_desc(5, TABLE, 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 0);
	assert_broken("is indirect and has NEXT set");
}

static void test_indirect_nested(void **state)
{
	q.indirect = true;
	enable();
	indirect_table();
	put_table_desc(TABLE, 1, TABLE, 48, VIRTQ_DESC_F_INDIRECT, 0);
	assert_broken("an indirect table points to another one");
}

static void test_indirect_bad_length(void **state)
{
	q.indirect = true;
	enable();
	indirect_table();
	put_desc(5, TABLE, 40, VIRTQ_DESC_F_INDIRECT, 0);
	assert_broken("indirect table of 40 bytes");
}

static void test_indirect_outside_ram(void **state)
{
	q.indirect = true;
	enable();
	indirect_table();
	put_desc(5, FAKE_RAM_SIZE - 16, 48, VIRTQ_DESC_F_INDIRECT, 0);
	assert_broken("indirect table 0x3fff0 (48 bytes) is not in RAM");
}

static void test_indirect_loop(void **state)
{
	q.indirect = true;
	enable();
	indirect_table();
	put_table_desc(TABLE, 2, STAT, 1,
		       VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	assert_broken("loops or is longer than its table (3 descriptors)");
}

/* ---- enabling ------------------------------------------------------- */

static void assert_enable_fails(const char *fragment)
{
	assert_false(virtq_enable(&q, &fake_guest_ram));
	assert_true(q.broken);
	assert_false(q.enabled);
	if (!strstr(q.error, fragment))
		fail_msg("error \"%s\" lacks \"%s\"", q.error, fragment);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_BROKEN);
}

static void test_enable_bad_size(void **state)
{
	q.size = 3;
	assert_enable_fails("size 3 is not a power of 2");
	virtq_reset(&q);
	q.size = 0;
	assert_enable_fails("size 0");
}

static void test_enable_misaligned(void **state)
{
	q.desc_gpa = FAKE_DESC + 8;
	assert_enable_fails("descriptor ring at 0x1008 is not 16-byte aligned");
	virtq_reset(&q);
	q.size = QSIZE;
	q.desc_gpa = FAKE_DESC;
	q.avail_gpa = FAKE_AVAIL;
	q.used_gpa = FAKE_USED + 2;
	assert_enable_fails("used ring at 0x4002 is not 4-byte aligned");
}

static void test_enable_rings_outside_ram(void **state)
{
	q.used_gpa = FAKE_RAM_SIZE - 16; /* needs 4 + 8*8 + 2 bytes */
	assert_enable_fails("used ring at 0x3fff0 (70 bytes) is not in RAM");
	virtq_reset(&q);
	q.size = QSIZE;
	q.desc_gpa = 0xfee00000ULL;
	q.avail_gpa = FAKE_AVAIL;
	q.used_gpa = FAKE_USED;
	assert_enable_fails("descriptor ring at 0xfee00000");
}

/* ---- notification suppression --------------------------------------- */

static void test_event_idx(void **state)
{
	q.event_idx = true;
	enable();
	good_chain();
	make_avail(QSIZE, 0);
	make_avail(QSIZE, 0);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_EMPTY);
	/* avail_event: notify me when entry 2 is made available */
	assert_int_equal(ram16(FAKE_USED + 4 + 8 * QSIZE), 2);
	/* used_event 1: the driver wants an interrupt once used->idx
	 * passes 1 */
	set16(FAKE_AVAIL + 4 + 2 * QSIZE, 1);
	virtq_push(&q, 0, 1);
	assert_false(virtq_wants_interrupt(&q, 0));
	virtq_push(&q, 0, 1);
	assert_true(virtq_wants_interrupt(&q, 1));
	assert_true(virtq_wants_interrupt(&q, 0));
}

static void test_no_interrupt_flag(void **state)
{
	enable();
	good_chain();
	make_avail(QSIZE, 0);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
	virtq_push(&q, 0, 1);
	assert_true(virtq_wants_interrupt(&q, 0));
	set16(FAKE_AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_false(virtq_wants_interrupt(&q, 0));
	assert_false(virtq_wants_interrupt(&q, 1)); /* nothing new */
}

/* ---- the bytes of a chain ------------------------------------------- */

/* A header split 5 + 11 over two buffers reads as one; a write across
 * two writable buffers lands in both; no direct pointer spans them. */
static void test_chain_bytes_split(void **state)
{
	uint8_t hdr[16], out[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	for (unsigned i = 0; i < 16; i++)
		fake_ram[HDR + i] = (uint8_t)(0x40 + i);
	enable();
	put_desc(0, HDR, 5, VIRTQ_DESC_F_NEXT, 1);
	put_desc(1, HDR + 5, 11, VIRTQ_DESC_F_NEXT, 2);
	put_desc(2, DATA, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	put_desc(3, STAT, 4, VIRTQ_DESC_F_WRITE, 0);
	make_avail(QSIZE, 0);
	assert_int_equal(virtq_pop(&q, &chain), VIRTQ_CHAIN);
	assert_int_equal(virtq_chain_read(&chain, 0, hdr, 16), 16);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(hdr[i], 0x40 + i);
	assert_int_equal(virtq_chain_read(&chain, 10, hdr, 16), 6);
	assert_int_equal(virtq_chain_write(&chain, 2, out, 8), 6);
	assert_memory_equal(fake_ram + DATA + 2, out, 2);
	assert_memory_equal(fake_ram + STAT, out + 2, 4);
	assert_null(virtq_chain_write_ptr(&chain, 2, 4));
	assert_ptr_equal(virtq_chain_write_ptr(&chain, 4, 4), fake_ram + STAT);
	assert_null(virtq_chain_read_ptr(&chain, 4, 2));
	assert_ptr_equal(virtq_chain_read_ptr(&chain, 5, 11),
			 fake_ram + HDR + 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_good_chain),
		T(test_index_wraps),
		T(test_chain_of_queue_size),
		T(test_loop),
		T(test_self_loop),
		T(test_head_out_of_range),
		T(test_next_out_of_range),
		T(test_avail_index_far_ahead),
		T(test_buffer_outside_ram),
		T(test_buffer_across_end_of_ram),
		T(test_buffer_wrapping),
		T(test_huge_length),
		T(test_zero_length),
		T(test_readable_after_writable),
		T(test_indirect),
		T(test_indirect_not_negotiated),
		T(test_indirect_with_next),
		T(test_indirect_nested),
		T(test_indirect_bad_length),
		T(test_indirect_outside_ram),
		T(test_indirect_loop),
		T(test_enable_bad_size),
		T(test_enable_misaligned),
		T(test_enable_rings_outside_ram),
		T(test_event_idx),
		T(test_no_interrupt_flag),
		T(test_chain_bytes_split),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
