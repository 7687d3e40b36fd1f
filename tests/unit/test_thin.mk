# tests/unit/test_thin.mk - the kernel files test_thin.c links.
test_thin_SRCS := drivers/block/thin.c drivers/block/sector_dev.c drivers/block/blk_backend.c \
                  lib/crc32.c lib/fmt.c lib/log.c
