test_fmt_SRCS := lib/fmt.c lib/log.c lib/str_copy.c
