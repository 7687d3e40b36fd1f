# tests/unit/test_mb2.mk - the kernel files test_mb2.c links.
test_mb2_SRCS := boot/multiboot2/mb2.c lib/fmt.c
