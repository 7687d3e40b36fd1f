# tests/unit/test_load_multiboot.mk - the kernel files
# test_load_multiboot.c links. It also loads build/guests/*.elf
# (tests/guests/guests.mk builds them first).
test_load_multiboot_SRCS := vmx/load_multiboot.c vmx/multiboot_info.c lib/fmt.c
