# tests/unit/test_uplink.mk - the kernel files test_uplink.c links.
test_uplink_SRCS := drivers/net/uplink.c drivers/net/vswitch.c \
                    lib/macaddr.c lib/fmt.c lib/str_copy.c
