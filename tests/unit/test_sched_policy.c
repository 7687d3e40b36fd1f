/*
 * tests/unit/test_sched_policy.c - kernel/sched_policy.c (round robin,
 * weighted slices, placement), on the host. The weighted policy is also
 * run as a simulation: entities on one run queue, each turn lasting its
 * slice, and the time each got is counted exactly.
 */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "kernel/sched_policy.h"

static struct runqueue rq;
static struct sched_entity ents[RUNQ_MAX + 1];

static int setup(void **state)
{
	memset(&rq, 0, sizeof(rq));
	memset(ents, 0, sizeof(ents));
	return 0;
}

/* n runnable entities of weight 1 on the queue. */
static void fill(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		ents[i].weight = 1;
		ents[i].runnable = true;
		assert_int_equal(runq_add(&rq, &ents[i]), 0);
	}
}

static unsigned index_of(const struct sched_entity *e)
{
	assert_non_null(e);
	return (unsigned)(e - ents);
}

static void test_add_up_to_max(void **state)
{
	fill(RUNQ_MAX);
	assert_int_equal(rq.count, RUNQ_MAX);
	assert_int_equal(runq_add(&rq, &ents[RUNQ_MAX]), -1);
	assert_int_equal(rq.count, RUNQ_MAX);
	/* The refused one is not on the queue: every pick is another. */
	ents[RUNQ_MAX].runnable = true;
	for (unsigned i = 0; i < 2 * RUNQ_MAX; i++)
		assert_ptr_not_equal(runq_pick(&rq), &ents[RUNQ_MAX]);
}

static void test_pick_round_robin_order(void **state)
{
	fill(4);
	for (unsigned round = 0; round < 3; round++)
		for (unsigned i = 0; i < 4; i++)
			assert_int_equal(index_of(runq_pick(&rq)), i);
}

/* An idle CPU asks whether anything can run, without moving the round
 * robin (vmx/run.c sleeps only when nothing can). */
static void test_has_runnable(void **state)
{
	assert_false(runq_has_runnable(&rq)); /* empty */
	fill(3);
	for (unsigned i = 0; i < 3; i++)
		ents[i].runnable = false;
	assert_false(runq_has_runnable(&rq));
	assert_null(runq_pick(&rq));
	ents[2].runnable = true;
	assert_true(runq_has_runnable(&rq));
	ents[0].runnable = true;
	assert_true(runq_has_runnable(&rq));
	assert_int_equal(index_of(runq_pick(&rq)), 0); /* order kept */
}

static void test_pick_skips_not_runnable(void **state)
{
	fill(5);
	ents[1].runnable = false;
	ents[3].runnable = false;
	for (unsigned round = 0; round < 3; round++) {
		assert_int_equal(index_of(runq_pick(&rq)), 0);
		assert_int_equal(index_of(runq_pick(&rq)), 2);
		assert_int_equal(index_of(runq_pick(&rq)), 4);
	}
	/* Only the last one left: it runs again and again (the search
	 * wraps around from after it). */
	ents[0].runnable = false;
	ents[2].runnable = false;
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(index_of(runq_pick(&rq)), 4);
}

static void test_pick_none_runnable(void **state)
{
	assert_null(runq_pick(&rq)); /* empty queue */
	fill(3);
	for (unsigned i = 0; i < 3; i++)
		ents[i].runnable = false;
	assert_null(runq_pick(&rq));
	assert_null(runq_pick(&rq));
}

static void test_runnable_again(void **state)
{
	fill(3);
	ents[1].runnable = false;
	assert_int_equal(index_of(runq_pick(&rq)), 0);
	assert_int_equal(index_of(runq_pick(&rq)), 2);
	assert_int_equal(index_of(runq_pick(&rq)), 0);
	/* It takes its turn in its place, not at once and not last. */
	ents[1].runnable = true;
	assert_int_equal(index_of(runq_pick(&rq)), 1);
	assert_int_equal(index_of(runq_pick(&rq)), 2);
	assert_int_equal(index_of(runq_pick(&rq)), 0);
	/* All asleep, then one wakes: it is found. */
	for (unsigned i = 0; i < 3; i++)
		ents[i].runnable = false;
	assert_null(runq_pick(&rq));
	ents[2].runnable = true;
	assert_int_equal(index_of(runq_pick(&rq)), 2);
}

/* Over many picks every runnable entity is picked equally often, and
 * none that sleeps, wherever the sleepers sit. */
static void test_pick_fair(void **state)
{
	unsigned picks[RUNQ_MAX] = {0}, runnable = 0;
	const unsigned rounds = 1000;

	fill(RUNQ_MAX);
	for (unsigned i = 0; i < RUNQ_MAX; i++) {
		ents[i].runnable = (i * 7) % 3 != 0;
		runnable += ents[i].runnable;
	}
	for (unsigned i = 0; i < rounds * runnable; i++)
		picks[index_of(runq_pick(&rq))]++;
	for (unsigned i = 0; i < RUNQ_MAX; i++)
		assert_int_equal(picks[i], ents[i].runnable ? rounds : 0);
}

static void test_slice_ticks(void **state)
{
	assert_int_equal(sched_slice_ticks(1, 1000), 1000);
	assert_int_equal(sched_slice_ticks(3, 1000), 3000);
	assert_int_equal(sched_slice_ticks(0, 1000), 1000); /* 0 means 1 */
	assert_int_equal(sched_slice_ticks(0, 0), 0);
	assert_int_equal(sched_slice_ticks(7, 0), 0);
	/* Saturation: the largest product that fits, then UINT64_MAX. */
	assert_int_equal(sched_slice_ticks(1, UINT64_MAX), UINT64_MAX);
	assert_int_equal(sched_slice_ticks(2, UINT64_MAX / 2), UINT64_MAX - 1);
	assert_int_equal(sched_slice_ticks(2, UINT64_MAX / 2 + 1), UINT64_MAX);
	assert_int_equal(sched_slice_ticks(UINT32_MAX, UINT64_MAX / UINT32_MAX),
			 UINT64_MAX);
	assert_int_equal(
		sched_slice_ticks(UINT32_MAX, UINT64_MAX / UINT32_MAX + 1),
		UINT64_MAX);
	assert_int_equal(sched_slice_ticks(UINT32_MAX, 1ULL << 40), UINT64_MAX);
	assert_int_equal(sched_slice_ticks(1000, 1ULL << 40), 1000ULL << 40);
}

static void test_place_least_loaded(void **state)
{
	static const unsigned load[] = {3, 1, 2, 1, 5};
	static const unsigned equal[] = {4, 4, 4};
	static const unsigned last[] = {4, 4, 0};

	assert_int_equal(sched_place(load, 5, 0, false), 1); /* tie: 1 < 3 */
	assert_int_equal(sched_place(load, 1, 0, false), 0);
	assert_int_equal(sched_place(load, 0, 0, false), -1);
	assert_int_equal(sched_place(equal, 3, 0, false), 0);
	assert_int_equal(sched_place(last, 3, 0, false), 2);
}

static void test_place_mask(void **state)
{
	const unsigned load[] = {3, 1, 2, 1, 5};

	/* The mask is ignored without has_mask. */
	assert_int_equal(sched_place(load, 5, 0, false), 1);
	assert_int_equal(sched_place(load, 5, 1u << 4, false), 1);
	/* Only allowed CPUs, even when another is less loaded. */
	assert_int_equal(sched_place(load, 5, 1u << 4, true), 4);
	assert_int_equal(sched_place(load, 5, (1u << 0) | (1u << 2), true), 2);
	assert_int_equal(sched_place(load, 5, (1u << 3) | (1u << 4), true), 3);
	/* A mask naming no CPU below ncpus, or none at all. */
	assert_int_equal(sched_place(load, 5, 0, true), -1);
	assert_int_equal(sched_place(load, 5, 1u << 5, true), -1);
	assert_int_equal(sched_place(load, 5, ~0ULL << 5, true), -1);
	assert_int_equal(sched_place(load, 3, 1u << 3, true), -1);
	/* Bits beyond ncpus do not matter. */
	assert_int_equal(sched_place(load, 3, ~0ULL, true), 1);
}

/* The mask has 64 bits and CPUS_MAX is 64: CPUs from 64 on are never
 * chosen, nor is their load read (the array below holds 64; ASan would
 * see a read past it). */
static void test_place_more_than_64_cpus(void **state)
{
	unsigned *load = calloc(64, sizeof(*load));

	for (unsigned c = 0; c < 64; c++)
		load[c] = 10 + (c == 63 ? 0 : 1);
	assert_int_equal(sched_place(load, 100, 0, false), 63);
	assert_int_equal(sched_place(load, 65, 1ULL << 63, true), 63);
	assert_int_equal(sched_place(load, 1000, 1ULL << 62, true), 62);
	assert_int_equal(sched_place(load, 100, 3, true), 0);
	free(load);
}

/*
 * The weighted policy, run: CPU-bound entities on one queue, each turn
 * lasting sched_slice_ticks(weight, base). Returns the total time; each
 * entity's time is in ran_ticks.
 */
static uint64_t simulate(const unsigned *weights, unsigned n, unsigned turns,
			 uint64_t base)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < n; i++) {
		ents[i].weight = weights[i];
		ents[i].runnable = true;
		assert_int_equal(runq_add(&rq, &ents[i]), 0);
	}
	for (unsigned t = 0; t < turns; t++) {
		struct sched_entity *e = runq_pick(&rq);
		uint64_t slice = sched_slice_ticks(e->weight, base);

		e->ran_ticks += slice;
		total += slice;
	}
	return total;
}

/* Each entity's share of the time is exactly its share of the weight:
 * ran * sum(weights) == total * weight, in integers. */
static void assert_shares(const unsigned *weights, unsigned n, uint64_t total)
{
	unsigned sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += weights[i];
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ents[i].ran_ticks * sum, total * weights[i]);
}

static void test_weights_1_3(void **state)
{
	static const unsigned w[] = {1, 3};
	uint64_t total = simulate(w, 2, 1000, 10000);

	assert_int_equal(total, 500 * 10000 + 500 * 30000);
	assert_int_equal(ents[0].ran_ticks * 4, total);	    /* 25% */
	assert_int_equal(ents[1].ran_ticks * 4, total * 3); /* 75% */
	assert_shares(w, 2, total);
}

/* 1:2:5, over 999 turns (333 whole rounds: exact shares need whole
 * rounds, since one turn of each makes a round). */
static void test_weights_1_2_5(void **state)
{
	static const unsigned w[] = {1, 2, 5};
	uint64_t total = simulate(w, 3, 999, 10000);

	assert_int_equal(total, 333 * 8 * 10000);
	assert_int_equal(ents[0].ran_ticks, 333 * 10000);
	assert_int_equal(ents[1].ran_ticks, 333 * 20000);
	assert_int_equal(ents[2].ran_ticks, 333 * 50000);
	assert_shares(w, 3, total);
}

/* A weight of 0 counts as 1: such an entity shares equally with a
 * weight-1 one, it does not starve. */
static void test_weight_0_runs(void **state)
{
	static const unsigned w[] = {0, 1};
	uint64_t total = simulate(w, 2, 1000, 10000);

	assert_int_equal(ents[0].ran_ticks * 2, total);
	assert_int_equal(ents[1].ran_ticks * 2, total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_up_to_max, setup),
		cmocka_unit_test_setup(test_pick_round_robin_order, setup),
		cmocka_unit_test_setup(test_pick_skips_not_runnable, setup),
		cmocka_unit_test_setup(test_has_runnable, setup),
		cmocka_unit_test_setup(test_pick_none_runnable, setup),
		cmocka_unit_test_setup(test_runnable_again, setup),
		cmocka_unit_test_setup(test_pick_fair, setup),
		cmocka_unit_test(test_slice_ticks),
		cmocka_unit_test(test_place_least_loaded),
		cmocka_unit_test(test_place_mask),
		cmocka_unit_test(test_place_more_than_64_cpus),
		cmocka_unit_test_setup(test_weights_1_3, setup),
		cmocka_unit_test_setup(test_weights_1_2_5, setup),
		cmocka_unit_test_setup(test_weight_0_runs, setup),
	};
	return cmocka_run_group_tests_name("sched_policy", tests, NULL, NULL);
}
