# tests/fuzz/fuzz_vpci.mk - the kernel files fuzz_vpci.c links; inputs
# are sequences of 8-byte guest port accesses to 0xcf8-0xcff.
fuzz_vpci_SRCS := drivers/virt/vpci.c drivers/virt/portbus.c
fuzz_vpci_MAX_LEN := 256
