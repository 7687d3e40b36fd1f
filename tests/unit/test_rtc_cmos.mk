# tests/unit/test_rtc_cmos.mk - the kernel files test_rtc_cmos.c links.
test_rtc_cmos_SRCS := drivers/virt/rtc_cmos.c drivers/virt/portbus.c \
		      lib/calendar.c
