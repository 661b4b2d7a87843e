/*
 * Logging for the daemon and the client. log_warn adds strerror(errno),
 * log_warnx does not. Messages go to stderr in the foreground, to syslog
 * otherwise. Operator messages start with a stable id ("HOPTACD-BIND").
 */
#ifndef HOPTAC_LOG_H
#define HOPTAC_LOG_H

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/* Sets where messages go and the most verbose level kept. */
void log_init(const char *ident, int foreground, enum log_level level);

/* Parses "error", "warn", "info" or "debug"; -1 when unknown. */
int log_level_parse(const char *name);

int log_enabled(enum log_level level);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
