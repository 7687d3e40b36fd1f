# tests/unit/test_ata_sg.mk - the kernel files test_ata_sg.c links.
test_ata_sg_SRCS := drivers/hw/ata.c drivers/hw/ata_prd.c \
		    drivers/hw/ata_taskfile.c drivers/hw/ata_identify.c \
		    drivers/block/ata_disk.c drivers/block/raw.c \
		    drivers/block/sector_dev.c drivers/block/sector_queue.c \
		    drivers/block/blk_backend.c lib/fmt.c lib/log.c
