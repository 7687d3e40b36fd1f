/*
 * lib/log.c - leveled logging into one sink.
 * Any context; formats on the caller's stack (LOG_LINE_MAX bytes), so it
 * takes no lock itself: the sink serialises output.
 */
#include "lib/fmt.h"
#include "lib/log.h"

#define LOG_LINE_MAX 256

static const char *const level_tags[] = {
	[LOG_ERR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};

static log_sink_fn log_sink;
static enum log_level log_level = LOG_INFO;

void log_set_sink(log_sink_fn sink)
{
	log_sink = sink;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	int n;

	if (level > log_level || !log_sink)
		return;
	n = fmt_snprintf(line, sizeof(line), "%s", level_tags[level]);
	va_start(ap, fmt);
	n += fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= LOG_LINE_MAX - 1) {
		n = LOG_LINE_MAX - 2; /* truncated: keep the newline */
		line[n] = '\n';
		line[n + 1] = '\0';
		n++;
	} else if (n == 0 || line[n - 1] != '\n') {
		line[n++] = '\n';
		line[n] = '\0';
	}
	log_sink(line, (size_t)n);
}
