# tests/unit/test_acpi_pm.mk - the kernel files test_acpi_pm.c links.
test_acpi_pm_SRCS := drivers/virt/acpi_pm.c drivers/virt/portbus.c \
		     lib/math64.c
