# tests/fuzz/fuzz_virtio_net.mk - the kernel files fuzz_virtio_net.c links.
fuzz_virtio_net_SRCS := drivers/virt/virtio_net.c drivers/virt/virtio_mmio.c \
                        drivers/virt/virtqueue.c drivers/net/vswitch.c \
                        lib/macaddr.c lib/fmt.c lib/log.c lib/str_copy.c
fuzz_virtio_net_MAX_LEN := 1024
