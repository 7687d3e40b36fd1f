# tests/unit/test_portbus.mk - the kernel files test_portbus.c links.
test_portbus_SRCS := drivers/virt/portbus.c
