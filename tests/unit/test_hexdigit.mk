# tests/unit/test_hexdigit.mk - the kernel files test_hexdigit.c links:
# none, lib/hexdigit.h is a header of inline functions.
test_hexdigit_SRCS :=
