test_decode_SRCS := vmx/decode.c
