# tests/unit/test_vpci.mk - the kernel files test_vpci.c links.
test_vpci_SRCS := drivers/virt/vpci.c drivers/virt/portbus.c \
                  drivers/virt/pci_filter.c drivers/virt/pci_filter_setup.c \
                  lib/fmt.c
