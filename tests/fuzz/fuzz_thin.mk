# tests/fuzz/fuzz_thin.mk - the kernel files fuzz_thin.c links.
fuzz_thin_SRCS := drivers/block/thin.c drivers/block/sector_dev.c drivers/block/blk_backend.c \
                  lib/crc32.c lib/fmt.c lib/log.c
fuzz_thin_MAX_LEN := 256
