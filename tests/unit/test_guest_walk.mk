test_guest_walk_SRCS := vmx/guest_walk.c
