# tests/unit/test_pci.mk - the kernel files test_pci.c links.
test_pci_SRCS := drivers/hw/pci.c lib/fmt.c
