# tests/unit/test_guest_lib.mk - the test-guest library files
# test_guest_lib.c links, and the hypervisor's Multiboot loader, which
# writes the information the parser reads back. It also loads
# build/guests/hello-mb1.elf and hello-aout.bin (built first).
test_guest_lib_SRCS := tests/guests/lib/libgcc.c tests/guests/lib/mb1info.c \
		       vmx/load_multiboot.c vmx/multiboot_info.c lib/fmt.c
