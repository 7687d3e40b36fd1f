# tests/unit/test_pvpanic.mk - the kernel files test_pvpanic.c links.
test_pvpanic_SRCS := drivers/virt/pvpanic.c drivers/virt/portbus.c
