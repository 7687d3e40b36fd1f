# tests/unit/test_e1000.mk - the kernel files test_e1000.c links.
test_e1000_SRCS := drivers/hw/e1000.c lib/macaddr.c lib/fmt.c
