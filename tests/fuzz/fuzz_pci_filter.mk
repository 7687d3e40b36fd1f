# tests/fuzz/fuzz_pci_filter.mk - the kernel files fuzz_pci_filter.c
# links; inputs are sequences of 8-byte guest accesses.
fuzz_pci_filter_SRCS := drivers/virt/pci_filter.c \
                        drivers/virt/pci_filter_setup.c lib/fmt.c
fuzz_pci_filter_MAX_LEN := 256
