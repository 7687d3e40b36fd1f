# tests/unit/test_disk_spec.mk - the kernel files test_disk_spec.c links.
test_disk_spec_SRCS := kernel/disk_spec.c drivers/block/mbr.c lib/fmt.c
