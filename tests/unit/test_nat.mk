# tests/unit/test_nat.mk - the kernel files test_nat.c links.
test_nat_SRCS := drivers/net/nat.c drivers/net/nat_arp.c \
                 drivers/net/nat_conn.c drivers/net/nat_dhcp.c \
                 drivers/net/nat_xlate.c drivers/net/ipv4.c \
                 drivers/net/inet_csum.c lib/macaddr.c lib/fmt.c \
                 lib/str_copy.c
