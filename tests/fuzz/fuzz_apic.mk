# tests/fuzz/fuzz_apic.mk - the kernel files fuzz_apic.c links; inputs
# are sequences of guest operations, so longer ones than the default.
fuzz_apic_SRCS := drivers/virt/vlapic.c drivers/virt/vlapic_timer.c \
                  drivers/virt/vlapic_route.c drivers/virt/ioapic.c \
                  drivers/virt/pic8259.c drivers/virt/vintc.c
fuzz_apic_MAX_LEN := 256
