# tests/unit/test_boot_info.mk - the kernel files test_boot_info.c links.
test_boot_info_SRCS := kernel/boot_info.c
