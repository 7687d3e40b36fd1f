# tests/unit/test_vtd_unit.mk - the kernel files test_vtd_unit.c links.
test_vtd_unit_SRCS := drivers/iommu/vtd_unit.c drivers/iommu/vtd_assign.c \
                     drivers/iommu/vtd_tables.c \
                     drivers/iommu/vtd_pagetable.c lib/fmt.c lib/log.c
