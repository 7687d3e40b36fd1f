# tests/fuzz/fuzz_virtqueue.mk - the kernel files fuzz_virtqueue.c links.
fuzz_virtqueue_SRCS := drivers/virt/virtqueue.c drivers/virt/virtio_mmio.c \
                       drivers/virt/virtio_blk.c drivers/block/ramdisk.c drivers/block/blk_backend.c \
                       lib/fmt.c lib/log.c lib/str_copy.c
fuzz_virtqueue_MAX_LEN := 1024
