# tests/unit/test_vmx_error.mk - the kernel files test_vmx_error.c links.
test_vmx_error_SRCS := vmx/vmx_error.c
