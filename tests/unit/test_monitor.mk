# tests/unit/test_monitor.mk - the kernel files test_monitor.c links.
test_monitor_SRCS := kernel/monitor.c lib/fmt.c lib/str_copy.c
