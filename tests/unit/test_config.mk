# tests/unit/test_config.mk - the kernel files test_config.c links.
test_config_SRCS := kernel/config_parse.c kernel/config_vm.c kernel/config.c \
                    kernel/disk_spec.c \
                    kernel/config_passthrough.c drivers/hw/pci_bdf.c \
                    kernel/boot_info.c lib/fmt.c lib/str_copy.c \
                    lib/macaddr.c drivers/hw/pci_bdf.c
