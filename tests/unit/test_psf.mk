test_psf_SRCS := drivers/hw/psf.c
