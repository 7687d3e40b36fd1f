# tests/fuzz/fuzz_platform.mk - the kernel files fuzz_platform.c links:
# the PC platform's port devices and the bus.
fuzz_platform_SRCS := drivers/virt/portbus.c drivers/virt/acpi_pm.c \
		      drivers/virt/i8042.c drivers/virt/rtc_cmos.c \
		      drivers/virt/uart8250.c drivers/virt/pit8254.c \
		      drivers/virt/pvpanic.c \
		      lib/calendar.c lib/math64.c
