# tests/unit/test_virtio_net.mk - the kernel files test_virtio_net.c links.
test_virtio_net_SRCS := drivers/virt/virtio_net.c drivers/virt/virtio_mmio.c \
                        drivers/virt/virtqueue.c drivers/net/vswitch.c \
                        lib/macaddr.c lib/fmt.c lib/log.c lib/str_copy.c
