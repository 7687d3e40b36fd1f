# tests/fuzz/fuzz_dhcp_client.mk - the kernel files fuzz_dhcp_client.c
# links; inputs are sequences of replies, so longer than the default.
fuzz_dhcp_client_SRCS := drivers/net/dhcp_client.c drivers/net/ipv4.c \
                         drivers/net/inet_csum.c lib/macaddr.c lib/fmt.c \
                         lib/str_copy.c
fuzz_dhcp_client_MAX_LEN := 1024
