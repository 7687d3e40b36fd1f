# tests/unit/test_virtqueue.mk - the kernel files test_virtqueue.c links.
test_virtqueue_SRCS := drivers/virt/virtqueue.c lib/fmt.c
