# tests/unit/test_pci_bdf.mk - the kernel files test_pci_bdf.c links.
test_pci_bdf_SRCS := drivers/hw/pci_bdf.c lib/fmt.c
