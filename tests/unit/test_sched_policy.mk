# tests/unit/test_sched_policy.mk - the kernel files test_sched_policy.c
# links.
test_sched_policy_SRCS := kernel/sched_policy.c
