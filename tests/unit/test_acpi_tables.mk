# tests/unit/test_acpi_tables.mk - the kernel files test_acpi_tables.c
# links: the table writer, and the hypervisor's own ACPI parser to read
# the result back.
test_acpi_tables_SRCS := drivers/virt/acpi_tables.c drivers/virt/aml.c \
			 kernel/acpi.c \
			 kernel/acpi_s5.c lib/fmt.c lib/log.c
