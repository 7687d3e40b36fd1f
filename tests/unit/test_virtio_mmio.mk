# tests/unit/test_virtio_mmio.mk - the kernel files test_virtio_mmio.c links.
test_virtio_mmio_SRCS := drivers/virt/virtio_mmio.c drivers/virt/virtqueue.c \
                         drivers/virt/mmiobus.c lib/fmt.c lib/log.c \
                         lib/str_copy.c
