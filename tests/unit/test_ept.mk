# tests/unit/test_ept.mk - the kernel files test_ept.c links.
test_ept_SRCS := vmx/ept.c
