test_efi_elf_SRCS := boot/efi/elf_check.c lib/fmt.c
