# tests/fuzz/fuzz_decode.mk - the kernel files fuzz_decode.c links.
fuzz_decode_SRCS := vmx/decode.c
