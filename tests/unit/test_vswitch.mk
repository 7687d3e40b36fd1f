# tests/unit/test_vswitch.mk - the kernel files test_vswitch.c links.
test_vswitch_SRCS := drivers/net/vswitch.c lib/macaddr.c lib/fmt.c \
                     lib/str_copy.c
