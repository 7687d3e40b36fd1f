# tests/unit/test_dhcp_client.mk - the kernel files test_dhcp_client.c
# links: the client, and the NAT's DHCP server it is tested against.
test_dhcp_client_SRCS := drivers/net/dhcp_client.c drivers/net/nat.c \
                         drivers/net/nat_arp.c drivers/net/nat_conn.c \
                         drivers/net/nat_dhcp.c drivers/net/nat_xlate.c \
                         drivers/net/ipv4.c drivers/net/inet_csum.c \
                         lib/macaddr.c lib/fmt.c lib/str_copy.c
