/*
 * lib/log.h - leveled logging with a per-file prefix.
 * Any context. A file sets its prefix before including this header:
 *
 *     #define LOG_PREFIX "acpi: "
 *     #include "lib/log.h"
 *
 * Messages go to one sink (the kernel console, or a test's capture
 * function) as whole lines.
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include "lib/types.h"

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

typedef void (*log_sink_fn)(const char *line, size_t len);

void log_set_sink(log_sink_fn sink);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_printf(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif

#define pr_err(fmt, ...)   log_printf(LOG_ERR, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)  log_printf(LOG_WARN, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  log_printf(LOG_INFO, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) log_printf(LOG_DEBUG, LOG_PREFIX fmt, ##__VA_ARGS__)

#endif
