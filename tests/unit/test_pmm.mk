# tests/unit/test_pmm.mk - the kernel files test_pmm.c links.
test_pmm_SRCS := kernel/pmm.c
