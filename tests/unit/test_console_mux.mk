# tests/unit/test_console_mux.mk - the kernel files test_console_mux.c
# links.
test_console_mux_SRCS := kernel/console_mux.c
