# tests/unit/test_pit8254.mk - the kernel files test_pit8254.c links.
test_pit8254_SRCS := drivers/virt/pit8254.c drivers/virt/portbus.c \
		     lib/math64.c
