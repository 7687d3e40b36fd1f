# tests/unit/test_raw.mk - the kernel files test_raw.c links.
test_raw_SRCS := drivers/block/raw.c drivers/block/sector_dev.c drivers/block/blk_backend.c
