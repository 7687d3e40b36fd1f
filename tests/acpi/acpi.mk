# tests/acpi/acpi.mk - the host program that writes a VM's ACPI tables as
# files (tests/acpi/acpi_tables_dump.c), built from the very kernel files
# the hypervisor links, with ASan and UBSan; tests/acpi/run checks its
# output with ACPICA's iasl and acpiexec (docs/virtual-platform.md).
#
#   make acpi-test   build it and run tests/acpi/run

ACPI_DUMP      := $(BUILD)/acpi/acpi_tables_dump
ACPI_DUMP_SRCS := tests/acpi/acpi_tables_dump.c drivers/virt/acpi_tables.c \
		  drivers/virt/aml.c drivers/virt/acpi_pm.c \
		  drivers/virt/pvpanic.c \
		  drivers/virt/portbus.c lib/fmt.c lib/math64.c

# One gcc run over several sources leaves only the last one's -MMD file:
# depend on every header those sources may include instead.
$(ACPI_DUMP): $(ACPI_DUMP_SRCS) $(wildcard drivers/virt/*.h lib/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(UNIT_CFLAGS)) -o $@ \
		$(ACPI_DUMP_SRCS)

acpi-build: $(ACPI_DUMP)

acpi-test: deps acpi-build
	@tests/acpi/run

.PHONY: acpi-build acpi-test
