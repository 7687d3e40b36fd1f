# tests/unit/test_ioapic.mk - the kernel files test_ioapic.c links.
test_ioapic_SRCS := drivers/virt/ioapic.c drivers/virt/vlapic.c \
                    drivers/virt/vlapic_timer.c drivers/virt/vlapic_route.c
