test_acpi_SRCS := kernel/acpi.c kernel/acpi_s5.c lib/fmt.c lib/log.c
