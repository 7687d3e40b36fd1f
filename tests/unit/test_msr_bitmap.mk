# tests/unit/test_msr_bitmap.mk - the kernel files test_msr_bitmap.c links.
test_msr_bitmap_SRCS := vmx/msr_bitmap.c
