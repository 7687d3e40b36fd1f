# tests/unit/test_uart8250.mk - the kernel files test_uart8250.c links.
test_uart8250_SRCS := drivers/virt/uart8250.c drivers/virt/portbus.c
