# tests/unit/test_pic8259.mk - the kernel files test_pic8259.c links.
test_pic8259_SRCS := drivers/virt/pic8259.c drivers/virt/portbus.c
