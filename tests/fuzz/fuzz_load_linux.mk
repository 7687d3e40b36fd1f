# tests/fuzz/fuzz_load_linux.mk - the kernel files fuzz_load_linux.c
# links: the Linux loader, what it builds on, and the page walker that
# checks its page tables.
fuzz_load_linux_SRCS := vmx/load_linux.c vmx/e820.c vmx/boot64.c \
			vmx/guest_walk.c lib/fmt.c
