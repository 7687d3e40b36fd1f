# tests/unit/test_vtd_tables.mk - the kernel files test_vtd_tables.c links.
test_vtd_tables_SRCS := drivers/iommu/vtd_tables.c drivers/iommu/vtd_pagetable.c
