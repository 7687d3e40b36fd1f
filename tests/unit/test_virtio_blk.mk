# tests/unit/test_virtio_blk.mk - the kernel files test_virtio_blk.c links.
test_virtio_blk_SRCS := drivers/virt/virtio_blk.c drivers/virt/virtio_mmio.c \
                        drivers/virt/virtqueue.c drivers/block/ramdisk.c drivers/block/blk_backend.c \
                        lib/fmt.c lib/log.c lib/str_copy.c
