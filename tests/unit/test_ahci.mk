# tests/unit/test_ahci.mk - the kernel files test_ahci.c links.
test_ahci_SRCS := drivers/hw/ahci.c drivers/hw/ahci_cmd.c \
		  drivers/hw/ata_identify.c drivers/hw/ata_taskfile.c \
		  drivers/block/ahci_disk.c drivers/block/disk_selftest.c \
		  drivers/block/sector_dev.c drivers/block/sector_queue.c \
		  lib/fmt.c lib/log.c
