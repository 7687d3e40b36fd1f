# tests/unit/test_aml.mk - the kernel files test_aml.c links.
test_aml_SRCS := drivers/virt/aml.c
