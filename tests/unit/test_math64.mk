test_math64_SRCS := lib/math64.c
