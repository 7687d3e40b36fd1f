test_efi_cfg_SRCS := boot/efi/cfg_modules.c lib/fmt.c
