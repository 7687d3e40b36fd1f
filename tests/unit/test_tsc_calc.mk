test_tsc_calc_SRCS := kernel/tsc_calc.c lib/math64.c lib/fmt.c
