# tests/unit/test_pci_filter.mk - the kernel files test_pci_filter.c links.
test_pci_filter_SRCS := drivers/virt/pci_filter.c \
                        drivers/virt/pci_filter_setup.c lib/fmt.c
