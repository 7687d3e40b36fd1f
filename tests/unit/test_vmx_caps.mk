# tests/unit/test_vmx_caps.mk - the kernel files test_vmx_caps.c links.
test_vmx_caps_SRCS := vmx/caps.c lib/fmt.c
