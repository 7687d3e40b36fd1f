# tests/unit/test_load_linux.mk - the kernel files test_load_linux.c
# links: the loader, the E820 builder, the 64-bit boot tables, and the
# guest page walker that checks those tables.
test_load_linux_SRCS := vmx/load_linux.c vmx/e820.c vmx/boot64.c \
			vmx/guest_walk.c lib/fmt.c
