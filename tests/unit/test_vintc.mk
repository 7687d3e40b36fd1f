# tests/unit/test_vintc.mk - the kernel files test_vintc.c links.
test_vintc_SRCS := drivers/virt/vintc.c drivers/virt/vlapic.c \
                   drivers/virt/vlapic_timer.c drivers/virt/vlapic_route.c \
                   drivers/virt/ioapic.c drivers/virt/pic8259.c \
                   drivers/virt/portbus.c
