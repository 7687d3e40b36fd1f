# tests/unit/test_dmar.mk - the kernel files test_dmar.c links.
test_dmar_SRCS := drivers/iommu/dmar.c drivers/iommu/dmar_scope.c lib/fmt.c \
                  lib/str_copy.c
