test_fbcon_SRCS := drivers/hw/fbcon.c drivers/hw/text_grid.c drivers/hw/psf.c
