test_text_grid_SRCS := drivers/hw/text_grid.c
