# tests/fuzz/fuzz_nat.mk - the kernel files fuzz_nat.c links; inputs are
# sequences of frames from both sides, so longer ones than the default.
fuzz_nat_SRCS := drivers/net/nat.c drivers/net/nat_arp.c \
                 drivers/net/nat_conn.c drivers/net/nat_dhcp.c \
                 drivers/net/nat_xlate.c drivers/net/ipv4.c \
                 drivers/net/inet_csum.c lib/macaddr.c lib/fmt.c \
                 lib/str_copy.c
fuzz_nat_MAX_LEN := 1024
