# tests/unit/test_nat_uplink.mk - the kernel files test_nat_uplink.c
# links: NAT mode's port, the switch, the NAT and the DHCP client.
test_nat_uplink_SRCS := drivers/net/nat_uplink.c drivers/net/vswitch.c \
                        drivers/net/dhcp_client.c drivers/net/nat.c \
                        drivers/net/nat_arp.c drivers/net/nat_conn.c \
                        drivers/net/nat_dhcp.c drivers/net/nat_xlate.c \
                        drivers/net/ipv4.c drivers/net/inet_csum.c \
                        lib/macaddr.c lib/fmt.c lib/str_copy.c
