# tests/unit/test_calendar.mk - the kernel files test_calendar.c links.
test_calendar_SRCS := lib/calendar.c
