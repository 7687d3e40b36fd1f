/*
 * kernel/sched_policy.c - round robin with weighted slices, and placement.
 * Pure logic; unit-tested on the host.
 *
 * Weighted slices rather than weighted turns: each runnable entity gets
 * one turn per round, and a turn lasts weight x base. Two CPU-bound
 * entities with weights 1 and 3 thus share a CPU 25/75, and no entity
 * waits longer than one round.
 */
#include "kernel/sched_policy.h"

int runq_add(struct runqueue *rq, struct sched_entity *e)
{
	if (rq->count == RUNQ_MAX)
		return -1;
	rq->entities[rq->count++] = e;
	return 0;
}

struct sched_entity *runq_pick(struct runqueue *rq)
{
	for (unsigned i = 0; i < rq->count; i++) {
		unsigned at = (rq->next + i) % rq->count;

		if (rq->entities[at]->runnable) {
			rq->next = (at + 1) % rq->count;
			return rq->entities[at];
		}
	}
	return NULL;
}

bool runq_has_runnable(const struct runqueue *rq)
{
	for (unsigned i = 0; i < rq->count; i++)
		if (rq->entities[i]->runnable)
			return true;
	return false;
}

uint64_t sched_slice_ticks(unsigned weight, uint64_t base_ticks)
{
	if (weight == 0)
		weight = 1;
	if (base_ticks > UINT64_MAX / weight)
		return UINT64_MAX;
	return base_ticks * weight;
}

int sched_place(const unsigned *load, unsigned ncpus, uint64_t mask,
		bool has_mask)
{
	int best = -1;

	for (unsigned c = 0; c < ncpus && c < 64; c++) {
		if (has_mask && !(mask & (1ULL << c)))
			continue;
		if (best < 0 || load[c] < load[best])
			best = (int)c;
	}
	return best;
}
