/*
 * kernel/sched_policy.h - the scheduler's decisions, as pure logic: which
 * entity runs next on a CPU (round robin), how long (a slice weighted by
 * its CPU share), and on which CPU a new entity is placed.
 * Unit-tested on the host; vmx/run.c carries the decisions out. Each
 * run queue belongs to one CPU and is touched only by it after start-up.
 */
#ifndef KERNEL_SCHED_POLICY_H
#define KERNEL_SCHED_POLICY_H

#include "lib/types.h"

#define RUNQ_MAX 64

struct sched_entity {
	unsigned weight; /* CPU share: slices are weight x base */
	volatile bool runnable;
	uint64_t ran_ticks; /* for the statistics */
};

struct runqueue {
	unsigned count;
	unsigned next; /* where the round robin goes on */
	struct sched_entity *entities[RUNQ_MAX];
};

/* 0, or -1 when the queue is full. */
int runq_add(struct runqueue *rq, struct sched_entity *e);
/* The next runnable entity after the last one picked, or NULL. */
struct sched_entity *runq_pick(struct runqueue *rq);
/* Whether any entity is runnable (the round robin does not move). */
bool runq_has_runnable(const struct runqueue *rq);
/* A slice of base_ticks for each unit of weight (saturating). */
uint64_t sched_slice_ticks(unsigned weight, uint64_t base_ticks);
/* The least loaded CPU among the allowed ones (all when !has_mask), the
 * lowest number on a tie; -1 when the mask names no CPU below ncpus.
 * Only CPUs 0-63 are considered (the mask's width, CPUS_MAX). */
int sched_place(const unsigned *load, unsigned ncpus, uint64_t mask,
		bool has_mask);

#endif
