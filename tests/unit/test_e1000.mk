# tests/unit/test_e1000.mk - the kernel files test_e1000.c links.
test_e1000_SRCS := drivers/hw/e1000.c drivers/hw/e1000_host.c \
                   drivers/hw/pci.c drivers/hw/pci_bdf.c lib/macaddr.c \
                   lib/fmt.c
