# tests/unit/test_cpuid_tsc.mk - the kernel files test_cpuid_tsc.c links.
test_cpuid_tsc_SRCS := vmx/cpuid_tsc.c
