# tests/unit/test_vlapic.mk - the kernel files test_vlapic.c links.
test_vlapic_SRCS := drivers/virt/vlapic.c drivers/virt/vlapic_timer.c \
                    drivers/virt/vlapic_route.c
