# tests/unit/test_cpuid_xsave.mk - the kernel files test_cpuid_xsave.c links.
test_cpuid_xsave_SRCS := vmx/cpuid_xsave.c
