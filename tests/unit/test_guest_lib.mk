# tests/unit/test_guest_lib.mk - the test-guest library files
# test_guest_lib.c links.
test_guest_lib_SRCS := tests/guests/lib/libgcc.c
