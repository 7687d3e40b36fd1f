# tests/fuzz/fuzz_dmar.mk - the kernel files fuzz_dmar.c links; inputs
# are whole remapping-structure lists, so longer ones than the default.
fuzz_dmar_SRCS := drivers/iommu/dmar.c drivers/iommu/dmar_scope.c lib/fmt.c \
                  lib/str_copy.c
fuzz_dmar_MAX_LEN := 512
