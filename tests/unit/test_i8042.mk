# tests/unit/test_i8042.mk - the kernel files test_i8042.c links.
test_i8042_SRCS := drivers/virt/i8042.c drivers/virt/portbus.c
